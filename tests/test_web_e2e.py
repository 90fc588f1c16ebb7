"""End to end: a real headless Chromium creates a dossier in the web wizard and downloads its PDF.

It uses Debian's ``chromium`` and ``chromium-driver`` (never a browser a tool downloads itself)
and is skipped when they are not installed. The server runs in a thread on 127.0.0.1 with a
free port. A screenshot of each step is saved under the temporary folder (not in the
repository), in ``$WEBPASS_E2E_CAPTURES`` when set, to be looked at.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from web_a11y import check_page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (Path(CHROMIUM).is_file() and Path(DRIVER).is_file()),
        reason="chromium et chromium-driver (paquets Debian) ne sont pas installés",
    ),
]

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

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


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    downloads = tmp_path / "telechargements"
    downloads.mkdir()
    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profil-chromium'}"]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(90)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver, downloads
    finally:
        driver.quit()


def captures() -> Path:
    folder = Path(
        os.environ.get("WEBPASS_E2E_CAPTURES")
        or Path(tempfile.gettempdir()) / "webpass-e2e-captures"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
    driver.get(base + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    checked(driver)
    active(driver).send_keys(Keys.TAB)
    assert active(driver).text == "Aller au contenu"
    assert focus_is_visible(driver)
    shoot(driver, "01-accueil-lien-evitement")
    active(driver).send_keys(Keys.ENTER)
    assert active(driver).get_attribute("id") == "contenu"
    active(driver).send_keys(Keys.TAB)
    assert active(driver).text == "Créer un dossier"
    assert focus_is_visible(driver)
    active(driver).send_keys(Keys.ENTER)

    # Step 1, with a mistake first: the summary links to the field, Enter takes the focus there.
    assert "Étape 1 sur 5" in driver.title
    checked(driver)
    shoot(driver, "02-profil")
    typed(driver, "champ-nom", "Kerbriac-sur-Lié")
    typed(driver, "champ-code_insee", "2298")
    typed(driver, "champ-population", "1 200").send_keys(Keys.ENTER)
    assert driver.title.startswith("Erreur : ")
    checked(driver)
    shoot(driver, "03-profil-erreur")
    link = driver.find_element(By.CSS_SELECTOR, ".resume-erreurs a")
    assert link.get_attribute("href").endswith("#champ-code_insee")
    link.send_keys(Keys.ENTER)
    assert active(driver).get_attribute("id") == "champ-code_insee"
    assert focus_is_visible(driver)
    assert active(driver).get_attribute("aria-invalid") == "true"
    typed(driver, "champ-code_insee", "22987").send_keys(Keys.ENTER)

    # Step 2: a redesign (the proposed answer) of the current site, level 3 proposed.
    assert "Étape 2 sur 5" in driver.title, driver.title
    checked(driver)
    typed(driver, "champ-site_adresse", "https://www.kerbriac-sur-lie.fr")
    shoot(driver, "04-projet")
    typed(driver, "champ-reference", "2027-SITE-01").send_keys(Keys.ENTER)

    # Step 3: tick the first option offered, with the keyboard.
    assert "Étape 3 sur 5" in driver.title, driver.title
    checked(driver)
    first = driver.find_element(By.CSS_SELECTOR, "input[type=checkbox][id^=champ-option-]")
    first.send_keys(Keys.SPACE)
    assert first.is_selected()
    shoot(driver, "05-options")
    driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]").send_keys(Keys.ENTER)

    # Step 4: the proposed values are kept.
    assert "Étape 4 sur 5" in driver.title, driver.title
    checked(driver)
    shoot(driver, "06-champs")
    driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]").send_keys(Keys.ENTER)

    # Step 5: the review, then the PDF.
    assert "Étape 5 sur 5" in driver.title, driver.title
    checked(driver)
    body = driver.find_element(By.TAG_NAME, "body").text
    for text in ("Estimation du coût", "Procédure à suivre", "Subvention Webpass"):
        assert text in body
    shoot(driver, "07-recapitulatif")
    answers = workspace / "kerbriac-sur-lie" / "webpass.yaml"
    assert answers.is_file()
    driver.find_element(By.LINK_TEXT, "Télécharger le CCTP en PDF").send_keys(Keys.ENTER)
    pdf = _downloaded(downloads, ".pdf", timeout=90)
    assert pdf.name == "cctp-kerbriac-sur-lie.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) > 3
    assert "Kerbriac" in reader.pages[0].extract_text()


def _downloaded(folder: Path, suffix: str, timeout: float) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"aucun fichier {suffix} téléchargé dans {folder}")


def test_a_50_mo_upload_gets_a_clean_french_page(
    server: tuple[str, Path], browser: tuple[Any, Path], tmp_path: Path
) -> None:
    base, _ = server
    driver, _ = browser
    big = tmp_path / "grosse-offre.csv"
    with big.open("wb") as file:
        file.truncate(50 * 1024 * 1024)
    driver.get(base + "/verifier")
    checked(driver)
    driver.find_element(By.ID, "champ-offre").send_keys(str(big))
    driver.find_element(By.CSS_SELECTOR, ".actions button[type=submit]").send_keys(Keys.ENTER)
    assert driver.title == "Fichier trop volumineux — webpass"
    assert "dépasse 10 Mo" in driver.find_element(By.TAG_NAME, "body").text
    checked(driver)
    shoot(driver, "08-envoi-trop-volumineux")
    driver.find_element(By.LINK_TEXT, "Revenir au formulaire").send_keys(Keys.ENTER)
    assert driver.title == "Vérifier une offre — webpass"
