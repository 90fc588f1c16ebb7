"""The observatory report: levels of the collectivities' sites, by type and by département.

The input is a table (CSV or XLSX, read by :mod:`webpass.untrusted.spreadsheet`) with one row per
collectivity and the columns ``Collectivité``, ``Type``, ``Département`` and ``Niveau``:

* ``Type``: « commune » or « communauté de communes » (also « communauté », « CC », « CdC »);
* ``Département``: a name or a code (« Finistère », « FINISTERE », « 29 »), written out in full
  in the report;
* ``Niveau``: a level number, id, French name or alias as the catalogue knows them
  (:meth:`~webpass.catalog.Catalog.level_named`), « Erreur » (the site exists but could not be
  reached) or « Sans site ».

Case, accents and surrounding spaces are ignored everywhere. Every bad line is reported at once
with its line number. As in the Brittany observatory of 2009, the « Erreur » sites count among
the sites: the « Total » column and the shares include them. Shares are whole percents and the
rate of collectivities with a site has one decimal, both rounded half up (98 / 119 = 82.35… %
gives 82.4 %, where the 2009 slides truncated to 82.3 %). In ``--json``, shares are integers and
the rate is a string with a decimal point (``"82.4"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webpass.catalog import Catalog
from webpass.core.errors import Problem, ValidationFailed
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.dossier.geo import DEPARTEMENTS, department_code
from webpass.untrusted.spreadsheet import Table, read_table

__all__ = [
    "COLUMNS_WANTED",
    "ERROR",
    "NO_SITE",
    "Column",
    "ObservatoryReport",
    "Record",
    "TypeReport",
    "aggregate",
    "build_report",
    "level_columns",
    "percent_half_up",
    "rate_half_up",
    "read_records",
]

ERROR = "erreur"
NO_SITE = "sans_site"
MAX_REPORT_BYTES = 20_000_000

COLUMNS_WANTED = {
    "name": ("Collectivité", "Nom", "Nom de la collectivité"),
    "type": ("Type", "Type de collectivité"),
    "department": ("Département", "Dépt", "Dép"),
    "level": ("Niveau", "Niveau du site", "Type de site", "Classement"),
    "code": ("Code", "Code INSEE", "SIREN", "Code officiel"),
}
# The official code is optional: a 2009 survey has none; with it, the reference checks each row.
_OPTIONAL = ["code"]
TYPES = {"commune": "Communes", "communaute": "Communautés de communes"}
_TYPE_NAMES = {
    "commune": "commune",
    "communes": "commune",
    "communaute de communes": "communaute",
    "communautes de communes": "communaute",
    "communaute": "communaute",
    "cc": "communaute",
    "cdc": "communaute",
}
_ERROR_NAMES = {"erreur", "site injoignable", "injoignable", "site inaccessible", "inaccessible"}
_NO_SITE_NAMES = {"sans site", "pas de site", "aucun site", "aucun"}


@frozen_record
class Column:
    """One column of the level table: a level (by id) or « Erreur »."""

    key: str
    label: str


@frozen_record
class Record:
    """One collectivity as read, its status a level id, ``erreur`` or ``sans_site``."""

    line: int
    name: str
    type: str
    department: str
    status: str
    code: str = ""


@dataclass
class TypeReport:
    """The table of one type of collectivity.

    Attributes:
        key: ``commune`` or ``communaute``.
        label: the French heading.
        collectivities: rows of this type.
        with_site: rows with a site (any level, or « Erreur »).
        departments: per département (in order of appearance), count per column and ``total``.
        totals: the same, summed over départements.
        percentages: share of each column among the sites, whole percent, half up.
    """

    key: str
    label: str
    collectivities: int = 0
    with_site: int = 0
    departments: dict[str, dict[str, int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    percentages: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> str:
        """Share of collectivities with a site, one decimal, half up (``"49.7"``)."""
        return rate_half_up(self.with_site, self.collectivities)

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` form of this type."""
        return {
            "collectivites": self.collectivities,
            "avec_site": self.with_site,
            "taux_avec_site": self.rate,
            "departements": self.departments,
            "total": self.totals,
            "pourcentages": self.percentages,
        }


@dataclass
class ObservatoryReport:
    """The whole report: columns, and a table per type present in the file."""

    source: str
    columns: list[Column]
    types: dict[str, TypeReport]
    rows: int
    notes: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    denominators: str = ""

    def as_json(self) -> dict[str, Any]:
        """``{"types": {"commune": …, "communaute": …}}`` (absent types are left out)."""
        out: dict[str, Any] = {
            "types": {key: report.as_json() for key, report in self.types.items()}
        }
        if self.denominators:
            out["denominateurs"] = self.denominators
        return out


def percent_half_up(part: int, whole: int) -> int:
    """``part / whole`` in whole percent, rounded half up, in exact integer arithmetic."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def rate_half_up(part: int, whole: int) -> str:
    """``part / whole`` in percent with one decimal, half up: ``(98, 119)`` → ``"82.4"``."""
    if whole <= 0:
        return "0.0"
    tenths = (2000 * part + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}"


def build_report(path: Path, catalog: Catalog, *, sheet: str | None = None) -> ObservatoryReport:
    """Read ``path`` (for an XLSX, ``sheet`` or the first sheet) and aggregate it.

    Raises:
        UnreadableFileError: the file is not a readable table (exit 2).
        InputError: a required column is missing.
        ValidationFailed: bad values, each with its line (all reported at once).
    """
    records, table = read_records(path, catalog, sheet=sheet)
    columns = level_columns(catalog)
    report = ObservatoryReport(
        table.source, columns, aggregate(records, columns), rows=len(records), records=records
    )
    if table.sheet.encoding == "cp1252":
        report.notes.append(
            "fichier lu en Windows-1252 (il n'est pas en UTF-8) : vérifiez les accents des noms."
        )
    return report


def level_columns(catalog: Catalog) -> list[Column]:
    """The table's columns: the catalogue's levels in order (« Site » dropped), then Erreur."""
    columns = [
        Column(level.id, _short_name(level.name)) for _, level in sorted(catalog.levels.items())
    ]
    return [*columns, Column(ERROR, "Erreur")]


def _short_name(name: str) -> str:
    short = name.removeprefix("Site ").strip()
    return short[:1].upper() + short[1:]


def read_records(
    path: Path, catalog: Catalog, *, sheet: str | None = None
) -> tuple[list[Record], Table]:
    """The rows of an observatory table, every bad value reported at once with its line."""
    table = read_table(
        path, columns=COLUMNS_WANTED, optional=_OPTIONAL, sheet=sheet, max_bytes=MAX_REPORT_BYTES
    )
    records: list[Record] = []
    problems: list[Problem] = []
    first_seen: dict[tuple[str, str, str], int] = {}

    def problem(line: int, column: str, message: str) -> None:
        problems.append(Problem(table.source, line, None, message, where=column))

    for row in table.rows:
        name = table.value(row, "name")
        kind = _TYPE_NAMES.get(fold(table.value(row, "type")))
        department_text = table.value(row, "department")
        code = department_code(department_text) if department_text else None
        level_text = table.value(row, "level")
        status = _status(level_text, catalog)
        if not name:
            problem(row.line, "Collectivité", "nom de la collectivité manquant.")
        if kind is None:
            problem(
                row.line,
                "Type",
                f"type « {table.value(row, 'type')} » inconnu : écrivez « commune » ou "
                "« communauté de communes ».",
            )
        if code is None:
            problem(
                row.line,
                "Département",
                f"département « {department_text} » inconnu : écrivez son nom "
                "(« Finistère ») ou son numéro (« 29 »).",
            )
        if status is None:
            problem(
                row.line,
                "Niveau",
                f"niveau « {level_text} » inconnu : écrivez un niveau de 1 à 5 ou son nom "
                "(« vitrine », « vitrine enrichie », « dynamique », « interactif », « portail »), "
                "« Erreur » si le site existe mais ne répond pas, ou « Sans site ».",
            )
        if not (name and kind and code and status):
            continue
        department = DEPARTEMENTS[code]
        identity = (kind, department, fold(name))
        if identity in first_seen:
            problem(
                row.line,
                "Collectivité",
                f"« {name} » ({department}) figure déjà ligne {first_seen[identity]} : "
                "gardez une seule ligne par collectivité.",
            )
            continue
        first_seen[identity] = row.line
        official = table.value(row, "code").replace(" ", "").upper()
        records.append(Record(row.line, name, kind, department, status, official))
    if problems:
        lines = len({p.line for p in problems})
        raise ValidationFailed(
            problems,
            summary=f"{table.source} : {lines} ligne{'s' if lines > 1 else ''} à corriger",
        )
    return records, table


def _status(text: str, catalog: Catalog) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    if folded in _ERROR_NAMES:
        return ERROR
    if folded in _NO_SITE_NAMES:
        return NO_SITE
    level = catalog.level_named(text)
    return level.id if level is not None else None


def aggregate(records: list[Record], columns: list[Column]) -> dict[str, TypeReport]:
    """Count the records per type, département and column (types in a fixed order)."""
    keys = [column.key for column in columns]
    reports: dict[str, TypeReport] = {}
    for record in records:
        report = reports.setdefault(record.type, TypeReport(record.type, TYPES[record.type]))
        report.collectivities += 1
        row = report.departments.setdefault(record.department, dict.fromkeys([*keys, "total"], 0))
        if record.status == NO_SITE:
            continue
        report.with_site += 1
        row[record.status] += 1
        row["total"] += 1
    for report in reports.values():
        report.totals = {
            key: sum(row[key] for row in report.departments.values()) for key in [*keys, "total"]
        }
        report.percentages = {
            key: percent_half_up(report.totals[key], report.totals["total"]) for key in keys
        }
    return {key: reports[key] for key in TYPES if key in reports}
