"""End to end: a real headless Chromium creates a dossier in the web wizard and downloads its PDF.

It uses Debian's ``chromium`` and ``chromium-driver`` (never a browser a tool downloads itself)
and is skipped when they are not installed. The server runs in a thread on 127.0.0.1 with a
free port. Every step waits explicitly for the page it leads to (never a fixed sleep). A
screenshot of each step is saved in pytest's temporary folder (``webpass-e2e-captures`` under
``/tmp/pytest-of-$USER/pytest-current/``), or in ``$WEBPASS_E2E_CAPTURES`` when set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from web_a11y import check_page

from tests.system_deps import CHROMEDRIVER as DRIVER
from tests.system_deps import CHROMIUM, needs_chromium

pytestmark = [pytest.mark.slow, needs_chromium]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from tests.conftest import REPO  # noqa: E402
from webpass.web.server import make_app_server, serve_in_thread  # noqa: E402

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--lang=fr-FR",
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    workspace = tmp_path / "espace"
    httpd, _ = make_app_server("127.0.0.1", 0, workspace)
    stop = serve_in_thread(httpd)
    try:
        yield f"http://127.0.0.1:{httpd.port}", workspace
    finally:
        stop()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Chromium for the module's tests: starting it is the dearest step of each."""
    profile = tmp_path_factory.mktemp("profil-chromium")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(90)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium: Any, tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """The module's Chromium with a download folder of this test's own, left as a new one is:
    on a blank page, 1280 × 900, no device emulation, no cookie, nothing cached."""
    downloads = tmp_path / "telechargements"
    downloads.mkdir()
    chromium.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield chromium, downloads
    finally:
        chromium.get("about:blank")
        chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        chromium.set_window_size(1280, 900)
        chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
        chromium.execute_cdp_cmd("Network.clearBrowserCache", {})


# Generous: on a loaded 2-core machine a page may take long; the verdict never depends on it.
WAIT = 120


def wait(driver: Any, timeout: float = WAIT) -> Any:
    return WebDriverWait(driver, timeout, poll_frequency=0.1)


def goes_to_next_page(driver: Any, action: Callable[[], object]) -> None:
    """Run ``action`` (a click, Enter…) and wait until the page it leads to is fully loaded.

    Selenium returns from a key press as soon as it is sent; reading the title then could read
    the old page. The old page's root going stale, then ``readyState`` complete, is the signal.
    """
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    wait(driver).until(lambda _: _left(old))
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _left(old: Any) -> bool:
    """Whether the page that held ``old`` is gone.

    Selenium's ``staleness_of`` expects a stale-element error; Chrome may instead answer, for a
    node of a document it has just left, « Node with given id does not belong to the document »
    (seen on a loaded machine): the same fact, another error.
    """
    try:
        return bool(EC.staleness_of(old)(None))
    except WebDriverException:
        return True


def press(driver: Any, element: Any, key: str) -> None:
    goes_to_next_page(driver, lambda: element.send_keys(key))


def open_page(driver: Any, url: str) -> None:
    driver.get(url)  # returns once the page's load event has fired (page load strategy "normal")
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


_captures: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _capture_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Under pytest's own temporary folder (one per run and per xdist worker), so two runs, or two
    # worktrees on one machine, never write the same file.
    folder = Path(
        os.environ.get("WEBPASS_E2E_CAPTURES")
        or tmp_path_factory.getbasetemp() / "webpass-e2e-captures"
    )
    folder.mkdir(parents=True, exist_ok=True)
    _captures[:] = [folder]


def captures() -> Path:
    return _captures[0]


def shoot(driver: Any, name: str) -> None:
    """A full-page screenshot of the current page."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height) + 200, 900), 6000))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(captures() / f"{name}.png"))
    driver.set_window_size(1280, 900)


def checked(driver: Any) -> None:
    check_page(driver.page_source)


def active(driver: Any) -> Any:
    return driver.switch_to.active_element


def typed(driver: Any, element_id: str, text: str) -> Any:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)
    return field


def focus_is_visible(driver: Any) -> bool:
    style = driver.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor];"
    )
    outline, width, shadow, _ = style
    return (outline != "none" and width != "0px") or shadow != "none"


def test_create_a_dossier_and_download_its_pdf(
    server: tuple[str, Path], browser: tuple[Any, Path]
) -> None:
    base, workspace = server
    driver, downloads = browser

    # Home: the first Tab reaches the skip link, visibly; Enter moves to the content.
    open_page(driver, base + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    checked(driver)
    active(driver).send_keys(Keys.TAB)
    assert active(driver).text == "Aller au contenu"
    assert focus_is_visible(driver)
    shoot(driver, "01-accueil-lien-evitement")
    active(driver).send_keys(Keys.ENTER)
    wait(driver).until(lambda d: active(d).get_attribute("id") == "contenu")
    active(driver).send_keys(Keys.TAB)
    assert active(driver).text == "Créer un dossier"
    assert focus_is_visible(driver)
    press(driver, active(driver), Keys.ENTER)

    # Step 1, with a mistake first: a postal code typed for the commune. The focus moves to the
    # error summary, which links to the field; Enter takes the focus there.
    assert "Étape 1 sur 5" in driver.title
    checked(driver)
    shoot(driver, "02-profil")
    press(driver, typed(driver, "champ-recherche", "29900"), Keys.ENTER)
    assert driver.title.startswith("Erreur : ")
    assert active(driver).get_attribute("id") == "resume-erreurs"
    checked(driver)
    shoot(driver, "03-profil-erreur")
    link = driver.find_element(By.CSS_SELECTOR, ".resume-erreurs a")
    assert link.get_attribute("href").endswith("#champ-recherche")
    assert "Concarneau" in link.text  # the communes this postal code serves are proposed
    link.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: active(d).get_attribute("id") == "champ-recherche")
    assert focus_is_visible(driver)
    assert active(driver).get_attribute("aria-invalid") == "true"
    press(driver, typed(driver, "champ-recherche", "Tonquédec"), Keys.ENTER)

    # The reference fills the rest, shown for confirmation; Enter saves it.
    assert "Trouvée dans la liste officielle" in driver.page_source
    assert driver.find_element(By.ID, "champ-code_insee").get_attribute("value") == "22340"
    assert driver.find_element(By.ID, "champ-population").get_attribute("value") == "1201"
    shoot(driver, "03b-profil-trouvee")
    press(driver, driver.find_element(By.ID, "champ-domaine"), Keys.ENTER)

    # Step 2: a redesign (the proposed answer) of the current site, level 3 proposed.
    assert "Étape 2 sur 5" in driver.title, driver.title
    checked(driver)
    typed(driver, "champ-site_adresse", "https://www.tonquedec.fr")
    shoot(driver, "04-projet")
    press(driver, typed(driver, "champ-reference", "2027-SITE-01"), Keys.ENTER)

    # Step 3: tick the first option offered, with the keyboard.
    assert "Étape 3 sur 5" in driver.title, driver.title
    checked(driver)
    first = driver.find_element(By.CSS_SELECTOR, "input[type=checkbox][id^=champ-option-]")
    first.send_keys(Keys.SPACE)
    assert first.is_selected()
    shoot(driver, "05-options")
    press(driver, driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]"), Keys.ENTER)

    # Step 4: the proposed values are kept; what only the collectivity knows has none and is
    # typed (the current site, A03, and its documents to take over, L01); the page count both
    # use is asked once, under A03.
    assert "Étape 4 sur 5" in driver.title, driver.title
    checked(driver)
    asked = {
        "valeur-A03-nombre_pages": "35",
        "valeur-A03-outil_actuel": "un site statique",
        "valeur-A03-hebergeur_actuel": "un hébergeur mutualisé",
        "valeur-A03-visites_mensuelles": "900",
        "valeur-L01-nombre_documents_repris": "40",
    }
    assert not driver.find_elements(By.NAME, "valeur-L01-nombre_pages")
    for name, value in asked.items():
        field = driver.find_element(By.NAME, name)
        assert field.get_attribute("value") == "", name
        field.send_keys(value)
    shoot(driver, "06-champs")
    press(driver, driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]"), Keys.ENTER)

    # Step 5: the review, then the PDF.
    assert "Étape 5 sur 5" in driver.title, driver.title
    checked(driver)
    body = driver.find_element(By.TAG_NAME, "body").text
    for text in ("Estimation du coût", "Procédure à suivre", "Aides", "simulation"):
        assert text in body
    shoot(driver, "07-recapitulatif")
    answers = workspace / "tonquedec" / "webpass.yaml"
    assert answers.is_file()
    driver.find_element(By.LINK_TEXT, "Télécharger le CCTP en PDF").send_keys(Keys.ENTER)
    pdf = _downloaded(driver, downloads, ".pdf")
    assert pdf.name == "cctp-tonquedec.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) > 3
    assert "Tonquédec" in reader.pages[0].extract_text()


def _downloaded(driver: Any, folder: Path, suffix: str) -> Path:
    """Wait for Chromium to finish the download (no ``.crdownload`` left) and return the file."""

    def finished(_: Any) -> Path | None:
        names = list(folder.iterdir())
        done = [p for p in names if p.suffix == suffix]
        return done[0] if done and not any(p.suffix == ".crdownload" for p in names) else None

    path: Path = wait(driver).until(
        finished, message=f"aucun fichier {suffix} téléchargé dans {folder}"
    )
    return path


def test_a_50_mo_upload_gets_a_clean_french_page(
    server: tuple[str, Path], browser: tuple[Any, Path], tmp_path: Path
) -> None:
    base, _ = server
    driver, _ = browser
    big = tmp_path / "grosse-offre.csv"
    with big.open("wb") as file:
        file.truncate(50 * 1024 * 1024)
    open_page(driver, base + "/verifier")
    checked(driver)
    driver.find_element(By.ID, "champ-offre").send_keys(str(big))
    press(driver, driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]"), Keys.ENTER)
    assert driver.title == "Fichier trop volumineux — webpass"
    assert "dépasse 10 Mo" in driver.find_element(By.TAG_NAME, "body").text
    checked(driver)
    shoot(driver, "08-envoi-trop-volumineux")
    press(driver, driver.find_element(By.LINK_TEXT, "Revenir au formulaire"), Keys.ENTER)
    assert driver.title == "Vérifier une offre — webpass"


def test_every_page_fits_320_pixels(server: tuple[str, Path], browser: tuple[Any, Path]) -> None:
    """At 320 px wide (a small phone), no page scrolls sideways; a capture of each is kept."""
    base, workspace = server
    driver, _ = browser
    for name in ("petite-commune", "communaute-de-communes"):
        shutil.copytree(REPO / "examples" / name, workspace / name)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 320, "height": 900, "deviceScaleFactor": 1, "mobile": True},
    )
    pages = ["/", "/nouveau", "/subvention", "/verifier"]
    for name in ("petite-commune", "communaute-de-communes"):
        pages += [
            f"/dossiers/{name}/{step}" for step in ("profil", "projet", "options", "champs", "")
        ]
    too_wide = {}
    for number, page in enumerate(pages):
        open_page(driver, base + page)
        # What folds away (the contract terms, the removals) must fit too once unfolded.
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(str(captures() / f"320-{number:02d}.png"))
        if width > 320:
            too_wide[page] = driver.execute_script(
                "return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > 321)"
                ".slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)"
            )
    assert not too_wide, too_wide
