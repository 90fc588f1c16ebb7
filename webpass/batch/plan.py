"""What a batch will make, told before any of the work: its list's size, formats and folder.

Validating the rows of a list of 1 200 communes takes seconds, and importing what validates
them a second more: the plan is read from the list alone (the same reading as
:func:`webpass.batch.rows.read_batch`, whose header row is the first filled row), importing
nothing but the spreadsheet reader, so ``webpass lot`` says what it is doing at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from webpass.batch.manifest import MANIFEST_FILE
from webpass.untrusted.spreadsheet import TableLimits, read_table

__all__ = ["MAX_LIST_ROWS", "announce", "list_size", "makes_everything"]

MAX_LIST_ROWS = 10_000  # collectivities in one list; a real one has hundreds


def list_size(list_path: Path, sheet: str | None = None) -> int:
    """The rows of the list under its header row, blank rows left out.

    Raises:
        UnreadableFileError: the list is not a readable CSV/XLSX file (exit 2).
        InputError: the list is empty (exit 1).
    """
    return len(read_table(list_path, sheet=sheet, limits=TableLimits(max_rows=MAX_LIST_ROWS)).rows)


def announce(rows: int, list_path: Path, formats: Sequence[str], out_dir: Path) -> str:
    """The plan's French line: « Lot : 50 collectivité(s) de communes.csv ; … »."""
    return (
        f"Lot : {rows} collectivité(s) de {list_path.name} ; dossiers en "
        f"{', '.join(formats)} dans {out_dir}/ (un sous-dossier par collectivité). "
        "Vérification des lignes…"
    )


def makes_everything(out_dir: Path, force: bool) -> bool:
    """Whether every valid row will be made: a first run into ``out_dir``, or ``force``.

    Then the workers' server is worth starting before the rows are validated; a run that
    resumes one may have nothing left to make, and would start it for nothing.
    """
    return force or not (out_dir / MANIFEST_FILE).exists()
