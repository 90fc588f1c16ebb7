"""The analyst's marks: what a grid cannot judge (methodology, accessibility approach…).

A YAML file (``notes.yaml``) or a spreadsheet (XLSX or CSV) gives, for each offer and each
criterion the analyst judges (nature ``note_analyste`` or ``environnement``), a mark on a scale
(10 by default) and a short comment that the RAO quotes as the justification::

    bareme: 10
    offres:
      Exemple Libre SCOP (fictif):
        Méthodologie: {note: 8, commentaire: Planning détaillé par commune, recette en deux temps.}
        Accessibilité: 7.5

An offer is named by its « Raison sociale » or its file name; a criterion by its name in the
``criteres`` block (case, accents and spaces ignored). A name that matches no offer given to the
comparison is an error (a typo would otherwise silently cost a bidder its mark); a mark for an
offer found irregular is simply unused. In a spreadsheet, one row per mark with
the columns Offre, Critère, Note and, optionally, Commentaire and Barème.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Field, Tag

from webpass.core.errors import InputError, Problem, UnreadableFileError, ValidationFailed
from webpass.core.money import AmountError, parse_amount
from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import read_located, validate_located

__all__ = ["AnalystNotes", "Mark", "NotesFile", "load_notes", "parse_mark"]

DEFAULT_SCALE = 10


def parse_mark(value: object) -> Decimal:
    """A mark as typed: ``8``, ``7.5``, ``"7,5"``; refuses booleans, NaN and negatives.

    Raises:
        ValueError: with a French message.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("une note est attendue : un nombre, par exemple 7 ou 7,5")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"« {value} » n'est pas une note")
        value = repr(value)
    if not isinstance(value, int | str | Decimal):
        raise ValueError("une note est attendue : un nombre, par exemple 7 ou 7,5")
    text = str(value).strip()
    if text.startswith("-"):
        raise ValueError(f"la note « {text} » est négative : une note va de 0 au barème")
    try:
        return parse_amount(value if not isinstance(value, str) else text, what="note")
    except AmountError:
        raise ValueError(
            f"« {text} » n'est pas une note lisible ; écrivez un nombre, par exemple 7 ou 7,5"
        ) from None


MarkValue = Annotated[Decimal, BeforeValidator(parse_mark)]


class MarkEntry(StrictModel):
    """A mark with its comment."""

    mark: MarkValue = Field(alias="note", description="Note, de 0 au barème.")
    comment: str | None = Field(
        None,
        alias="commentaire",
        max_length=2000,
        description="Appréciation motivée, reprise dans le rapport d'analyse des offres.",
    )


def _shape(value: Any) -> str:
    return "[bloc]" if isinstance(value, dict) else "[note]"


# The tags contain « [ » so that error locations skip them (see webpass.core.validation._clean_loc).
MarkOrEntry = Annotated[
    Annotated[MarkEntry, Tag("[bloc]")] | Annotated[MarkValue, Tag("[note]")],
    Discriminator(_shape),
]


class NotesFile(StrictModel):
    """The analyst's notes file (``notes.yaml``)."""

    scale: int = Field(
        DEFAULT_SCALE, alias="bareme", ge=1, le=100, description="Note maximale (10 par défaut)."
    )
    offers: dict[str, dict[str, MarkOrEntry]] = Field(
        alias="offres",
        description="Par offre (raison sociale ou nom du fichier), les notes par critère ou sous-critère.",
    )


register("notes.schema.json", NotesFile)


@dataclass(frozen=True)
class Mark:
    """One mark of the analyst.

    Attributes:
        offer: the offer as the file names it.
        criterion: the criterion as the file names it.
        value: the mark.
        scale: the highest mark possible.
        comment: the analyst's comment (may be empty).
        file: the notes file.
        line: where the mark stands in it.
        where: a field path or a column, for messages.
    """

    offer: str
    criterion: str
    value: Decimal
    scale: Decimal
    comment: str
    file: str
    line: int | None
    where: str = ""

    @property
    def fraction(self) -> Decimal:
        """The mark as a share of the scale, from 0 to 1."""
        return self.value / self.scale

    def problem(self, message: str) -> Problem:
        """A problem located at this mark."""
        return Problem(self.file, self.line, None, message, where=self.where)


@dataclass(frozen=True)
class AnalystNotes:
    """Every mark of a notes file."""

    source: str
    marks: tuple[Mark, ...]


def load_notes(path: Path) -> AnalystNotes:
    """Read a notes file (.yaml/.yml, .xlsx or .csv); every problem is reported at once.

    Raises:
        ValidationFailed: marks out of range, unreadable or missing values.
        UnreadableFileError: the file cannot be read safely (exit code 2).
    """
    if not path.is_file():
        raise InputError(f"{path} introuvable : indiquez le fichier des notes de l'analyste.")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _load_yaml(path)
    if suffix in (".xlsx", ".xlsm", ".csv"):
        return _load_table(path)
    raise UnreadableFileError(
        path, "format non reconnu : un fichier de notes .yaml, .xlsx ou .csv est attendu."
    )


def _load_yaml(path: Path) -> AnalystNotes:
    located = read_located(path, summary=f"{path} : notes illisibles")
    notes, problems = validate_located(NotesFile, located)
    if notes is None:
        raise ValidationFailed(problems, summary=f"{path} : notes à corriger")
    marks: list[Mark] = []
    scale = Decimal(notes.scale)
    for offer, criteria in notes.offers.items():
        for criterion, given in criteria.items():
            entry = (
                given if isinstance(given, MarkEntry) else MarkEntry.model_validate({"note": given})
            )
            place = ("offres", offer, criterion)
            line, _ = located.locate(place)
            mark = Mark(
                offer,
                criterion,
                entry.mark,
                scale,
                (entry.comment or "").strip(),
                str(path),
                line,
                f"offres.{offer}.{criterion}",
            )
            if mark.value > scale:
                problems.append(
                    mark.problem(f"la note {mark.value} dépasse le barème ({notes.scale}).")
                )
            marks.append(mark)
    if problems:
        raise ValidationFailed(problems, summary=f"{path} : notes à corriger")
    return AnalystNotes(str(path), tuple(marks))


_COLUMNS = {
    "offer": ["Offre", "Candidat", "Raison sociale", "Soumissionnaire"],
    "criterion": ["Critère", "Sous-critère", "Critere"],
    "mark": ["Note"],
    "comment": ["Commentaire", "Appréciation", "Justification"],
    "scale": ["Barème", "Note maximale", "Sur"],
}


def _load_table(path: Path) -> AnalystNotes:
    from webpass.untrusted.spreadsheet import read_table

    table = read_table(path, columns=_COLUMNS, optional=("comment", "scale"))
    marks: list[Mark] = []
    problems: list[Problem] = []
    for row in table.rows:
        offer = table.value(row, "offer")
        criterion = table.value(row, "criterion")
        raw = table.value(row, "mark")
        if not (offer or criterion or raw):
            continue
        where = f"ligne {row.line}"
        if not offer or not criterion:
            problems.append(
                Problem(table.source, row.line, None, "indiquez l'offre et le critère.", where)
            )
            continue
        try:
            value = parse_mark(raw)
            scale_text = table.value(row, "scale")
            scale = parse_mark(scale_text) if scale_text else Decimal(DEFAULT_SCALE)
        except ValueError as exc:
            problems.append(Problem(table.source, row.line, None, str(exc), where))
            continue
        if scale == 0:
            problems.append(Problem(table.source, row.line, None, "le barème vaut 0.", where))
            continue
        mark = Mark(
            offer,
            criterion,
            value,
            scale,
            table.value(row, "comment"),
            table.source,
            row.line,
            where,
        )
        if value > scale:
            problems.append(mark.problem(f"la note {value} dépasse le barème ({scale})."))
        marks.append(mark)
    if problems:
        raise ValidationFailed(problems, summary=f"{table.source} : notes à corriger")
    return AnalystNotes(table.source, tuple(marks))
