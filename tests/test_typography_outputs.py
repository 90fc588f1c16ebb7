"""No straight apostrophe between letters in anything a reader of the examples' files sees.

Every file webpass produces for both example dossiers is read back as its reader would see it:
the DCE's PDFs (their text, by pypdf), DOCX (the XML text of the body, headers and footers),
XLSX (the cells of the visible sheets), the LISEZ-MOI and the OCDS file, the buyer's own note
of the quotes, every piece as HTML and the analysis report (RAO) of the example offers.
Identifiers, file names, URLs and code carry no apostrophe, so they are not in the way; the
answers file embedded in the PDFs and DOCX (YAML) and the hidden control sheet of the grid are
data, not text to read, and are not scanned.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree, html  # type: ignore[import-untyped]
from openpyxl import load_workbook

from tests.conftest import example_dce, pdf_page_texts
from webpass.compare.run import compare_offers
from webpass.documents.dce import assemble_dce
from webpass.documents.rao import build_rao
from webpass.dossier.opening import open_dossier
from webpass.render.dispatch import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / "petite-commune", ROOT / "examples" / "communaute-de-communes"]
STRAIGHT = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def _pdf(data: bytes) -> str:
    return "\n".join(pdf_page_texts(data))


def _docx(data: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = [
        name
        for name in archive.namelist()
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
    ]
    return "\n".join("".join(etree.fromstring(archive.read(n)).itertext()) for n in parts)


def _xlsx(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    )


def _html(data: bytes) -> str:
    return str(html.fromstring(data).body.text_content())


def _json(data: bytes) -> str:
    def strings(node: object) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)

    return "\n".join(strings(json.loads(data)))


def _txt(data: bytes) -> str:
    return data.decode("utf-8")


READERS = {".pdf": _pdf, ".docx": _docx, ".xlsx": _xlsx, ".txt": _txt, ".json": _json}


def _text(name: str, data: bytes) -> str:
    return READERS[Path(name).suffix](data)


def _produced(folder: Path) -> Iterator[tuple[str, str]]:
    opened = open_dossier(folder)
    output = example_dce(folder)
    archive = zipfile.ZipFile(io.BytesIO(output.data))
    for name in archive.namelist():
        if name != "manifeste.sha256":
            yield name, _text(name, archive.read(name))
    for name, data in output.internal:
        yield name, _text(name, data)
    for piece in assemble_dce(opened.selection).pieces:
        if piece.document is not None:
            yield f"{piece.kind.value}.html", _html(render(piece.document, "html").data)
    offers = sorted((folder / "offres").glob("*.xlsx"))
    rao = build_rao(compare_offers(opened, offers))
    yield "rao.html", _html(render(rao, "html").data)
    yield "rao.docx", _docx(render(rao, "docx").data)


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda path: path.name)
def test_no_straight_apostrophe_in_any_produced_file(folder: Path) -> None:
    found = [
        f"{name} : …{text[max(0, m.start() - 30) : m.end() + 30]}…".replace("\n", " ")
        for name, text in _produced(folder)
        for m in STRAIGHT.finditer(text)
    ]
    assert found == [], "\n".join(found[:20])


def test_the_scan_can_fail() -> None:
    # A straight apostrophe between letters is found; the typographic one, a quote mark around
    # a word or an apostrophe after a digit are not.
    assert STRAIGHT.search(_html(b"<html><body><p>l'offre</p></body></html>"))
    assert STRAIGHT.search(_json(b'{"a": ["Texte de l\'exigence"]}'))
    assert not STRAIGHT.search("l\u2019offre, 'cité', 1' ")
