"""What a response grid carries for the bidder's self-check, sealed by a digest.

A bidder checks its offer before submitting it with ``webpass verifier OFFRE``, without the
dossier (the DCE does not contain it). To find a deleted row, an empty mandatory price or an
edited level as the buyer's check will, the grid carries the reference grid itself: one line per
expected requirement (id, title, mandatory or not, kind of answer, minimum, fingerprint of the
exact wording, price line expected, unit and estimated quantity), after a header line with the
dossier's identity, and a SHA-256 seal of those lines.

Where it lives: the hidden « Dossier » sheet of the XLSX, below the dossier's fields; in the CSV,
a block below the requirements table, after a blank line (so a spreadsheet's sort or filter of
the table leaves it alone) and never above it (a bidder opening the file sees its table first);
a ``controle`` key in YAML and JSON. A companion file was rejected: a bidder submits one file
and the companion would be lost. Each line is a JSON text in one cell, pure ASCII and starting
with ``{``, so no spreadsheet takes it for a number, a date or a formula when re-saving.

The seal is a plain digest, not a signature: it catches a grid whose carried data was edited,
truncated or mangled by a tool, and the grid is then refused as such. A bidder who forged both
the data and the seal would only fool its own self-check: the buyer checks the offer against
the dossier, which is authoritative.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from webpass.core.errors import UnreadableFileError
from webpass.core.matching import fold
from webpass.grid.model import Grid, GridRow, PricePieces

__all__ = [
    "CARRIED_KEY",
    "LINE_LABEL",
    "MARKER",
    "SEAL_LABEL",
    "carried_lines",
    "carried_rows",
    "opens_block",
    "read_carried",
    "seal",
    "self_check_notice",
]

MARKER = "Données de contrôle webpass"
MARKER_NOTE = (
    "Ne modifiez pas les lignes qui suivent : elles permettent à « webpass verifier » de "
    "contrôler l’offre sans le dossier."
)
# A bidder who unhides the sheet must not take it for a hidden scoring.
_NOT_SCORED = (
    "Elles ne portent ni note ni pondération : les offres sont jugées selon les seuls critères "
    "annoncés par {rules}."
)
LINE_LABEL = "Contrôle"
SEAL_LABEL = "Sceau"
CARRIED_KEY = "controle"
FORMAT_VERSION = 1
# The wording itself stays in the visible sheet: its fingerprint is what is compared.
# The line that pays an unpriced requirement is shown to the bidder, not checked: not carried.
# What a written answer serves is carried: an empty contract information makes the offer
# irregular, an empty scored answer does not, and the self-check must find what the buyer's
# check finds (grids written before carry none: an empty written answer is then to be fixed).
_NOT_CARRIED = ("text", "question", "priced_in")
# Carried by the grids written before: a per-requirement « weight » that nothing scored (the
# award criteria of the RC or the letter are the only scoring), read and dropped.
_DROPPED = ("weight",)
_HEADER_FIELDS = ("reference", "buyer", "catalog_version", "target_level", "profile")
_BLOCK_LABELS = frozenset(fold(label) for label in (MARKER, LINE_LABEL, SEAL_LABEL))
_LINE_FOLDED = fold(LINE_LABEL)
_SEAL_FOLDED = fold(SEAL_LABEL)
_FIX = "téléchargez à nouveau le cadre de réponse du DCE et reportez-y vos réponses"


def carried_lines(grid: Grid) -> list[str]:
    """The header line and one line per requirement, as the grid carries them."""
    header: dict[str, Any] = {"webpass": FORMAT_VERSION}
    header.update({name: getattr(grid, name) for name in _HEADER_FIELDS})
    header["launch_date"] = grid.launch_date.isoformat()
    header["rows"] = len(grid.rows)
    header["pieces"] = grid.pieces.value
    lines = [_line(header)]
    for row in grid.rows:
        record = dataclasses.asdict(row)
        for name in _NOT_CARRIED:
            record.pop(name)
        record["minimum"] = _carried_minimum(row.minimum)
        lines.append(_line(record))
    return lines


def _carried_minimum(minimum: Decimal | None) -> int | str | None:
    """A whole minimum as the integer earlier grids carried; a decimal one (99.5) as text, which
    JSON keeps exact."""
    if minimum is None:
        return None
    return int(minimum) if minimum == minimum.to_integral_value() else f"{minimum:f}"


def seal(lines: Sequence[str]) -> str:
    """The digest of the carried lines, as written after them."""
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("ascii", "replace")).hexdigest()


def carried_rows(grid: Grid) -> list[tuple[str, str]]:
    """The (label, value) rows written into a sheet or a CSV: marker, lines, seal."""
    lines = carried_lines(grid)
    return [
        (MARKER, f"{MARKER_NOTE} {_NOT_SCORED.format(rules=grid.pieces.consultation_rules)}"),
        *((LINE_LABEL, line) for line in lines),
        (SEAL_LABEL, seal(lines)),
    ]


def opens_block(label: str) -> bool:
    """Whether a first cell belongs to the carried block (its marker, a line or the seal)."""
    return fold(label) in _BLOCK_LABELS


def read_carried(pairs: Sequence[tuple[str, str]], source: str, where: str) -> Grid | None:
    """The reference grid carried by ``pairs`` (first two cells of each row), checked against its seal.

    Returns None when the file carries no block at all (a grid exported before the block
    existed, or a sheet a bidder deleted): the caller says the self-check is then incomplete.

    Raises:
        UnreadableFileError: a block that was altered, truncated or mangled.
    """
    if not any(opens_block(label) for label, _ in pairs):
        return None
    lines: list[str] = []
    found_seal: str | None = None
    for label, value in pairs:
        folded = fold(label)
        if folded == _LINE_FOLDED:
            lines.append(value.strip())
        elif folded == _SEAL_FOLDED:
            found_seal = value.strip()
    if not lines or found_seal != seal(lines):
        raise _altered(source, where, "le sceau ne correspond plus aux lignes de contrôle")
    try:
        return _parsed(tuple(lines))
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise _altered(source, where, f"lignes de contrôle illisibles ({exc})") from exc


def self_check_notice(grid_file: str) -> list[str]:
    """The lines of the DCE's LISEZ-MOI that tell bidders how to check their offer themselves."""
    # Informative only: a rule on the grid belongs to the letter or the RC, and bidders do not
    # have to own webpass.
    return [
        "Facultatif : si vous utilisez l'outil libre webpass, vous pouvez vérifier votre offre avant",
        f"de la déposer avec la commande « webpass verifier {grid_file} » (le cadre de réponse",
        "rempli, tel que vous le déposerez ; le cadre porte dans son onglet masqué « Dossier » la",
        "liste des exigences attendues). Elle signale, comme la vérification de l'acheteur, une ligne",
        "supprimée, un prix manquant, une réponse absente ou un texte modifié.",
    ]


def structured_block(grid: Grid) -> dict[str, Any]:
    """The block of the YAML and JSON grids: the lines and their seal."""
    lines = carried_lines(grid)
    return {"lignes": lines, "sceau": seal(lines)}


def structured_pairs(block: Any) -> list[tuple[str, str]]:
    """The (label, value) pairs of a YAML or JSON ``controle`` block, for :func:`read_carried`."""
    if not isinstance(block, dict):
        return [(MARKER, "")] if block is not None else []
    lines = block.get("lignes")
    pairs = [(MARKER, "")]
    if isinstance(lines, list):
        pairs += [(LINE_LABEL, line if isinstance(line, str) else "") for line in lines]
    pairs.append((SEAL_LABEL, str(block.get("sceau", ""))))
    return pairs


def _line(record: dict[str, Any]) -> str:
    # A quantity of years of service is a Decimal (3.4): carried as its exact text.
    return json.dumps(
        record, ensure_ascii=True, sort_keys=True, separators=(",", ":"), default=_exact
    )


def _exact(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} n'est pas une donnée de contrôle")


# The grids of one consultation carry the same reference: parsed once per process (the seal
# is checked on every grid before). A Grid is immutable; lru_cache is safe across threads.
@functools.lru_cache(maxsize=32)
def _parsed(lines: tuple[str, ...]) -> Grid:
    return _grid(list(lines))


def _grid(lines: list[str]) -> Grid:
    header = json.loads(lines[0])
    if not isinstance(header, dict) or header.get("webpass") != FORMAT_VERSION:
        raise ValueError("version du cadre inconnue")
    records = [json.loads(line) for line in lines[1:]]
    if header["rows"] != len(records) or not all(isinstance(r, dict) for r in records):
        raise ValueError("nombre de lignes")
    for record in records:
        for name in _DROPPED:
            record.pop(name, None)
        if record.get("minimum") is not None:
            record["minimum"] = Decimal(str(record["minimum"]))
        if isinstance(record.get("quantity"), str):
            record["quantity"] = Decimal(record["quantity"])
    rows = tuple(GridRow(**record, text="", question="") for record in records)
    return Grid(
        **{name: header[name] for name in _HEADER_FIELDS},
        launch_date=dt.date.fromisoformat(header["launch_date"]),
        rows=rows,
        # Grids written before the pieces were named carry none: they named the DPGF and BPU.
        pieces=PricePieces(header.get("pieces", PricePieces.SCHEDULE.value)),
    )


def _altered(source: str, where: str, detail: str) -> UnreadableFileError:
    return UnreadableFileError(
        source,
        f"{where} : les données de contrôle du cadre de réponse ont été modifiées ({detail}) ; "
        f"webpass ne vérifie pas une offre d'après une référence altérée : {_FIX}.",
    )
