"""The web wizard under hostile or merely unexpected input: never a 500, never a file outside.

Issue 22 (1, 5): the verifier page answered 500 for a grid exactly as downloaded or a DPGF total
of 0; documents rendered in parallel threads corrupted the heap. Issue 23 (4, Low): the key
file and the workspace's dossiers are read without following a link out of the workspace.
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import urllib.request
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_hostile import CORPUS, fabricate
from test_web import PROFILE, SLUG, fill, post, seeded

from webpass.core.errors import UsageError
from webpass.web import create_app
from webpass.web.security import KEY_FILE

OFFER_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".yaml", ".yml", ".json")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "espace"


@pytest.fixture
def app(workspace: Path, options_catalog: Path) -> Flask:
    application = create_app(workspace, options_catalog)
    application.testing = True
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def upload(client: FlaskClient, url: str, data: bytes, name: str) -> Any:
    return post(
        client, url, {"offre": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _hostile_offers(tmp_path: Path) -> list[tuple[str, bytes, str]]:
    """Every offer-like file of tests/hostile/, shipped or fabricated."""
    import yaml

    found = []
    for case in sorted(p for p in CORPUS.iterdir() if (p / "cas.yaml").is_file()):
        spec = yaml.safe_load((case / "cas.yaml").read_text(encoding="utf-8"))
        made = tmp_path / case.name
        made.mkdir()
        for name, kind in (spec.get("fabriquer") or {}).items():
            special = kind in ("csv_50_mo", "yaml_20_mo", "tube") or kind.startswith("lien:")
            if Path(name).suffix in OFFER_SUFFIXES and not special and not name.startswith("{"):
                fabricate(kind, made / name, tmp_path)
                found.append((case.name, (made / name).read_bytes(), name))
        for path in case.iterdir():
            if path.suffix in OFFER_SUFFIXES and path.is_file():
                found.append((case.name, path.read_bytes(), path.name))
    return found


def _grid_variants(client: FlaskClient, tmp_path: Path) -> list[tuple[str, bytes, str]]:
    """The grid as downloaded in every format, filled, filled with zero prices, mangled."""
    variants = []
    for fmt in ("xlsx", "csv", "yaml", "json"):
        response = client.get(f"/dossiers/{SLUG}/grille.{fmt}")
        assert response.status_code == 200
        variants.append((f"telechargee-{fmt}", response.data, f"grille.{fmt}"))
    xlsx = client.get(f"/dossiers/{SLUG}/grille.xlsx").data
    filled = fill(xlsx, tmp_path)
    variants.append(("remplie", filled.read_bytes(), "offre.xlsx"))
    book = openpyxl.load_workbook(filled)
    sheet = book["Exigences"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("Prix HT")].value not in (None, "—"):
            row[headers.index("Prix HT")].value = 0
    for row in book.worksheets[2].iter_rows(min_row=2):
        if row[0].value and len(str(row[0].value)) == 3:
            row[4].value = 0
    zero = tmp_path / "zero.xlsx"
    book.save(zero)
    variants.append(("totaux-nuls", zero.read_bytes(), "offre.xlsx"))
    for label, text in (
        ("montants-texte", "douze mille"),
        ("montant-ambigu", "12.500"),
        ("montant-ttc", "30 000 € TTC"),
    ):
        book = openpyxl.load_workbook(filled)
        sheet = book["Exigences"]
        for row in sheet.iter_rows(min_row=2, max_row=4):
            row[headers.index("Prix HT")].value = text
        path = tmp_path / f"{label}.xlsx"
        book.save(path)
        variants.append((label, path.read_bytes(), "offre.xlsx"))
    csv_text = client.get(f"/dossiers/{SLUG}/grille.csv").data.decode("utf-8-sig")
    variants.append(("csv-tronque", csv_text[: len(csv_text) // 2].encode(), "offre.csv"))
    escaped = "Raison sociale;\x1b[31mROUGE\x1b]0;titre\x07\n" + csv_text
    variants.append(("echappement-terminal", escaped.encode(), "offre.csv"))
    return variants


def test_no_upload_makes_the_verifier_answer_500(
    client: FlaskClient, workspace: Path, tmp_path: Path
) -> None:
    seeded(workspace)
    offers = _grid_variants(client, tmp_path) + _hostile_offers(tmp_path)
    assert len(offers) >= 15
    for url in (f"/dossiers/{SLUG}/verifier", "/verifier"):
        for label, data, name in offers:
            response = upload(client, url, data, name)
            assert response.status_code in (200, 422), (label, url, response.status_code)
            page = response.get_data(as_text=True)
            assert "Erreur interne" not in page, (label, url)
            assert "\x1b" not in page and "root:x:0:0" not in page, (label, url)


def test_a_zero_total_is_shown_not_a_500(
    client: FlaskClient, workspace: Path, tmp_path: Path
) -> None:
    seeded(workspace)
    zero = {label: data for label, data, _ in _grid_variants(client, tmp_path)}
    response = upload(client, f"/dossiers/{SLUG}/verifier", zero["totaux-nuls"], "offre.xlsx")
    assert response.status_code == 200
    assert "0,00\u00a0€\u00a0HT" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"lignes": "²"},
        {"lignes": "9" * 5000},
        {"population": "9" * 5000},
        {"recettes": "9" * 5000},
        {"nom": "x" * 1_500_000},
        {"nom": "\x00Kerbriac"},
        {"nom": "\u200b\u200b"},
        {"recettes": "30 000 € TTC"},
        {"recettes": "12.500"},
    ],
    ids=lambda c: next(iter(c)) + "-" + repr(next(iter(c.values())))[:12],
)
def test_step_one_refuses_hostile_values_beside_the_field(
    client: FlaskClient, changes: dict[str, str]
) -> None:
    response = post(client, "/nouveau", {**PROFILE, **changes})
    assert response.status_code in (303, 413, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "Erreur interne" not in page
    field = next(iter(changes))
    if field in ("nom", "recettes") and response.status_code != 413:
        # refused beside its own field, in French, never accepted
        assert response.status_code == 422
        assert re.search(rf'id="champ-{field}-erreur"', page), page[:2000]


def test_a_symlinked_key_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    workspace.mkdir()
    outside = tmp_path / "precieux.txt"
    outside.write_text("ne pas écraser\n", encoding="utf-8")
    outside.chmod(0o644)
    (workspace / KEY_FILE).symlink_to(outside)
    with pytest.raises(UsageError) as info:
        create_app(workspace)
    assert "lien symbolique" in info.value.message
    assert outside.read_text(encoding="utf-8") == "ne pas écraser\n"
    assert outside.stat().st_mode & 0o777 == 0o644


def test_a_key_file_that_is_a_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    workspace.mkdir()
    os.mkfifo(workspace / KEY_FILE)
    with pytest.raises(UsageError):
        create_app(workspace)


def test_a_damaged_key_is_replaced_owner_only(tmp_path: Path) -> None:
    workspace = tmp_path / "espace"
    workspace.mkdir()
    (workspace / KEY_FILE).write_text("abîmée", encoding="utf-8")
    create_app(workspace)
    key = workspace / KEY_FILE
    assert not key.is_symlink() and key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text(encoding="ascii").strip()) == 64


def test_a_dossier_linked_from_outside_is_neither_listed_nor_opened(
    client: FlaskClient, workspace: Path, tmp_path: Path
) -> None:
    elsewhere = seeded(tmp_path / "ailleurs")
    workspace.mkdir(exist_ok=True)
    (workspace / "lien-dehors").symlink_to(elsewhere, target_is_directory=True)
    home = client.get("/").get_data(as_text=True)
    assert "lien-dehors" not in home
    assert client.get("/dossiers/lien-dehors/").status_code == 404


def test_documents_are_made_one_at_a_time_and_kept(
    client: FlaskClient, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.render import dispatch

    seeded(workspace)
    real = dispatch.generate
    running = 0
    most = 0
    calls = 0
    guard = threading.Lock()
    started = threading.Barrier(4, timeout=30)

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal running, most, calls
        with guard:
            running += 1
            calls += 1
            most = max(most, running)
        try:
            return real(*args, **kwargs)
        finally:
            with guard:
                running -= 1

    monkeypatch.setattr(dispatch, "generate", counted)
    results: list[tuple[int, bytes]] = []

    def download(fmt: str) -> None:
        started.wait()  # four clicks at the same moment
        response = client.application.test_client().get(f"/dossiers/{SLUG}/cctp.{fmt}")
        with guard:
            results.append((response.status_code, response.data))

    threads = [
        threading.Thread(target=download, args=(f,)) for f in ("html", "html", "docx", "html")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [code for code, _ in results] == [200] * 4
    assert most == 1, "deux documents préparés en même temps dans le même processus"
    assert calls == 2, "un document demandé deux fois a été refait"
    html = {data for code, data in results if data.startswith(b"<!DOCTYPE")}
    assert len(html) == 1
    # An edited dossier is a new document.
    answers = workspace / SLUG / "webpass.yaml"
    answers.write_text(answers.read_text(encoding="utf-8") + "\n# modifié\n", encoding="utf-8")
    assert client.get(f"/dossiers/{SLUG}/cctp.html").status_code == 200
    assert calls == 3


def test_an_ipv6_loopback_server_answers_its_own_address(workspace: Path) -> None:
    application = create_app(workspace, trusted_hosts=["127.0.0.1", "localhost", "::1"])
    client = application.test_client()
    assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "pirate.example"}).status_code == 400


def test_serve_refuses_an_empty_address(workspace: Path) -> None:
    from webpass.web.server import make_app_server

    with pytest.raises(UsageError) as info:
        make_app_server("", 0, workspace)
    assert "--hote" in info.value.message


@pytest.mark.skipif(not socket.has_dualstack_ipv6(), reason="IPv4 et IPv6 sur une même socket")
def test_listening_on_every_address_answers_the_address_it_prints(workspace: Path) -> None:
    from webpass.web.server import browser_address, make_app_server, serve_in_thread

    try:
        server, _ = make_app_server("::", 0, workspace)
    except UsageError:
        pytest.skip("IPv6 indisponible ici")
    stop = serve_in_thread(server)
    try:
        address = browser_address("::", server.port)
        assert address.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(address, timeout=10) as response:
            assert response.status == 200
    finally:
        stop()
