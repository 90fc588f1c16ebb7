"""Grids read by python-calamine give exactly what openpyxl's reader gave (issue 24, item 4).

Every example offer, the hostile grid of formulas and the test grids are read both ways and the
filled grids and check reports compared; workbooks calamine must not be handed (a sheet spread
to XFD1048576, cells without references, an XML declaration) go to openpyxl's streaming reader.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_hostile import _formula_grid
from webpass.core.errors import UnreadableFileError
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.check import check_offer
from webpass.grid.labels import load_labels
from webpass.grid.read import FilledGrid, read_filled_grid
from webpass.untrusted import xlsx_calamine
from webpass.untrusted.spreadsheet import read_rows, read_workbook

REPO = Path(__file__).resolve().parent.parent
GROUPEMENT = REPO / "examples" / "communaute-de-communes"
OFFERS = sorted((GROUPEMENT / "offres").glob("*.xlsx"))
TODAY = dt.date(2027, 3, 10)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FilledGrid, FilledGrid]:
    fast = read_filled_grid(path)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
        slow = read_filled_grid(path)
    return fast, slow


def test_there_are_example_offers() -> None:
    assert len(OFFERS) >= 7


@pytest.mark.parametrize("offer", OFFERS, ids=lambda p: p.name)
def test_example_offers_read_the_same(offer: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(offer, monkeypatch)
    assert fast == slow
    reference = build_grid(open_dossier(GROUPEMENT).selection)
    labels = load_labels(shipped_catalog_dir())
    assert (
        check_offer(fast, labels, reference, today=TODAY).as_json()
        == check_offer(slow, labels, reference, today=TODAY).as_json()
    )


def test_the_hostile_grid_of_formulas_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "offre.xlsx"
    _formula_grid(path, tmp_path)
    fast, slow = _both(path, monkeypatch)
    assert fast == slow
    assert not any(row.conformity.startswith("=") for row in fast.rows[:5])


def test_typed_cells_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Nombre", "Décimal", "Date", "Heure", "Booléen", "Vide", "Formule"])
    sheet.append(["Kerbriac", 3, 1.5, dt.datetime(2027, 3, 3), dt.datetime(2027, 3, 3, 10, 30)])
    sheet.append([None, None, None, None, None, True, "", "=1/0"])
    sheet.append(["  espaces  ", 1200.0, 0.1, dt.date(2027, 1, 2), None, False])
    path = tmp_path / "types.xlsx"
    book.save(path)
    fast = read_rows(path)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
        slow = read_rows(path)
    assert [(r.line, r.cells) for r in fast.rows] == [(r.line, r.cells) for r in slow.rows]


def _rewrite_sheet(source: Path, target: Path, change: bytes, into: bytes) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert change in data
                data = data.replace(change, into)
            new.writestr(info, data)


@pytest.mark.parametrize(
    ("change", "into"),
    [
        (b'r="B1"', b'r="XFD1048576"'),  # a rectangle of 17 billion cells for calamine
        (b' r="B1"', b""),  # a cell whose place only a parser knows
        (b'r="B1"', b'r="B1" r="XFD1048576"'),  # two references: calamine takes the last
    ],
    ids=["far-cell", "no-reference", "second-reference"],
)
def test_what_calamine_must_not_get_goes_to_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: bytes, into: bytes
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(tmp_path / "ok.xlsx")
    path = tmp_path / "loin.xlsx"
    _rewrite_sheet(tmp_path / "ok.xlsx", path, change, into)
    handed: list[object] = []
    original = xlsx_calamine.CalamineBook

    def spy(book: object) -> object:  # every workbook calamine reads, from a file or bytes
        handed.append(book)
        return original(book)

    monkeypatch.setattr(xlsx_calamine, "CalamineBook", spy)
    assert _opened(tmp_path / "ok.xlsx") is not None
    assert _opened(path) is None
    assert len(handed) == 1
    assert read_workbook(tmp_path / "ok.xlsx", ["Sheet"])["Sheet"].rows[0].cells == ("a", "b")
    assert len(handed) == 2
    try:
        sheet = read_workbook(path, ["Sheet"])
    except UnreadableFileError:
        return  # openpyxl's own limits refused it: refused, never handed to calamine
    finally:
        assert len(handed) == 2
    assert sheet["Sheet"].rows[0].cells[0] == "a"


def test_a_declaration_never_reaches_calamine(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "dtd.xlsx"
    _rewrite_sheet_bytes(buffer.getvalue(), path)
    assert _opened(path) is None


def _opened(path: Path) -> object:
    """What calamine is given of ``path``, scanned as the reader scans it (DTD refusal aside)."""
    scan = xlsx_calamine.BoundsScan()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            scan(info.filename, archive.read(info))
    return xlsx_calamine.open_with_calamine(path, scan)


def _rewrite_sheet_bytes(data: bytes, target: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            part = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY e "x">]><worksheet', 1)
            new.writestr(info, part)


def test_a_sheet_under_another_name_is_scanned_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbook's relationships, not the part's name, tell calamine where a sheet is: a far
    # cell in « sheet1.dat » must send the file to openpyxl as it would in « sheet1.xml ».
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(tmp_path / "ok.xlsx")
    path = tmp_path / "autre-nom.xlsx"
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            name, data = info.filename, old.read(info)
            if name == "xl/worksheets/sheet1.xml":
                name, data = "xl/worksheets/sheet1.dat", data.replace(b'r="B1"', b'r="XFD1048576"')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"sheet1.xml", b"sheet1.dat")
            new.writestr(name, data)
    handed: list[object] = []
    monkeypatch.setattr(xlsx_calamine, "CalamineBook", handed.append)
    assert _opened(path) is None
    with contextlib.suppress(UnreadableFileError):  # refused by openpyxl: refused all the same
        read_workbook(path, ["Sheet"])
    assert handed == []


def test_the_archive_check_hands_every_part_to_the_scan_once(tmp_path: Path) -> None:
    from webpass.untrusted.spreadsheet import check_zip

    book = openpyxl.Workbook()
    book.active.append(["a"])
    book.save(tmp_path / "ok.xlsx")
    seen: list[str] = []
    check_zip(tmp_path / "ok.xlsx", inspect=lambda name, _data, _crc: seen.append(name))
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as archive:
        assert seen == archive.namelist()


@pytest.mark.parametrize(
    ("sheet", "bounded"),
    [
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"/></row><row r="2"><c r="B2"/></row>', True),
        (b"<sheetData/>", True),  # no cell at all
        (b'<a:fillToRect l="5" r="5"/>', True),  # an « r » in a part without cells
        (b'<x:c r="A1"><x:v>1</x:v></x:c>', False),  # a namespace prefix: openpyxl places it
        (b'<c s="1" r="A1"/>', False),  # the reference not first
        (b'<c r="A1"/><x:c/>', False),  # a prefixed cell without a reference
        (b'<c r="A1"/><c s="1"/>', False),  # a plain cell without a reference
        (b'<c r="A1"/><x:c\tr="XFD1048576"/>', False),  # far, behind a prefix
        (b"<row><c>", False),
        (b'<c r="A1"/><c r="XFD1048576"/>', False),  # far, plain
        (b'<c r="A1"/><c>1</c><c r="B2"/>', False),  # a plain cell without a reference between
        (b'<c r="A1" r="XFD1048576"/>', False),  # calamine takes the last of two
        (b'<c r="A1" x:r="XFD1048576"/>', False),  # the same behind a prefix
        (b'<c r="A1" r ="XFD1048576"/>', False),  # the same with a blank before « = »
        (b"<c r=\"A1\" r='XFD1048576'/>", False),  # the same in single quotes
        (b'<row spans="1:2" r="1"><c r="A1"/></row>', False),  # a row's reference not first
        # The prefix of relationships that Excel and LibreOffice declare on every sheet places
        # nothing: calamine reads a cell's place from « r » alone.
        (b'<c r="A1" xmlns:r="XFD1048576"/>', True),
        (b'<c xmlns:r="urn:x" r="A1"/>', False),  # the reference not first: openpyxl
        (b'<c r="A1" xmlns:x="urn:x" x:r="XFD1048576"/>', False),
        # Small references (up to ZZ999) need no count; beyond, the rectangle is computed.
        (b'<c r="A1"/><c r="ZZ999"/>', True),
        (b'<c r="A1"/><c r="AAA1"/>', True),  # 703 columns of one row
        (b'<c r="A1"/><c r="A1000000"/>', True),  # one column of MAX_DENSE_CELLS rows
        (b'<c r="A1"/><c r="B1000000"/>', False),
        (b'<c r="ZZ1"/><c r="A9999"/>', False),  # far only together: 702 × 9 999
        (b'<c r="ZZ999"/><c r="A1000"/><c s="1"/>', False),  # past the count, one unplaced
    ],
)
def test_the_bounds_scan_sees_every_cell_form(sheet: bytes, bounded: bool) -> None:
    scan = xlsx_calamine.BoundsScan()
    scan("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + sheet + b"</sheetData>")
    assert scan.bounded is bounded


def _cases_on_xlsx() -> list[Path]:
    from tests.test_hostile import CASES

    chosen = []
    for case in CASES:
        spec = yaml.safe_load((case / "cas.yaml").read_text(encoding="utf-8"))
        if spec["commande"][0] in ("verifier", "comparer") and ".xlsx" in str(spec["commande"]):
            chosen.append(case)
    return chosen


@pytest.mark.parametrize("case", _cases_on_xlsx(), ids=lambda p: p.name)
def test_hostile_grids_get_the_same_answer_from_both_readers(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from click.testing import CliRunner

    from tests.test_hostile import _expand, fabricate
    from webpass.cli import cli

    spec = yaml.safe_load((case / "cas.yaml").read_text(encoding="utf-8"))
    places = {
        "cas": tmp_path / "cas",
        "exemple": tmp_path / "exemple",
        "catalogue": tmp_path / "catalogue",
    }
    shutil.copytree(case, places["cas"])
    shutil.copytree(REPO / "examples" / "petite-commune", places["exemple"])
    shutil.copytree(shipped_catalog_dir(), places["catalogue"])
    for name, kind in (spec.get("fabriquer") or {}).items():
        target = Path(_expand(name, places)) if name.startswith("{") else places["cas"] / name
        fabricate(kind, target, tmp_path)
    command = [_expand(str(arg), places) for arg in spec["commande"]]
    fast = CliRunner().invoke(cli, command)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
        slow = CliRunner().invoke(cli, command)
    assert fast.exit_code == slow.exit_code == spec["code"]
    # Same answer, word for word, but for one number: where a sheet of blank cells is stopped.
    # calamine gives every row the sheet's full width, openpyxl stops each row at its last
    # cell, so the « cellules, vides comprises » limit is reached on another line.
    assert re.sub(r"ligne \d+", "ligne N", fast.output) == re.sub(
        r"ligne \d+", "ligne N", slow.output
    )


def _forget_what_the_process_remembers() -> None:
    from webpass.core import matching
    from webpass.grid import carried, check
    from webpass.untrusted import text

    matching._fold_short.cache_clear()
    text._remembered.cache_clear()
    check._remembered_fingerprint.cache_clear()
    carried._parsed.cache_clear()


@pytest.mark.parametrize("offer", OFFERS, ids=lambda p: p.name)
def test_what_the_process_remembers_changes_no_verdict(offer: Path) -> None:
    # Folded labels, neutralised texts, fingerprints and the carried reference are kept per
    # process for the next grids: a first grid and a later one must get the same answers,
    # with the dossier and without it (the bidder's self-check).
    reference = build_grid(open_dossier(GROUPEMENT).selection)
    labels = load_labels(shipped_catalog_dir())

    def verdicts() -> tuple[object, object, FilledGrid]:
        grid = read_filled_grid(offer)
        return (
            check_offer(grid, labels, reference, today=TODAY).as_json(),
            check_offer(grid, labels, None, today=TODAY).as_json(),
            grid,
        )

    _forget_what_the_process_remembers()
    first = verdicts()
    assert verdicts() == first
    for other in OFFERS:
        read_filled_grid(other)
    assert verdicts() == first


@pytest.mark.parametrize("offer", OFFERS, ids=lambda p: p.name)
def test_example_offers_self_check_the_same_with_both_readers(
    offer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = _both(offer, monkeypatch)
    labels = load_labels(shipped_catalog_dir())
    assert fast.carried is not None
    assert (
        check_offer(fast, labels, None, today=TODAY).as_json()
        == check_offer(slow, labels, None, today=TODAY).as_json()
    )


_COLUMN = st.text(st.sampled_from("ABCXZ"), min_size=1, max_size=3)
_ROW = st.integers(min_value=1, max_value=9_999_999)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.one_of(st.tuples(_COLUMN, _ROW), st.none()), min_size=1, max_size=8))
def test_the_bounds_scan_decides_as_the_rectangle(
    cells: list[tuple[str, int] | None],
) -> None:
    # Whatever shortcut the scan takes, its answer is the rectangle's: every cell placed, and
    # the last row times the last column within MAX_DENSE_CELLS.
    xml = b"".join(
        b"<c/>" if cell is None else f'<c r="{cell[0]}{cell[1]}"/>'.encode() for cell in cells
    )
    placed = [cell for cell in cells if cell is not None]
    expected = (
        len(placed) == len(cells)
        and max(row for _, row in placed) * max(_column(letters) for letters, _ in placed)
        <= xlsx_calamine.MAX_DENSE_CELLS
    )
    scan = xlsx_calamine.BoundsScan()
    scan("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + xml + b"</sheetData>")
    assert scan.bounded is expected


# The expression the stray-reference test replaced: the reference the new one must agree with.
_STRAY_BEFORE = re.compile(
    rb"=(?:(?<=\s=)|(?<=r=)(?<![\w.-]r=)(?<!<c r=)(?<!<row r=)(?<!xmlns:r=))"
)
# Pieces of markup around « = » and « r »: tags, prefixes, blanks of every kind, name bytes.
_MARKUP_PIECES = [
    b"<c",
    b"<row",
    b"<c r=",
    b"<row r=",
    b"xmlns:r=",
    b"r=",
    b"=",
    b"r",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\x0b",
    b"\x0c",
    b":",
    b".",
    b"-",
    b"_",
    b"w",
    b"s",
    b"c",
    b"<",
    b">",
    b'"',
    b"A1",
    b"9",
    b"\xc3\xa9",
    b" r =",
    b"ref=",
]
_MARKUP = st.lists(st.sampled_from(_MARKUP_PIECES), max_size=12).map(b"".join)


def _stray_places(expression: re.Pattern[bytes], xml: bytes) -> list[int]:
    return [m.start() for m in expression.finditer(xml)]


def test_the_stray_reference_test_matches_on_every_markup_of_up_to_three_pieces() -> None:
    # Every sequence of one to three pieces (25,259 of them, a tenth of a second): each test of
    # either expression looks at most at the eight bytes before a « = », and every way pieces
    # build the names they look for (« <c r= », « xmlns:r= », « -r= », a blank and « = ») is
    # among them. Each change of one test of the expression that alters its matches (a look-
    # behind dropped, a class narrowed) was checked to be caught here.
    for length in range(1, 4):
        for parts in itertools.product(_MARKUP_PIECES, repeat=length):
            xml = b"".join(parts)
            assert _stray_places(xlsx_calamine._STRAY_R, xml) == _stray_places(
                _STRAY_BEFORE, xml
            ), xml


@settings(max_examples=200, deadline=None)
@given(xml=_MARKUP)
def test_the_stray_reference_test_matches_where_the_one_it_replaced_did(xml: bytes) -> None:
    # Longer markup, where several « = » and their contexts follow one another; the short
    # contexts are all checked above, so far fewer examples than the 2000 once needed.
    assert _stray_places(xlsx_calamine._STRAY_R, xml) == _stray_places(_STRAY_BEFORE, xml)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _declare_size(data: bytes, name: bytes, size: int, crc: int | None) -> bytes:
    """``data`` (a ZIP) whose entry ``name`` declares ``size`` bytes (and ``crc``) in both headers."""
    import struct

    patched = bytearray(data)
    for magic, name_at, size_at, crc_at, length_at in (
        (b"PK\x03\x04", 30, 22, 14, 26),
        (b"PK\x01\x02", 46, 24, 16, 28),
    ):
        at = 0
        while True:
            at = patched.index(magic, at)
            length = struct.unpack_from("<H", patched, at + length_at)[0]
            if patched[at + name_at : at + name_at + length] == name:
                break
            at += 4
        struct.pack_into("<L", patched, at + size_at, size)
        if crc is not None:
            struct.pack_into("<L", patched, at + crc_at, crc)
    return bytes(patched)


@pytest.mark.parametrize("crc", ["du tout", "de la partie déclarée"])
def test_a_size_that_hides_a_far_cell_is_refused(tmp_path: Path, crc: str) -> None:
    # The scan reads a part up to its declared size; what lies beyond (here a cell that would
    # make calamine build a rectangle of 1.5 million rows) must never be read by anyone.
    import zlib

    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    far = b'<row r="1500000"><c r="A1500000" t="inlineStr"><is><t>loin</t></is></c></row>'
    with zipfile.ZipFile(buffer) as old:
        sheet = old.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"</sheetData>", far + b"</sheetData>")
    shown = sheet.index(far)
    honest = tmp_path / "honnete.xlsx"
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(honest, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            part = sheet if info.filename == "xl/worksheets/sheet1.xml" else old.read(info)
            new.writestr(info.filename, part)
    lying = tmp_path / "mensonge.xlsx"
    declared_crc = None if crc == "du tout" else zlib.crc32(sheet[:shown])
    lying.write_bytes(
        _declare_size(honest.read_bytes(), b"xl/worksheets/sheet1.xml", shown, declared_crc)
    )
    with pytest.raises(UnreadableFileError):
        read_workbook(lying, ["Sheet"])


def test_calamine_reads_the_bytes_that_were_scanned_not_the_file_again(tmp_path: Path) -> None:
    from webpass.untrusted.spreadsheet import check_zip

    book = openpyxl.Workbook()
    book.active.append(["lu", "une fois"])
    path = tmp_path / "grille.xlsx"
    book.save(path)
    scan = xlsx_calamine.BoundsScan()
    check_zip(path, inspect=scan)
    path.unlink()  # swapped or gone after the check: what was scanned is what is read
    opened = xlsx_calamine.open_with_calamine(path, scan)
    assert opened is not None
    assert list(opened["Sheet"].iter_rows()) == [("lu", "une fois")]


def test_the_stored_archive_holds_the_parts_as_given() -> None:
    import zlib

    from webpass.untrusted.stored_zip import stored_archive

    parts = [("[Content_Types].xml", b"<Types/>"), ("xl/feuille é.xml", "é".encode()), ("v", b"")]
    data = stored_archive([(name, part, zlib.crc32(part)) for name, part in parts])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == parts


def test_a_grid_resaved_by_a_spreadsheet_is_read_by_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel and LibreOffice declare « xmlns:r » on every sheet: a grid they re-saved must not
    # fall back to openpyxl's reader, ten times slower, and must read the same.
    relationships = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    resaved = tmp_path / "reenregistree.xlsx"
    with zipfile.ZipFile(OFFERS[0]) as old, zipfile.ZipFile(resaved, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<worksheet ", b"<worksheet " + relationships + b" ", 1)
                assert relationships in data
            new.writestr(info, data)
    handed: list[object] = []
    original = xlsx_calamine.CalamineBook

    def spy(book: object) -> object:
        handed.append(book)
        return original(book)

    monkeypatch.setattr(xlsx_calamine, "CalamineBook", spy)
    fast = read_filled_grid(resaved)
    assert len(handed) == 1
    fast.source = str(OFFERS[0])
    assert fast == read_filled_grid(OFFERS[0])


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_the_workbook_read_is_the_snapshot_that_was_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    # The file is swapped for a hostile one right after the archive checks: what is parsed is
    # still the content checked, read once, never the file again.
    from webpass.untrusted import spreadsheet

    book = openpyxl.Workbook()
    book.active.append(["vérifié", "une fois"])
    path = tmp_path / "grille.xlsx"
    book.save(path)
    hostile = _rewrite_part_bytes(
        path.read_bytes(), "xl/worksheets/sheet1.xml", b'<!DOCTYPE w [<!ENTITY e "x">]>'
    )
    checked = spreadsheet.check_zip

    def check_then_swap(*args: Any, **kwargs: Any) -> None:
        checked(*args, **kwargs)
        path.write_bytes(hostile)

    monkeypatch.setattr(spreadsheet, "check_zip", check_then_swap)
    if reader == "openpyxl":
        monkeypatch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
    sheets = read_workbook(path, ["Sheet"])
    assert sheets["Sheet"].rows[0].cells == ("vérifié", "une fois")


def _rewrite_part_bytes(data: bytes, name: str, prefix: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(buffer, "w") as new:
        for info in old.infolist():
            part = old.read(info)
            new.writestr(info, prefix + part if info.filename == name else part)
    return buffer.getvalue()


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_without_defusedxml_no_workbook_is_read(
    reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # openpyxl is no longer imported to read its flag: the refusal stays the same for either
    # reader, decided as openpyxl decides it, and openpyxl's own flag is checked before it parses.
    if reader == "calamine":
        monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    else:
        monkeypatch.setattr(xlsx_calamine, "open_with_calamine", lambda *_: None)
        monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(UnreadableFileError, match="defusedxml"):
        read_filled_grid(OFFERS[0])


def test_reading_a_grid_does_not_import_openpyxl() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, pathlib\n"
        "from webpass.grid.read import read_filled_grid\n"
        f"read_filled_grid(pathlib.Path({str(OFFERS[0])!r}))\n"
        "print('openpyxl' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_defusedxml_flag_is_openpyxl_s(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import openpyxl.xml

    from webpass.untrusted import spreadsheet

    for value in (None, "True", "False", "0"):
        if value is None:
            monkeypatch.delenv("OPENPYXL_DEFUSEDXML", raising=False)
        else:
            monkeypatch.setenv("OPENPYXL_DEFUSEDXML", value)
        assert spreadsheet._defusedxml_enabled() is importlib.reload(openpyxl.xml).DEFUSEDXML
    monkeypatch.delenv("OPENPYXL_DEFUSEDXML", raising=False)
    importlib.reload(openpyxl.xml)


def _bounded_before(xml: bytes) -> bool:
    """The part test as it was before the « :c » shortcut (expressions alone)."""
    if xlsx_calamine._PREFIXED_HINT.search(xml):
        return not xlsx_calamine._CELL_TAG.search(xml)
    if not xlsx_calamine._PLAIN_TAG.search(xml):
        return True
    if xlsx_calamine._STRAY_R.search(xml):
        return False
    if not xlsx_calamine._NOT_SMALL.search(xml):
        return True
    letters, rows = zip(*xlsx_calamine._PLAIN_CELL.findall(xml), strict=True)
    if b"" in letters:
        return False
    return xlsx_calamine._dense_cells(letters, rows) <= xlsx_calamine.MAX_DENSE_CELLS


_PREFIXED_MARKUP = st.lists(
    st.sampled_from(
        [b"<x:c", b":c", b"<c", b"x:", b" ", b"\t", b"/", b">", b'r="A1"', b'r="XFD1048576"']
    ),
    max_size=10,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(xml=st.one_of(_MARKUP, _PREFIXED_MARKUP))
def test_the_part_test_decides_as_the_expressions_alone(xml: bytes) -> None:
    assert xlsx_calamine._part_bounded(xml) is _bounded_before(xml)
