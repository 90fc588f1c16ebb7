"""The web app's slow documents (the CCTP in PDF, the DCE): a « préparation en cours » page that
refreshes itself without JavaScript, one making per document however often it is asked for.
Issue 22, item 7."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import ANSWERS
from flask import Flask
from web_a11y import check_page

from webpass.render.dispatch import OutputFormat, Rendered
from webpass.web import create_app
from webpass.web.preparation import preparations

SLUG = "kerbriac-sur-lie"
# Generous: the verdict never depends on it, a loaded machine only makes the test wait.
SETTLE = 300


@pytest.fixture
def app(tmp_path: Path, options_catalog: Path) -> Flask:
    application = create_app(tmp_path / "espace", options_catalog)
    application.testing = True
    application.config["WEBPASS_PREPARATION_WAIT"] = 0  # every document shows its page
    folder = tmp_path / "espace" / SLUG
    folder.mkdir(parents=True)
    (folder / "webpass.yaml").write_text(ANSWERS, encoding="utf-8")
    return application


class SlowPdf:
    """A PDF engine that waits until the test lets it finish, and counts its calls.

    It stands in for the dispatcher's one PDF step, so it replaces Typst and WeasyPrint alike.
    """

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, *_args: object, **_kwargs: object) -> Rendered:
        self.calls += 1
        assert self.release.wait(SETTLE)
        from pypdf import PdfWriter

        buffer = io.BytesIO()
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(buffer)
        return Rendered(OutputFormat.PDF, buffer.getvalue(), 1)


@pytest.fixture
def slow_pdf(monkeypatch: pytest.MonkeyPatch) -> SlowPdf:
    renderer = SlowPdf()
    monkeypatch.setattr("webpass.render.dispatch._pdf", renderer)
    return renderer


def _refresh_target(html: str) -> str:
    found = re.search(r'<meta http-equiv="refresh" content="(\d+); url=([^"]+)">', html)
    assert found, html
    return found.group(2).replace("&amp;", "&")


def test_the_pdf_page_says_it_is_being_prepared_then_downloads(
    app: Flask, slow_pdf: SlowPdf
) -> None:
    client = app.test_client()
    url = f"/dossiers/{SLUG}/cctp.pdf"
    first = client.get(url)
    assert first.status_code == 202
    html = first.get_data(as_text=True)
    assert "Préparation en cours" in html and "<script" not in html
    check_page(html)
    waiting = _refresh_target(html)
    assert waiting.endswith("/cctp.pdf?attente=1")
    # A double click, then the page's own refreshes: still one document being made.
    assert client.get(url).status_code == 202
    assert client.get(waiting).status_code == 202
    slow_pdf.release.set()
    preparations(app).settle(SETTLE)
    ready = client.get(waiting)
    assert ready.status_code == 200 and ready.mimetype == "text/html"
    ready_html = ready.get_data(as_text=True)
    assert "prêt" in ready_html
    assert _refresh_target(ready_html).endswith("/cctp.pdf")
    download = client.get(url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "cctp-kerbriac-sur-lie.pdf" in download.headers["Content-Disposition"]
    assert client.get(url).data == download.data
    assert slow_pdf.calls == 1


def test_the_dce_too_and_an_edited_dossier_gets_a_new_document(
    app: Flask, slow_pdf: SlowPdf, tmp_path: Path
) -> None:
    client = app.test_client()
    url = f"/dossiers/{SLUG}/dce.zip"
    page = client.get(url)
    assert page.status_code == 202 and "Dossier de consultation" in page.get_data(as_text=True)
    slow_pdf.release.set()
    preparations(app).settle(SETTLE)
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert "manifeste.sha256" in zipfile.ZipFile(io.BytesIO(first.data)).namelist()
    made = slow_pdf.calls
    answers = tmp_path / "espace" / SLUG / "webpass.yaml"
    answers.write_text(
        answers.read_text(encoding="utf-8").replace("1200", "1300"), encoding="utf-8"
    )
    assert client.get(url).status_code == 202
    preparations(app).settle(SETTLE)
    assert client.get(url).status_code == 200
    assert slow_pdf.calls > made


def test_a_failed_document_shows_the_error_and_is_tried_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webpass.core.errors import InputError

    calls = []

    def broken(*_args: object, **_kwargs: object) -> Rendered:
        calls.append(1)
        raise InputError("modèle introuvable : vérifiez le dossier des modèles.")

    monkeypatch.setattr("webpass.render.dispatch._pdf", broken)
    client = app.test_client()
    url = f"/dossiers/{SLUG}/cctp.pdf"
    client.get(url)
    preparations(app).settle(SETTLE)
    failed = client.get(url)
    assert failed.status_code >= 400
    assert "modèle introuvable" in failed.get_data(as_text=True)
    client.get(url)
    preparations(app).settle(SETTLE)
    assert len(calls) == 2


def test_a_quick_document_is_sent_at_once(app: Flask) -> None:
    app.config["WEBPASS_PREPARATION_WAIT"] = SETTLE
    response = app.test_client().get(f"/dossiers/{SLUG}/cctp.docx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
