"""Reading XLSX cells with python-calamine, behind the archive checks of :mod:`spreadsheet`.

openpyxl spent about 85 % of checking a filled grid on reading its cells; calamine (Rust) reads
the same sheets with the same texts an order of magnitude faster. openpyxl stays for writing,
and for reading what calamine should not be handed.

Calamine builds each sheet as a dense rectangle from its first to its last cell, so a tiny file
with one cell in A1 and one in XFD1048576 would ask for billions of cells. Before calamine sees
a workbook, every worksheet part is scanned for its cell references (after
:func:`~webpass.untrusted.spreadsheet.check_zip` has bounded each part's size and refused any
DTD): when a rectangle would exceed :data:`MAX_DENSE_CELLS`, or a cell has no reference (some
generators leave it out), the workbook is read by openpyxl's streaming reader as before, with
its limits checked row by row. So is a workbook with an XML declaration of a document type
or an entity, which the archive check already refuses: openpyxl's defusedxml is the second
guard, calamine is never handed one.

The objects below offer the few attributes of openpyxl's read-only workbook that the reader
uses (``sheetnames``, ``worksheets``, ``sheet_state``, ``title``, ``iter_rows``), so one code
path picks sheets and checks rows whatever read the cells.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["MAX_DENSE_CELLS", "CalamineBook", "open_with_calamine"]

# The largest sheet rectangle handed to calamine (a grid is about 150 rows × 14 columns).
MAX_DENSE_CELLS = 1_000_000
_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


class CalamineSheet:
    """One sheet, as much like an openpyxl read-only worksheet as the reader needs."""

    def __init__(self, book: Any, title: str, state: str) -> None:
        self._book = book
        self.title = title
        self.sheet_state = state

    def reset_dimensions(self) -> None:
        """Nothing to do: calamine trusts the cells, not the declared dimension."""

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[object, ...]]:
        """Each row from A1 on, empty cells as None (as openpyxl gives them)."""
        sheet = self._book.get_sheet_by_name(self.title)
        for row in sheet.to_python(skip_empty_area=False):
            yield tuple(None if value == "" else value for value in row)


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

    def close(self) -> None:
        """Release the file."""
        self._book.close()


def open_with_calamine(path: Path) -> CalamineBook | None:
    """The workbook through calamine, or None when openpyxl's streaming reader should read it."""
    import python_calamine

    if not _bounded(path):
        return None
    return CalamineBook(python_calamine.load_workbook(str(path)))


def _bounded(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.lower()
            if not name.endswith((".xml", ".rels")):
                continue
            xml = archive.read(info)
            # Second guard should the archive scan ever miss one: openpyxl's defusedxml refuses it.
            if _DECLARATION.search(xml):
                return False
            if name.startswith("xl/worksheets/") and not _sheet_bounded(xml):
                return False
    return True


def _sheet_bounded(xml: bytes) -> bool:
    refs = _CELL_REF.findall(xml)
    if len(refs) != len(_CELL_TAG.findall(xml)):
        return False  # a cell without a reference: its place is known only by parsing
    if not refs:
        return True
    rows = max(int(row) for _, row in refs)
    columns = max(_column_number(letters) for letters in {letters for letters, _ in refs})
    return rows * columns <= MAX_DENSE_CELLS


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
