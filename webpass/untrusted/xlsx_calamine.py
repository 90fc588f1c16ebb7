"""Reading XLSX cells with python-calamine, behind the archive checks of :mod:`spreadsheet`.

openpyxl spent about 85 % of checking a filled grid on reading its cells; calamine (Rust) reads
the same sheets with the same texts an order of magnitude faster. openpyxl stays for writing,
and for reading what calamine should not be handed.

Calamine builds each sheet as a dense rectangle from its first to its last cell, so a tiny file
with one cell in A1 and one in XFD1048576 would ask for billions of cells. Before calamine sees
a workbook, every part of the archive is scanned for cell references, as
:func:`~webpass.untrusted.spreadsheet.check_zip` reads it (within the sizes it has just bounded,
and once: :class:`BoundsScan` is handed each part's bytes). Every part, not only those named
``xl/worksheets/*.xml``: a sheet is found through the workbook's relationships, whatever its
name. Calamine is handed the workbook only when every cell is written as Excel, LibreOffice and
openpyxl write it (``<c r="B2"``: no prefix, the reference first and alone; a second « r »
would place the cell where calamine reads the last one) and the rectangle stays within
:data:`MAX_DENSE_CELLS`. Otherwise the workbook is read by openpyxl's streaming reader as
before, with its limits checked row by row. So is a workbook with an XML declaration of a
document type or an entity, which the archive check already refuses: openpyxl's defusedxml is
the second guard, calamine is never handed one.

The objects below offer the few attributes of openpyxl's read-only workbook that the reader
uses (``sheetnames``, ``worksheets``, ``sheet_state``, ``title``, ``iter_rows``), so one code
path picks sheets and checks rows whatever read the cells.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from webpass.untrusted.spreadsheet import may_declare

__all__ = [
    "MAX_DENSE_CELLS",
    "MAX_KEPT_BYTES",
    "BoundsScan",
    "CalamineBook",
    "open_with_calamine",
]

# The most bytes of parts kept to hand to calamine; beyond (a large table, never a grid), it
# reads the file itself, within the same bounds.
MAX_KEPT_BYTES = 40_000_000
# The largest sheet rectangle handed to calamine (a grid is about 150 rows × 14 columns).
MAX_DENSE_CELLS = 1_000_000
_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
# What every writer we know produces (Excel, LibreOffice, openpyxl): no namespace prefix, the
# reference first. One pass of this finds every plain cell tag with its reference, or without
# one (empty groups). Anything else goes to openpyxl, which places cells by parsing.
_PLAIN_CELL = re.compile(rb'<c[\s/>](?:r="([A-Z]{1,3})([0-9]{1,7})")?')
_PLAIN_TAG = re.compile(rb"<c[\s/>]")
# A plain cell tag not followed by a reference of at most two letters and three digits (ZZ999):
# when there is none, every cell is placed and the sheet is within 702 × 999 cells, far below
# MAX_DENSE_CELLS, and the references need not be collected one by one (the costliest step).
_NOT_SMALL = re.compile(rb'<c[\s/>](?!r="[A-Z]{1,2}[0-9]{1,3}")')
# A prefixed cell tag holds « :c » followed by what _CELL_TAG allows.
_PREFIXED_HINT = re.compile(rb":c[\s/>]")
# An attribute « r » anywhere but first in a plain cell or row tag (calamine places a cell by
# the last of two « r »), with or without a prefix, or any « = » after a blank (« r = »).
# But « xmlns:r= », which Excel and LibreOffice write on every sheet: it declares the prefix of
# relationships and places nothing (calamine reads a cell's place from « r » alone, not from a
# prefixed or namespace attribute). Counted as stray, it sent every grid a spreadsheet had
# re-saved to openpyxl's reader, ten times slower.
# Each « = » of a sheet is a candidate (three per cell: r=, s=, t=): the first assertion, on the
# byte before it, leaves most of them (« s= », « t= ») after one test instead of two. It allows
# what the two alternatives start with, a blank or « r », so the matches are the same: a blank
# before « = » matches by the first alternative, an « r » goes on to the second, whose tests are
# those of the expression it replaced (« =(?:(?<=\s=)|(?<=r=)(?<![\w.-]r=)… », 17 % more
# instructions; a property test compares the two on generated markup).
_STRAY_R = re.compile(rb"=(?<=[\sr]=)(?:(?<=\s=)|(?<![\w.-]r=)(?<!<c r=)(?<!<row r=)(?<!xmlns:r=))")


class CalamineSheet:
    """One sheet, as much like an openpyxl read-only worksheet as the reader needs."""

    def __init__(self, book: Any, title: str, state: str) -> None:
        self._book = book
        self.title = title
        self.sheet_state = state
        self._parsed: Any = None
        self._failed: Exception | None = None

    def reset_dimensions(self) -> None:
        """Nothing to do: calamine trusts the cells, not the declared dimension."""

    def parse(self) -> int:
        """Parse the sheet's XML now, the interpreter lock released (calamine's own step),
        and return its number of cells.

        Safe on another thread than the one reading the rows, once it has returned: the
        reader waits for it (:mod:`~webpass.untrusted.staged`).
        """
        self._parsed = self._book.get_sheet_by_name(self.title)
        return int(self._parsed.height) * int(self._parsed.width)

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[object, ...]]:
        """Each row from A1 on, as calamine gives it: empty cells are ``""`` (openpyxl's None).

        The reader takes both for blank and gives None for either: converting here would
        build every row twice.
        """
        if self._failed is not None:
            raise self._failed
        if self._parsed is None:
            self.parse()
        sheet, self._parsed = self._parsed, None  # the parsed cells are read once
        return map(tuple, sheet.to_python(skip_empty_area=False))


class CalamineBook:
    """A workbook read by calamine, as much like openpyxl's as the reader needs."""

    def __init__(self, book: Any) -> None:
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        def state(visible: object) -> str:  # the enum members are not hashable
            if visible == SheetVisibleEnum.Visible:
                return "visible"
            return "veryHidden" if visible == SheetVisibleEnum.VeryHidden else "hidden"

        self._book = book
        self.worksheets = [
            CalamineSheet(book, str(meta.name), state(meta.visible))
            for meta in book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet
        ]
        self.sheetnames = [sheet.title for sheet in self.worksheets]

    def __getitem__(self, name: str) -> CalamineSheet:
        return next(sheet for sheet in self.worksheets if sheet.title == name)

    def parse_job(self, sheets: list[CalamineSheet]) -> Callable[[], None]:
        """The parse of ``sheets`` as one job, to run in place or on a worker thread.

        The reader then reads each sheet's rows in turn, as if each had been parsed when its
        rows were read: a sheet that fails raises its error when its rows are read (after the
        rows of the sheets before it, whose limits may refuse the file first), and the sheets
        after it are left to be parsed then. Once :data:`MAX_DENSE_CELLS` cells are parsed,
        the rest too: a hostile workbook of several large rectangles is never held at once.
        """

        def parse() -> None:
            budget = MAX_DENSE_CELLS
            for sheet in sheets:
                try:
                    budget -= sheet.parse()
                except Exception as exc:  # both readers raise many kinds on malformed parts
                    sheet._failed = exc
                    return
                if budget <= 0:
                    return

        return parse

    def close(self) -> None:
        """Release the file."""
        self._book.close()


class BoundsScan:
    """Whether calamine may be handed a workbook, learnt from each part as the archive check reads it.

    The parts scanned are kept (up to :data:`MAX_KEPT_BYTES`) to be handed to calamine
    themselves (:mod:`~webpass.untrusted.stored_zip`).
    """

    def __init__(self) -> None:
        self.bounded = True
        self.parts: list[tuple[str, bytes, int]] | None = []
        self._kept = 0

    def __call__(self, name: str, data: bytes, crc: int | None = None) -> None:
        """Take one part of the archive into account (its name does not matter, see above)."""
        # Second guard should the archive scan ever miss one: openpyxl's defusedxml refuses it.
        # « b"!" in data » first: a declaration needs one, and one memchr clears most parts;
        # a « ! » in a text (common) is not a « <! » (see may_declare).
        if self.bounded and (
            (b"!" in data and may_declare(data) and _DECLARATION.search(data))
            or not _part_bounded(data)
        ):
            self.bounded = False
        self._kept += len(data)
        if not self.bounded or crc is None or self._kept > MAX_KEPT_BYTES:
            self.parts = None  # openpyxl reads it, or calamine reads the file
        elif self.parts is not None:
            self.parts.append((name, data, crc))


def open_with_calamine(source: Path | BinaryIO, scan: BoundsScan) -> CalamineBook | None:
    """The workbook through calamine, or None when openpyxl's streaming reader should read it.

    ``scan`` has seen every part of ``source`` (it was given to
    :func:`~webpass.untrusted.spreadsheet.check_zip`): the file, or better the very content
    that was checked.
    """
    import python_calamine

    from webpass.untrusted.stored_zip import stored_archive

    if not scan.bounded:
        return None
    if scan.parts is None:
        return CalamineBook(
            python_calamine.load_workbook(str(source) if isinstance(source, Path) else source)
        )
    archive = io.BytesIO(stored_archive(scan.parts))
    return CalamineBook(python_calamine.CalamineWorkbook.from_filelike(archive))


def _part_bounded(xml: bytes) -> bool:
    # The expression alone: sre finds its literal « :c » twice as fast as ``b":c" in xml``,
    # which tests every « c » of a sheet (most parts hold no « :c » at all).
    if _PREFIXED_HINT.search(xml):
        return not _CELL_TAG.search(xml)  # prefixed cells, or « :c » in a text and no cell
    if not _PLAIN_TAG.search(xml):
        return True  # no cell tag, plain or prefixed
    if _STRAY_R.search(xml):
        return False  # a reference not first or doubled: only a parser knows the place
    if not _NOT_SMALL.search(xml):
        return True
    letters, rows = zip(*_PLAIN_CELL.findall(xml), strict=True)
    if b"" in letters:
        return False  # a reference missing: only a parser knows the place
    return _dense_cells(letters, rows) <= MAX_DENSE_CELLS


def _dense_cells(letters: tuple[bytes, ...], rows: tuple[bytes, ...]) -> int:
    columns = max(_column_number(column) for column in set(letters))
    return max(map(int, set(rows))) * columns  # a few distinct rows and columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
