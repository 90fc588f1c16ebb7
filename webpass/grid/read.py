"""Reading a grid filled by a bidder, whatever they did to it.

Columns are found by their header text (case, accents and spaces ignored), not by position;
blank and extra rows are skipped; CSV may use ``;`` or ``,`` with or without a byte order mark;
an XLSX may have been re-saved by LibreOffice. Hostile files (zip bombs, XML entity tricks, huge
files) are refused by the hardened readers of :mod:`webpass.untrusted.spreadsheet` with exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from webpass.core.errors import UnreadableFileError
from webpass.core.files import check_regular, read_bytes
from webpass.core.matching import fold
from webpass.grid.carried import CARRIED_KEY, read_carried, structured_pairs
from webpass.grid.model import DOSSIER_FIELDS, READ_CANDIDATE_FIELDS, Grid
from webpass.untrusted.safe_yaml import YamlLimits, YamlRefused, load_yaml_text
from webpass.untrusted.spreadsheet import cell_text as spreadsheet_cell_text
from webpass.untrusted.staged import Staged, run_staged
from webpass.untrusted.text import neutralise

__all__ = ["MAX_GRID_BYTES", "FilledGrid", "FilledRow", "filled_grid_stages", "read_filled_grid"]

MAX_GRID_BYTES = 20_000_000

# Header text (folded) → FilledRow attribute. Several spellings are accepted for each.
_COLUMNS = {
    "identifiant": "id",
    "id": "id",
    "exigence": "title",
    "texte de l exigence": "text",
    "niveau d exigence": "strength",
    "reponse attendue": "question",
    "minimum exige": "minimum",
    "empreinte": "fingerprint",
    "conformite": "conformity",
    "valeur": "value",
    "justification": "justification",
    "prix ht": "price",
    "unite": "unit",
    "quantite estimee": "quantity",
    "quantite": "quantity",
    "prix unitaire ht": "unit_price",
}


@dataclass(slots=True)  # a hundred per grid, thousands per batch
class FilledRow:
    """One answered requirement, as text, with where it stands in the file."""

    where: str
    id: str = ""
    title: str = ""
    text: str = ""
    strength: str = ""
    question: str = ""
    minimum: str = ""
    fingerprint: str = ""
    conformity: str = ""
    value: str = ""
    justification: str = ""
    price: str = ""
    unit: str = ""
    quantity: str = ""
    unit_price: str = ""
    # The cell the unit price was read from (« onglet BPU, cellule E2 »): a BPU error is shown
    # there, not on the requirement's line of the Exigences sheet.
    unit_price_where: str = ""

    @property
    def price_kind(self) -> str | None:
        """``dpgf`` or ``bpu`` as the grid marked it (« — » means no price expected)."""
        if self.price.strip() not in ("", "—"):
            return "dpgf"
        if self.unit_price.strip() not in ("", "—") or (
            self.unit.strip() and self.unit_price.strip() != "—"
        ):
            return "bpu"
        if self.price.strip() == "" and self.unit_price.strip() == "—":
            return "dpgf"
        return None


@dataclass
class FilledGrid:
    """A filled grid: the dossier it answers, the candidate, the rows and the declared totals.

    ``carried`` is the reference grid the file carries for the self-check (None in a grid that
    carries none), already checked against its seal (:mod:`webpass.grid.carried`).
    """

    source: str
    dossier: dict[str, str] = field(default_factory=dict)
    candidate: dict[str, str] = field(default_factory=dict)
    rows: list[FilledRow] = field(default_factory=list)
    declared_totals: dict[str, str | None] = field(default_factory=dict)
    carried: Grid | None = None


def cell_text(value: Any) -> str:
    """A cell value as text, without the quote our exports put before formula-like texts.

    Control characters (terminal escapes, NUL), bidirectional overrides and lone surrogates
    are neutralised here, once for every grid format: a « Raison sociale » is printed by
    ``verifier`` and ``comparer`` and written into reports.
    """
    text = neutralise(value if type(value) is str else spreadsheet_cell_text(value))
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def rows_from_records(records: Sequence[Mapping[str, Any]], where: str) -> list[FilledRow]:
    """Rows from dictionaries keyed by header text."""
    rows = []
    for index, record in enumerate(records, start=1):
        row = FilledRow(where=f"{where} n° {index}")
        for header, value in record.items():
            attribute = _COLUMNS.get(fold(str(header)))
            if attribute:
                setattr(
                    row,
                    attribute,
                    cell_text(value).strip() if attribute == "id" else cell_text(value),
                )
        if row.id or any((row.conformity, row.title)):
            rows.append(row)
    return rows


def read_filled_grid(path: Path) -> FilledGrid:
    """Read a filled grid (.xlsx, .csv, .yaml/.yml, .json).

    Several grids read one after another are faster through
    :func:`webpass.grid.read_many.read_filled_grids`.

    Raises:
        UnreadableFileError: missing, not a regular file (a pipe, a device, a folder), too
            large, or hostile (exit code 2).
        InputError: a readable file that is not a grid (exit code 1).
    """
    return run_staged(filled_grid_stages(path))


def filled_grid_stages(path: Path) -> Staged[FilledGrid]:
    """:func:`read_filled_grid` as stages (:mod:`~webpass.untrusted.staged`): an XLSX yields
    the parse of its sheets, the other formats read at once."""
    size = check_regular(path).stat().st_size
    if size > MAX_GRID_BYTES:
        raise UnreadableFileError(
            path,
            f"fichier trop volumineux ({size // 1_000_000} Mo, au plus {MAX_GRID_BYTES // 1_000_000} Mo).",
        )
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return _read_structured(path, suffix)
    if suffix == ".csv":
        from webpass.grid.read_tables import read_csv_grid

        return read_csv_grid(path)
    if suffix in (".xlsx", ".xlsm"):
        from webpass.grid.read_tables import xlsx_grid_stages

        return (yield from xlsx_grid_stages(path))
    raise UnreadableFileError(
        path, "format non reconnu : une grille .xlsx, .csv, .yaml ou .json est attendue."
    )


def _read_structured(path: Path, suffix: str) -> FilledGrid:
    raw = read_bytes(path, max_bytes=MAX_GRID_BYTES)
    if suffix == ".json":
        try:
            data = json.loads(
                raw.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_no_constant
            )
        except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
            raise UnreadableFileError(path, f"JSON illisible ({exc}).") from exc
    else:
        try:
            data = load_yaml_text(raw, str(path), YamlLimits(max_bytes=MAX_GRID_BYTES)).data
        except YamlRefused as exc:
            raise UnreadableFileError(path, exc.problem.message) from exc
    if not isinstance(data, dict) or not isinstance(data.get("exigences"), list):
        raise UnreadableFileError(
            path,
            "structure inattendue : les clés « dossier », « candidat » et « exigences » sont attendues.",
        )
    records = [r for r in data["exigences"] if isinstance(r, dict)]
    grid = FilledGrid(source=str(path), rows=rows_from_records(records, "exigence"))
    grid.dossier = _pick(data.get("dossier"), DOSSIER_FIELDS)
    grid.candidate = _pick(data.get("candidat"), READ_CANDIDATE_FIELDS)
    grid.carried = read_carried(
        structured_pairs(data.get(CARRIED_KEY)), str(path), f"bloc « {CARRIED_KEY} »"
    )
    raw_totals = data.get("totaux")
    totals: dict[str, Any] = raw_totals if isinstance(raw_totals, dict) else {}
    grid.declared_totals = {
        "dpgf": cell_text(totals.get("dpgf")) or None,
        "dqe": cell_text(totals.get("dqe")) or None,
    }
    return grid


def _pick(block: Any, fields: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(block, dict):
        return {}
    by_fold = {fold(str(k)): v for k, v in block.items()}
    return {
        name: cell_text(by_fold.get(fold(name))).strip() for name in fields if fold(name) in by_fold
    }


def _no_constant(name: str) -> Any:
    raise ValueError(f"valeur « {name} » refusée")
