"""The batch summary files: ``synthese.csv`` for a spreadsheet, ``synthese.json`` for programs.

The CSV is what a French spreadsheet opens as is: UTF-8 with a byte order mark, ``;`` between
columns, decimal commas; a name that starts like a formula is neutralised. Neither file holds a
date or a duration, so the same run gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from webpass.batch.outcome import BatchResult, RowOutcome
from webpass.core.atomic import write_text_atomic
from webpass.grid.export import neutralize

__all__ = ["CSV_COLUMNS", "SUMMARY_CSV", "SUMMARY_JSON", "write_summaries"]

SUMMARY_CSV = "synthese.csv"
SUMMARY_JSON = "synthese.json"
CSV_COLUMNS = (
    "ligne",
    "nom",
    "code_insee",
    "dossier",
    "statut",
    "fichiers",
    "pages",
    "estimation_min",
    "estimation_max",
    "subvention_min",
    "subvention_max",
    "subvention_statut",
    "motif",
)


def _amount(value: dict[str, str] | None, end: str) -> str:
    return value[end].replace(".", ",") if value and end in value else ""


def _record(outcome: RowOutcome) -> list[str]:
    return [
        str(outcome.line),
        neutralize(outcome.name),
        neutralize(outcome.insee),
        outcome.folder,
        outcome.status.label,
        ", ".join(file.path for file in outcome.files),
        "" if outcome.pages is None else str(outcome.pages),
        _amount(outcome.estimate, "min"),
        _amount(outcome.estimate, "max"),
        _amount(outcome.subsidy, "min"),
        _amount(outcome.subsidy, "max"),
        (outcome.subsidy or {}).get("statut", "").replace("_", " "),
        neutralize(outcome.reason or ""),
    ]


def write_summaries(result: BatchResult) -> tuple[Path, Path]:
    """Write both summary files atomically; returns their paths."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for outcome in result.outcomes:
        writer.writerow(_record(outcome))
    write_text_atomic(result.summary_csv, "\ufeff" + buffer.getvalue())
    write_text_atomic(
        result.summary_json,
        json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n",
    )
    return result.summary_csv, result.summary_json
