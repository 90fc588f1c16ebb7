"""The sheets webpass writes hold their texts as UTF-8 characters, read back exactly as written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from webpass.core.reproducible import normalize_zip
from webpass.grid.sheet_text import literal_characters, literal_sheet_text


def test_references_to_letters_become_letters() -> None:
    assert literal_characters(b"<t>R&#233;ponse&#8239;: &#171;&#160;oui&#160;&#187;</t>") == (
        "<t>Réponse\u202f: «\u00a0oui\u00a0»</t>".encode()
    )


def test_references_whose_literal_would_read_otherwise_stay() -> None:
    # A literal carriage return or tabulation in an attribute is normalised by XML parsers;
    # markup characters and what XML forbids are never written literally.
    kept = b'<c a="&#13;&#9;&#10;"><t>&#60;&#38;&#127;&#133;&#55296;&#65535;&#1114112;</t></c>'
    assert literal_characters(kept) == kept


def test_the_grid_webpass_writes_holds_no_reference_to_a_letter(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from webpass.cli import cli

    target = tmp_path / "grille.xlsx"
    example = Path(__file__).resolve().parent.parent / "examples" / "petite-commune"
    result = CliRunner().invoke(cli, ["grille", str(example), "--sortie", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml")
    assert "Conformité".encode() in sheet
    assert b"&#233;" not in sheet


def test_only_worksheets_are_rewritten() -> None:
    assert literal_sheet_text("xl/worksheets/sheet1.xml", b"&#233;") == "é".encode()
    assert literal_sheet_text("xl/workbook.xml", b"&#233;") == b"&#233;"
    assert literal_sheet_text("docProps/core.xml", b"&#233;") == b"&#233;"


_TEXTS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda text: not ILLEGAL_CHARACTERS_RE.search(text)
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_TEXTS, min_size=1, max_size=5))
def test_any_text_reads_back_the_same(texts: list[str]) -> None:
    book = openpyxl.Workbook()
    for text in texts:
        book.active.append([text])
    buffer = io.BytesIO()
    book.save(buffer)
    before = buffer.getvalue()
    after = normalize_zip(before, rewrite=literal_sheet_text)
    for data in (before, after):
        loaded = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert [row[0] for row in loaded.active.iter_rows(values_only=True)] == texts
        loaded.close()
    read = [
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python(skip_empty_area=False)
        for data in (before, after)
    ]
    assert read[0] == read[1]
