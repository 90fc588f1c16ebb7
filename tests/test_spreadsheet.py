"""The hardened table reader: encodings, delimiters, line numbers, and hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import webpass.untrusted.spreadsheet as spreadsheet
from webpass.core.errors import InputError, UnreadableFileError
from webpass.untrusted.spreadsheet import (
    TableLimits,
    ZipLimits,
    check_zip,
    find_columns,
    read_rows,
    read_table,
    sniff_delimiter,
)

WANTED = {"name": ("Collectivité", "Nom"), "level": ("Niveau",)}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_csv_with_bom_semicolons_and_crlf(tmp_path: Path) -> None:
    text = "\ufeffCollectivité;Niveau\r\nPlouzennec;Vitrine\r\n\r\nLanvézec;Portail\r\n"
    table = read_table(_write(tmp_path, "a.csv", text.encode("utf-8")), columns=WANTED)
    assert table.headers == ("Collectivité", "Niveau")
    assert table.sheet.delimiter == ";"
    assert table.sheet.encoding == "utf-8"
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("Plouzennec", "Vitrine")),
        (4, ("Lanvézec", "Portail")),
    ]
    assert table.value(table.rows[1], "level") == "Portail"


def test_csv_with_commas_and_a_quoted_multiline_cell_keeps_start_lines(tmp_path: Path) -> None:
    text = 'Nom,Niveau\n"Saint-Aubin,\nla commune",Dynamique\nKerlann,"Portail"\n'
    table = read_table(_write(tmp_path, "b.csv", text.encode()), columns=WANTED)
    assert table.sheet.delimiter == ","
    assert [r.line for r in table.rows] == [2, 4]
    assert table.rows[0].cells[0] == "Saint-Aubin,\nla commune"


def test_header_found_below_a_title_and_with_loose_spelling(tmp_path: Path) -> None:
    text = "Observatoire 2009\n\n  COLLECTIVITE ; niveau \nA;1\n"
    table = read_table(_write(tmp_path, "c.csv", text.encode()), columns=WANTED)
    assert table.header_line == 3
    assert table.columns == {"name": 0, "level": 1}
    assert table.value(table.rows[0], "name") == "A"


def test_missing_column_is_an_input_error_listing_the_headers(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", b"Commune;Classement\nA;1\n")
    with pytest.raises(InputError) as info:
        read_table(path, columns=WANTED)
    assert not isinstance(info.value, UnreadableFileError)
    assert "« Collectivité »" in info.value.message
    assert "« Commune »" in info.value.message


def test_windows_1252_is_read_and_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "e.csv", "Nom;Niveau\nPléneuf;Vitrine\n".encode("cp1252"))
    table = read_table(path, columns=WANTED)
    assert table.sheet.encoding == "cp1252"
    assert table.rows[0].cells[0] == "Pléneuf"


def test_utf16_with_bom_and_tabs(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.csv", "Nom\tNiveau\r\nÉréac\tVitrine\r\n".encode("utf-16"))
    table = read_table(path, columns=WANTED)
    assert table.sheet.delimiter == "\t"
    assert table.rows[0].cells == ("Éréac", "Vitrine")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Nom;Niveau\nA\x00B;1\n", "binaire"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"Nom;Niveau\n\x81\x8d;1\n", "ni UTF-8 ni Windows-1252"),
    ],
)
def test_unreadable_csv_is_refused_in_french(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError) as info:
        read_rows(_write(tmp_path, "g.csv", data))
    assert reason in info.value.message


def test_size_and_shape_limits(tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", b"a;b\n" * 100)
    with pytest.raises(UnreadableFileError, match="trop volumineux"):
        read_rows(path, max_bytes=100)
    with pytest.raises(UnreadableFileError, match="trop de lignes"):
        read_rows(path, limits=TableLimits(max_rows=10))
    with pytest.raises(UnreadableFileError, match="trop de colonnes"):
        read_rows(path, limits=TableLimits(max_columns=1))
    with pytest.raises(UnreadableFileError, match="introuvable"):
        read_rows(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a;b;c\n1;2,5;3\n4;5;6\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ('Titre du tableau\n"x;y",b,c\n1,2,3\n', ","),
        ("une seule colonne\nvaleur\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
    ],
)
def test_sniff_delimiter(text: str, expected: str) -> None:
    assert sniff_delimiter(text) == expected


_CELL = st.text(alphabet=st.sampled_from(list("abcéèÀ xyz\"'\n-")), min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    delimiter=st.sampled_from([";", ","]),
    rows=st.lists(
        st.lists(_CELL, min_size=1, max_size=4).map(lambda cells: ["n", *cells, "z"]),
        min_size=1,
        max_size=8,
    ),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_csv_written_by_a_spreadsheet_reads_back(
    tmp_path_factory: pytest.TempPathFactory,
    delimiter: str,
    rows: list[list[str]],
    bom: bool,
    crlf: bool,
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    raw = ("\ufeff" if bom else "") + buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(raw.encode("utf-8"))
    sheet = read_rows(path)
    assert [list(r.cells) for r in sheet.rows] == rows
    assert sheet.delimiter == delimiter


def test_find_columns_ignores_case_accents_and_spaces() -> None:
    assert find_columns(["  NIVEAU ", "Collectivite"], WANTED) == {"level": 0, "name": 1}
    assert find_columns(["Niveau"], WANTED, optional={"name"}) == {"level": 0}
    with pytest.raises(InputError, match="Collectivité"):
        find_columns(["Niveau"], WANTED)


# --- XLSX ------------------------------------------------------------------------------------


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["rien à voir"])
    sheet = book.create_sheet("Sites 2009")
    sheet.append(["Observatoire des sites"])
    sheet.append([])
    sheet.append(["Collectivité", "Niveau", "Date", "Part"])
    sheet.append(["Plouzennec", 3, dt.datetime(2009, 7, 1), 0.25])
    sheet.append([None, None])
    sheet.append(["Kerlann", 5.0, None, True])
    book.save(path)
    return path


def test_xlsx_sheet_by_name_with_typed_cells(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx")
    table = read_table(path, columns=WANTED, sheet="sites 2009")
    assert table.sheet.name == "Sites 2009"
    assert table.header_line == 3
    assert [(r.line, r.cells) for r in table.rows] == [
        (4, ("Plouzennec", "3", "2009-07-01", "0.25")),
        (6, ("Kerlann", "5", "", "oui")),
    ]
    assert table.rows[0].values[1] == 3


def test_xlsx_first_sheet_by_default_and_unknown_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx")
    assert read_rows(path).name == "Notes"
    with pytest.raises(UnreadableFileError, match="« Sites 2009 »"):
        read_rows(path, sheet="Feuil9")


def test_xlsx_renamed_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx")
    renamed = tmp_path / "sites.csv"
    renamed.write_bytes(path.read_bytes())
    assert read_rows(renamed, sheet="Sites 2009").rows[0].cells == ("Observatoire des sites",)


def _rewrite_part(source: Path, target: Path, part: str, transform: object) -> Path:
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == part:
                data = transform(data)  # type: ignore[operator]
            out.writestr(info.filename, data)
    return target


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
_XXE = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def _with_doctype(prolog: bytes, entity: bytes) -> object:
    def transform(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return prolog + body.replace(b"<v>", b"<v>" + entity, 1)

    return transform


@pytest.mark.parametrize(
    ("part", "prolog", "entity"),
    [
        ("xl/worksheets/sheet1.xml", _LAUGHS, b"&lol3;"),
        ("xl/worksheets/sheet1.xml", _XXE, b"&xxe;"),
        ("xl/workbook.xml", _LAUGHS, b""),
        ("[Content_Types].xml", _XXE, b""),
    ],
)
def test_xlsx_with_a_doctype_in_any_part_is_refused(
    tmp_path: Path, part: str, prolog: bytes, entity: bytes
) -> None:
    book = openpyxl.Workbook()
    book.active.append([1, 2])
    book.save(tmp_path / "ok.xlsx")
    bad = _rewrite_part(
        tmp_path / "ok.xlsx", tmp_path / "bad.xlsx", part, _with_doctype(prolog, entity)
    )
    with pytest.raises(UnreadableFileError) as info:
        read_rows(bad)
    assert "DTD" in info.value.message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
@pytest.mark.parametrize("marker", ["<!DOCTYPE x>", "<!Entity e 'x'>"])
def test_xlsx_with_a_doctype_in_utf16_is_refused(
    tmp_path: Path, encoding: str, marker: str
) -> None:
    book = openpyxl.Workbook()
    book.active.append([1, 2])
    book.save(tmp_path / "ok.xlsx")

    def transform(data: bytes) -> bytes:
        return (marker + data.decode("utf-8")).encode(encoding)

    bad = _rewrite_part(tmp_path / "ok.xlsx", tmp_path / "bad.xlsx", "xl/workbook.xml", transform)
    with pytest.raises(UnreadableFileError) as info:
        read_rows(bad)
    assert "DTD" in info.value.message


def test_defusedxml_still_guards_when_the_scan_is_bypassed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Defence in depth: with the DTD scan disabled, openpyxl parses sheets through defusedxml.
    book = openpyxl.Workbook()
    book.active.append([1, 2])
    book.save(tmp_path / "ok.xlsx")
    bad = _rewrite_part(
        tmp_path / "ok.xlsx",
        tmp_path / "bad.xlsx",
        "xl/worksheets/sheet1.xml",
        _with_doctype(_LAUGHS, b"&lol3;"),
    )
    monkeypatch.setattr(spreadsheet, "_refuse_dtd", lambda *args: None)
    with pytest.raises(UnreadableFileError, match="entités"):
        read_rows(bad)


def test_zip_bomb_by_ratio_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x20" * 3_000_000)
    assert path.stat().st_size < 50_000
    with pytest.raises(UnreadableFileError, match="compressé plus de 100 fois"):
        read_rows(path)


def test_zip_declared_sizes_and_entry_count_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(30):
            archive.writestr(f"xl/media/image{number}.bin", b"x" * 1000)
    with pytest.raises(UnreadableFileError, match="décompressée"):
        check_zip(path, ZipLimits(max_total_bytes=20_000))
    with pytest.raises(UnreadableFileError, match="ferait"):
        check_zip(path, ZipLimits(max_entry_bytes=500))
    with pytest.raises(UnreadableFileError, match="nombre d'éléments"):
        check_zip(path, ZipLimits(max_entries=10))
    check_zip(path)  # within the default limits


def test_truncated_zip_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.save(tmp_path / "ok.xlsx")
    data = (tmp_path / "ok.xlsx").read_bytes()
    broken = _write(tmp_path, "broken.xlsx", data[: len(data) // 2])
    with pytest.raises(UnreadableFileError):
        read_rows(broken)


class _RowsSheet:
    """The few attributes of a worksheet that the row reader uses, over given rows."""

    title = "Feuille"

    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        self.rows = rows

    def reset_dimensions(self) -> None:
        """Nothing to reset."""

    def iter_rows(self, values_only: bool = True) -> Any:
        return iter(self.rows)


def _rows_as_specified(
    rows: list[tuple[object, ...]],
) -> list[tuple[int, tuple[str, ...], tuple[object, ...]]]:
    # The rule, written plainly: trailing blank cells dropped (None or white text), blank rows
    # skipped, each cell's text as cell_text gives it, « » handed on as None among the values.
    expected = []
    for line, values in enumerate(rows, start=1):
        kept = list(values)
        while kept and (kept[-1] is None or (isinstance(kept[-1], str) and not kept[-1].strip())):
            kept.pop()
        cells = tuple(spreadsheet.cell_text(value) for value in kept)
        if not any(cell.strip() for cell in cells):
            continue
        expected.append((line, cells, tuple(None if value == "" else value for value in kept)))
    return expected


_VALUE = st.one_of(
    st.sampled_from(["", " ", "\t", "a", " b ", "Conforme", "'=1", "0", "\xa0"]),
    st.text(max_size=6),
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(_VALUE, max_size=6).map(tuple), max_size=6))
def test_rows_of_any_values_read_as_specified(rows: list[tuple[object, ...]]) -> None:
    # Every mix of texts, white or empty cells, None, numbers, booleans and dates, as either
    # reader gives them, reads as the rule says.
    read = spreadsheet._xlsx_rows(_RowsSheet(rows), "f.xlsx", TableLimits())
    assert [(row.line, row.cells, row.values) for row in read] == _rows_as_specified(rows)


@settings(max_examples=200, deadline=None)
@given(number=st.integers(min_value=1, max_value=18_278))  # A … ZZZ
def test_column_letters_are_the_spreadsheet_s(number: int) -> None:
    from openpyxl.utils import get_column_letter

    assert spreadsheet.column_letters(number) == get_column_letter(number)


# Pieces around a declaration: « ! » in texts, alone or many, « < » before it or not, NULs.
_AROUND_BANGS = st.lists(
    st.sampled_from(
        [b"<", b"!", b"!" * 70, b"<!", b"doctype", b"ENTITY", b"DocType", b"\x00", b"x", b" "]
    ),
    max_size=12,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(data=_AROUND_BANGS)
def test_the_declaration_shortcut_refuses_what_the_expressions_refuse(data: bytes) -> None:
    # The expressions alone, as the archive check and the bounds scan ran them before the
    # « <! » shortcut: the same parts must be refused.
    plain = bool(spreadsheet._DTD_PLAIN.search(data))
    before = b"!" in data and (plain or (b"\x00" in data and bool(spreadsheet._DTD.search(data))))
    info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    refused = False
    try:
        spreadsheet._refuse_dtd(Path("offre.xlsx"), info, data)
    except UnreadableFileError:
        refused = True
    assert refused is before
    assert (b"!" in data and spreadsheet.may_declare(data)) or not plain
