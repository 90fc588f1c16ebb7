"""Reading filled grids saved as XLSX or CSV, through the hardened readers of :mod:`webpass.untrusted.spreadsheet`.

The XLSX we send has four sheets (Candidat, Exigences, BPU or « Prix annuels et unitaires »,
Dossier); a bidder may have renamed or deleted the last ones, re-saved the file in LibreOffice,
or typed in the wrong cells, so each part is looked for by its headers and labels, and what is
missing is simply absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.matching import fold
from webpass.grid.carried import opens_block, read_carried
from webpass.grid.model import BIDDER_SHEETS, DOSSIER_FIELDS, READ_CANDIDATE_FIELDS, UNIT_SHEETS
from webpass.grid.read import _COLUMNS, MAX_GRID_BYTES, FilledGrid, FilledRow, cell_text
from webpass.untrusted.spreadsheet import (
    Row,
    TableLimits,
    ZipLimits,
    column_letters,
    read_rows,
    workbook_stages,
)
from webpass.untrusted.staged import Staged, run_staged

__all__ = ["read_csv_grid", "read_xlsx_grid", "xlsx_grid_stages"]

_ID_HEADER = "identifiant"
# A grid has one row per requirement (about a hundred): bounds far above that, checked while
# reading, so a file of blank cells or padded XML is refused before it costs minutes.
# (Our grids: about 2 500 cells, 230 kB of XML for the largest sheet.)
GRID_LIMITS = TableLimits(max_rows=5_000, max_columns=100, max_scanned_cells=60_000)
GRID_ZIP_LIMITS = ZipLimits(max_total_bytes=30_000_000, max_entry_bytes=8_000_000)


def _header_index(rows: Sequence[Row], required: tuple[str, ...]) -> int | None:
    for position, row in enumerate(rows[:60]):
        folded = {fold(cell) for cell in row.cells}
        if all(name in folded for name in required):
            return position
    return None


def _key_values(rows: Sequence[Row], fields: tuple[str, ...]) -> dict[str, str]:
    wanted = {fold(name): name for name in fields}
    # The « Candidat » sheet opens with instruction texts of up to a thousand characters in the
    # label column, the same in every grid of a dossier: folding them (accents, case) was 3 % of
    # checking a grid, for texts far too long to be a label.
    longest = 4 * max(map(len, fields), default=0)
    found: dict[str, str] = {}
    for row in rows:
        if not row.cells or len(row.cells[0]) > longest:
            continue
        key = wanted.get(fold(row.cells[0]))
        if key and key not in found:
            found[key] = (
                cell_text(row.values[1] if len(row.values) > 1 else None).strip()
                if row.values
                else row.cell(1).strip()
            )
    return found


def _requirement_rows(
    rows: Sequence[Row], where: str
) -> tuple[list[FilledRow], dict[str, str | None]]:
    start = _header_index(rows, (_ID_HEADER, "conformite"))
    if start is None:
        raise InputError(
            f"{where} : ligne d'en-têtes introuvable (colonnes « Identifiant » et « Conformité » attendues) ; "
            "utilisez le cadre de réponse fourni avec le dossier."
        )
    headers = [fold(cell) for cell in rows[start].cells]
    columns = {
        index: _COLUMNS[header] for index, header in enumerate(headers) if header in _COLUMNS
    }
    price_column = next((i for i, name in columns.items() if name == "price"), None)
    id_column = next((i for i, name in columns.items() if name == "id"), None)
    filled: list[FilledRow] = []
    total: str | None = None
    placed = tuple(columns.items())
    for row in rows[start + 1 :]:
        cells = row.cells
        count = len(cells)
        # Only a row without an identifier can be the totals row: a requirement's own cells
        # (a bidder's comment saying « total DPGF ») never make it one. « Total DPGF HT » in a
        # MAPA, « Total des prix forfaitaires HT » in a consultation by quotes (no DPGF there).
        if (id_column is None or id_column >= count or not cells[id_column].strip()) and (
            _labelled(row, "total dpgf") or _labelled(row, "total des prix forfaitaires")
        ):
            # An empty cell is a formula no spreadsheet has computed yet: nothing declared.
            total = (_value_at(row, price_column) or None) if price_column is not None else None
            continue
        entry = FilledRow(where=f"{where}, ligne {row.line}")
        for index, attribute in placed:
            # A column past the row's last cell keeps the row's default, « ».
            if index < count:
                text = cells[index]
                # The text of a cell is its value's (Row): cell_text gives the same from either,
                # and nothing to do for a printable text without a leading quote (most cells).
                if not text.isprintable() or text[:1] == "'":
                    text = cell_text(text)
                setattr(entry, attribute, text)
        entry.id = entry.id.strip().upper()
        if entry.id:
            filled.append(entry)
    return filled, {"dpgf": total}


def _labelled(row: Row, label: str) -> bool:
    # A totals row carries a short label; folding every long clause text to find it was the
    # costliest step of reading a grid.
    return any(len(cell) < 60 and label in fold(cell) for cell in row.cells)


def _value_at(row: Row, index: int | None) -> str:
    if index is None or index >= len(row.values):
        return row.cell(index)
    return cell_text(row.values[index])


def _merge_bpu(rows: Sequence[Row], filled: list[FilledRow], where: str) -> str | None:
    start = _header_index(rows, (_ID_HEADER, "prix unitaire ht"))
    if start is None:
        return None
    headers = [fold(cell) for cell in rows[start].cells]
    index = {
        name: headers.index(name)
        for name in (
            "identifiant",
            "unite",
            "quantite",
            "quantite estimee",
            "prix unitaire ht",
            "montant ht",
        )
        if name in headers
    }
    by_id = {row.id: row for row in filled}
    declared: str | None = None
    for row in rows[start + 1 :]:
        item_id = row.cell(index.get("identifiant")).strip().upper()
        if not item_id:
            # « Total des prix annuels et unitaires HT » since it names no piece (a consultation
            # by quotes has no DQE); « Total DQE HT » in the grids sent before.
            if _labelled(row, "total des prix annuels") or _labelled(row, "total dqe"):
                declared = _value_at(row, index.get("montant ht")) or None
            continue
        target = by_id.get(item_id)
        if target is None:
            target = FilledRow(where=f"{where}, ligne {row.line}", id=item_id)
            filled.append(target)
            by_id[item_id] = target
        target.unit = row.cell(index.get("unite"))
        # « Quantité » since the quantities have a nature; « Quantité estimée » in older grids.
        target.quantity = _value_at(row, index.get("quantite", index.get("quantite estimee")))
        target.unit_price = _value_at(row, index.get("prix unitaire ht"))
        column = index.get("prix unitaire ht")
        target.unit_price_where = (
            f"{where}, cellule {column_letters(column + 1)}{row.line}"
            if column is not None
            else f"{where}, ligne {row.line}"
        )
    return declared


def _pairs(rows: Sequence[Row]) -> list[tuple[str, str]]:
    return [(row.cell(0).strip(), row.cell(1)) for row in rows]


def read_xlsx_grid(path: Path) -> FilledGrid:
    """A grid saved as XLSX (ours, or re-saved by Excel or LibreOffice)."""
    return run_staged(xlsx_grid_stages(path))


def xlsx_grid_stages(path: Path) -> Staged[FilledGrid]:
    """:func:`read_xlsx_grid` as stages (:mod:`~webpass.untrusted.staged`)."""
    # Sheets by their exact names; the Dossier sheet is hidden by our export, any other hidden
    # sheet refuses the file (a hidden « Exigences_ » must not decide the verdict).
    sheets = yield from workbook_stages(
        path,
        ["Exigences", *BIDDER_SHEETS, "Dossier", *UNIT_SHEETS],
        max_bytes=MAX_GRID_BYTES,
        limits=GRID_LIMITS,
        zip_limits=GRID_ZIP_LIMITS,
        hidden=("Dossier",),
    )
    if "Exigences" not in sheets:
        raise UnreadableFileError(
            path,
            "feuille « Exigences » introuvable : utilisez le cadre de réponse fourni avec le dossier.",
        )
    grid = FilledGrid(source=str(path))
    grid.rows, totals = _requirement_rows(sheets["Exigences"].rows, "onglet Exigences")
    grid.declared_totals.update(totals)
    # « Candidat » under an RC, « Prestataire » in a consultation by quotes.
    for name in BIDDER_SHEETS:
        if name in sheets:
            grid.candidate.update(_key_values(sheets[name].rows, READ_CANDIDATE_FIELDS))
    if "Dossier" in sheets:
        grid.dossier.update(_key_values(sheets["Dossier"].rows, DOSSIER_FIELDS))
        grid.carried = read_carried(_pairs(sheets["Dossier"].rows), str(path), "onglet « Dossier »")
    # « BPU » in a MAPA, « Prix annuels et unitaires » in a consultation by quotes.
    for name in UNIT_SHEETS:
        if name in sheets:
            grid.declared_totals["dqe"] = _merge_bpu(sheets[name].rows, grid.rows, f"onglet {name}")
    return grid


def read_csv_grid(path: Path) -> FilledGrid:
    """A grid saved as CSV: key/value rows (dossier, candidate) above the requirements table."""
    sheet = read_rows(path, max_bytes=MAX_GRID_BYTES, limits=GRID_LIMITS)
    grid = FilledGrid(source=str(path))
    start = _header_index(sheet.rows, (_ID_HEADER, "conformite"))
    preamble = sheet.rows[:start] if start is not None else sheet.rows
    grid.dossier = _key_values(preamble, DOSSIER_FIELDS)
    grid.candidate = _key_values(preamble, READ_CANDIDATE_FIELDS)
    # The carried block is below the table (wherever a bidder moved it): no requirements.
    block = [row for row in sheet.rows if opens_block(row.cell(0))]
    table = [row for row in sheet.rows if not opens_block(row.cell(0))]
    grid.carried = read_carried(
        _pairs(block), str(path), "lignes de contrôle sous le tableau des exigences"
    )
    grid.rows, totals = _requirement_rows(table, f"{Path(path).name}")
    grid.declared_totals.update(totals)
    return grid
