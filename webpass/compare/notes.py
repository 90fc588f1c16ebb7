"""The analyst's marks: a level of the RC's scale and its reason, per offer and sub-criterion.

A YAML file (``notes.yaml``) or a spreadsheet (XLSX or CSV) gives, for each offer and each
sub-criterion judged on the mémoire technique (nature ``note_analyste`` or ``environnement``), a
*level* of the scale announced in the règlement de la consultation (0 to 5 by default) and the
reason for it, which the RAO quotes::

    offres:
      Exemple Libre SCOP (fictif):
        Méthodologie et planning:
          note: 4
          commentaire: Planning en trois vagues, recette en deux temps avec un jeu d'essai par téléservice.

An offer is named by its « Raison sociale » or its file name; a sub-criterion by its name in the
``criteres`` block (case, accents and spaces ignored). A mark without a reason is refused here,
with its line; a mark outside the scale, a name that matches no offer or no sub-criterion, are
refused when the notes meet the criteria (:func:`webpass.compare.scoring.resolve_marks`), with
their line too: a typo would otherwise silently cost a bidder its mark. A mark for an offer
found irregular is simply unused. In a spreadsheet, one row per mark with the columns Offre,
Critère, Note, Commentaire and, optionally, Barème (the top level, checked against the RC's).

A mémoire technique may contradict a requirement the response grid declares « Conforme » (two
hours of training where the CCTP asks for two half-days on site): the two pieces of the offer
disagree, and the offer does not meet the requirement, so it is irregular (article R2152-1),
not marked low. An offer may also give incompletely the information the contract needs (the
« renseignements du marché » of the grid): irregular too. The YAML file says so under
``irregularites``, per offer, with the requirement, the nature of the finding and the reason,
which the RAO's article on the irregular offers quotes::

    irregularites:
      Studio Web Trégor EURL (fictif):
        - exigence: L03
          nature: contradiction
          motif: Le mémoire prévoit deux heures de formation à distance ; L03 exige deux
            demi-journées dans les locaux de la mairie.

The absence of a scored answer is no irregularity: the letter and the RC score the
sub-criterion without it, so the comparison refuses a « renseignement_manquant » on any line that
is not a contract information (:func:`webpass.compare.scoring.resolve_irregularities`).

The analyst also records, per offer, under ``verifications``, that the contract information was
checked against the text of each requirement (``renseignements_verifies``, with what was seen,
requirement by requirement, under ``constat``), and the total of the signed price piece
(``total_signe``: the quote form, or the DPGF-BPU), whose prices prevail over the grid's. No
award is proposed while a ranked offer's information is not recorded as checked, nor while one
of its contract information has no constat: the RAO says « complets » of what the analyst wrote
he saw, requirement by requirement, never of a list he did not go through (22:25 reading, B1)::

    verifications:
      Exemple Libre SCOP (fictif):
        renseignements_verifies: true
        constat:
          G01: Cité Libre 5.2 sous licence GPL-3.0-or-later, trois communes utilisatrices ; …
          H01: Hébergement Armorique SAS (fictif), centres de données à Rennes et à Nantes.
        total_signe: 21060.00

``webpass comparer`` also reads, in each ranked offer's G12 answer, the end-of-support dates and
stops the award while one falls before the dossier's limit (the 24 months after the targeted
going online) and the analyst has recorded no decision on it (00:20 reading, N1). The date is
read from prose and can be misread, so the decision is the analyst's, per offer and requirement,
under ``lectures``: ``lecture_erronee`` with what the offer really says, which the RAO quotes,
lifts the stop; ``irreguliere`` sets the offer aside as ``irregularites`` does.
``lecture_erronee`` is for webpass's misreading only: a date the bidder itself wrote wrongly
calls for a request for clarification that does not change the offer, failing which
``irreguliere`` (rev7 reading, 5)::

    verifications:
      Coopérative des Communs Numériques (fictif):
        lectures:
          G12:
            statut: lecture_erronee
            motif: La réponse donne PHP 8.5 jusqu'au 31 décembre 2029 ; la date lue est celle
              de PHP 8.4, que l'offre ne livre pas.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Discriminator, Field, Strict, StringConstraints, Tag

from webpass.core.empty import empty_dict
from webpass.core.errors import InputError, Problem, UnreadableFileError, ValidationFailed
from webpass.core.frozen_record import frozen_record
from webpass.core.money import AmountError, parse_amount, round_cent
from webpass.core.schema import register
from webpass.core.strict_model import StrictModel
from webpass.core.validation import read_located, validate_located

if TYPE_CHECKING:
    from webpass.untrusted.safe_yaml import Located

__all__ = [
    "AnalystNotes",
    "Finding",
    "IrregularityNature",
    "Mark",
    "NotedCheck",
    "NotedIrregularity",
    "NotesFile",
    "OfferCheck",
    "OfferContradiction",
    "ReadingStatus",
    "SupportReading",
    "load_notes",
    "parse_mark",
]


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


def _total(value: object) -> Decimal:
    """A total as typed (``21060``, ``"21 060,00 €"``), to the cent.

    Raises:
        ValueError: with a French message.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("un montant HT est attendu, par exemple 21 060,00")
    if isinstance(value, float):
        value = repr(value)
    try:
        return round_cent(parse_amount(value, what="total"))
    except AmountError as exc:
        raise ValueError(exc.message) from None


TotalValue = Annotated[Decimal, BeforeValidator(_total)]


class MarkEntry(StrictModel):
    """A mark with its reason."""

    mark: MarkValue = Field(
        alias="note",
        description="Niveau du barème du règlement de la consultation (0 à 5 par défaut).",
    )
    comment: str | None = Field(
        None,
        alias="commentaire",
        max_length=2000,
        description="Motif de la note (obligatoire), repris dans le rapport d'analyse des offres.",
    )


def _shape(value: Any) -> str:
    return "[bloc]" if isinstance(value, dict) else "[note]"


# The tags contain « [ » so that error locations skip them (see webpass.core.validation._clean_loc).
MarkOrEntry = Annotated[
    Annotated[MarkEntry, Tag("[bloc]")] | Annotated[MarkValue, Tag("[note]")],
    Discriminator(_shape),
]


class IrregularityNature(StrEnum):
    """What the analyst found against a requirement."""

    CONTRADICTION = "contradiction"
    MISSING_INFORMATION = "renseignement_manquant"


class OfferContradiction(StrictModel):
    """A requirement the offer does not meet although its grid declares it, and how."""

    item: str = Field(
        alias="exigence",
        pattern=r"^[A-Z][0-9]{2}$",
        description="Identifiant de l'exigence du CCTP en cause (par exemple L03).",
    )
    nature: Annotated[IrregularityNature, Strict(False)] = Field(
        description="« contradiction » : le mémoire technique ou le cadre dit le contraire de "
        "l'exigence (une valeur, un engagement contraire) ; « renseignement_manquant » : un "
        "renseignement du marché (colonne « Sous-critère noté » : « Non noté : renseignement du "
        "marché ») manque ou est incomplet au regard du texte de l'exigence. L'absence d'une "
        "réponse notée n'est pas une irrégularité : elle se traite dans la note du sous-critère.",
    )
    reason: str = Field(
        alias="motif",
        min_length=1,
        max_length=2000,
        description="Ce que dit le mémoire technique et ce qu'exige le CCTP, repris dans le "
        "rapport d'analyse des offres.",
    )


def _by_requirement(value: object) -> object:
    """A constat is written requirement by requirement: one text can claim a list it never
    went through.

    Raises:
        ValueError: with a French message.
    """
    if isinstance(value, str):
        raise ValueError(
            "le constat s'écrit exigence par exigence, une entrée par renseignement du marché "
            "vérifié (par exemple « G01: Cité Libre 5.2 sous licence GPL-3.0-or-later, … » puis "
            "« H01: … » à la ligne) : le rapport ne dit complets que les renseignements dont le "
            "constat est écrit."
        )
    return value


RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}$")]
FindingText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
]


class ReadingStatus(StrEnum):
    """The analyst's decision on an end of support webpass read before the dossier's limit."""

    MISREAD = "lecture_erronee"
    IRREGULAR = "irreguliere"


class ReadingDecision(StrictModel):
    """The analyst's decision on the dates webpass read in one requirement's answer."""

    status: Annotated[ReadingStatus, Strict(False)] = Field(
        alias="statut",
        description="« lecture_erronee » : webpass a mal lu, la date lue n'est pas ce que dit "
        "l'offre (le motif dit ce qu'elle dit vraiment) ; ce statut ne sert qu'à une erreur de "
        "lecture de webpass. « irreguliere » : la date est bien celle de l'offre, qui ne respecte "
        "pas l'exigence et est écartée (article R2152-1 du Code de la commande publique). Si "
        "l'offre elle-même écrit une date manifestement erronée, l'acheteur peut demander une "
        "précision qui ne modifie pas l'offre ; à défaut, « irreguliere ».",
    )
    reason: FindingText = Field(
        alias="motif",
        description="Ce que l'offre dit vraiment (lecture erronée), ou pourquoi elle est "
        "irrégulière ; repris dans le rapport d'analyse des offres.",
    )


class OfferCheck(StrictModel):
    """What the analyst checked on one offer before the award."""

    information_checked: bool = Field(
        False,
        alias="renseignements_verifies",
        description="L'analyste a vérifié que les renseignements du marché de l'offre (lignes "
        "« Non noté : renseignement du marché » du cadre) sont complets au regard du texte de "
        "chaque exigence. Aucun attributaire n'est proposé tant qu'une offre classée ne l'a pas.",
    )
    findings: Annotated[dict[RequirementId, FindingText], BeforeValidator(_by_requirement)] = Field(
        default_factory=empty_dict,
        alias="constat",
        description="Par exigence (G01, G12, H01…), ce que l'analyste a constaté dans "
        "l'offre au regard de son texte, repris dans le rapport d'analyse des offres. Le "
        "rapport ne dit complets que les renseignements dont le constat est écrit : aucun "
        "attributaire n'est proposé tant qu'un renseignement du marché d'une offre classée "
        "n'a pas le sien.",
    )
    signed_total: TotalValue | None = Field(
        None,
        alias="total_signe",
        description="Total HT de la pièce de prix qui prévaut, relevé par l'analyste : formulaire "
        "de devis signé, ou DPGF-BPU de l'acte d'engagement. Un écart avec le cadre de réponse "
        "est signalé ; sans PSE, le prix noté est ce total.",
    )
    readings: dict[RequirementId, ReadingDecision] = Field(
        default_factory=empty_dict,
        alias="lectures",
        description="Par exigence dont webpass lit les dates (G12 : fins de support de sécurité), "
        "la décision de l'analyste quand une date lue tombe avant la limite du dossier : aucun "
        "attributaire n'est proposé tant qu'une offre classée a une telle date sans décision.",
    )


class NotesFile(StrictModel):
    """The analyst's notes file (``notes.yaml``)."""

    scale: int | None = Field(
        None,
        alias="bareme",
        ge=1,
        le=10,
        description="Note maximale, facultative : si elle est donnée, elle doit être celle du barème "
        "du règlement de la consultation (5 par défaut).",
    )
    offers: dict[str, dict[str, MarkOrEntry]] = Field(
        alias="offres",
        description="Par offre (raison sociale ou nom du fichier), les notes par critère ou sous-critère.",
    )
    irregular: dict[str, list[OfferContradiction]] = Field(
        default_factory=empty_dict,
        alias="irregularites",
        description="Par offre, les exigences du CCTP que son mémoire technique contredit : "
        "l'offre est irrégulière (article R2152-1 du Code de la commande publique) et écartée "
        "sans être notée.",
    )
    checks: dict[str, OfferCheck] = Field(
        default_factory=empty_dict,
        alias="verifications",
        description="Par offre, les vérifications de l'analyste avant l'attribution : "
        "renseignements du marché et total de la pièce de prix signée.",
    )


register("notes.schema.json", NotesFile)


@frozen_record
class Mark:
    """One mark of the analyst.

    Attributes:
        offer: the offer as the file names it.
        criterion: the criterion as the file names it.
        value: the mark, a level of the scale once checked.
        scale: the top level the file declares, if any (checked against the RC's).
        comment: the analyst's reason (never empty once loaded).
        file: the notes file.
        line: where the mark stands in it.
        where: a field path or a column, for messages.
    """

    offer: str
    criterion: str
    value: Decimal
    scale: Decimal | None
    comment: str
    file: str
    line: int | None
    where: str = ""

    def problem(self, message: str) -> Problem:
        """A problem located at this mark."""
        return Problem(self.file, self.line, None, message, where=self.where)


@frozen_record
class NotedIrregularity:
    """A requirement an offer's mémoire contradicts, as the analyst found it.

    Attributes:
        offer: the offer as the file names it.
        item: the requirement's id.
        reason: what the mémoire says against the requirement.
        file: the notes file.
        line: where it stands in it.
    """

    offer: str
    item: str
    reason: str
    file: str
    line: int | None
    nature: IrregularityNature = IrregularityNature.CONTRADICTION

    def problem(self, message: str) -> Problem:
        """A problem located at this finding."""
        return Problem(self.file, self.line, None, message, where=f"irregularites.{self.offer}")


@frozen_record
class Finding:
    """What the analyst saw of one contract information in one offer.

    Attributes:
        item: the requirement's id.
        text: what was seen.
        line: where it stands in the notes file.
    """

    item: str
    text: str
    line: int | None


@frozen_record
class SupportReading:
    """The analyst's decision on the dates webpass read in one requirement's answer.

    Attributes:
        item: the requirement's id (G12).
        status: a misreading, or the offer irregular.
        reason: what the offer really says, or why it is irregular.
        line: where it stands in the notes file.
    """

    item: str
    status: ReadingStatus
    reason: str
    line: int | None


@frozen_record
class NotedCheck:
    """The analyst's checks of one offer (see :class:`OfferCheck`)."""

    offer: str
    information_checked: bool
    findings: tuple[Finding, ...]
    signed_total: Decimal | None
    file: str
    line: int | None
    readings: tuple[SupportReading, ...] = ()

    def problem(self, message: str) -> Problem:
        """A problem located at this record."""
        return Problem(self.file, self.line, None, message, where=f"verifications.{self.offer}")


@frozen_record
class AnalystNotes:
    """Every mark of a notes file, and the offers its analyst found irregular."""

    source: str
    marks: tuple[Mark, ...]
    irregular: tuple[NotedIrregularity, ...] = ()
    checks: tuple[NotedCheck, ...] = ()


def load_notes(path: Path) -> AnalystNotes:
    """Read a notes file (.yaml/.yml, .xlsx or .csv); every problem is reported at once.

    Raises:
        ValidationFailed: unreadable or missing marks, marks without a reason.
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
    scale = Decimal(notes.scale) if notes.scale is not None else None
    for offer, criteria in notes.offers.items():
        for criterion, given in criteria.items():
            entry = (
                given if isinstance(given, MarkEntry) else MarkEntry.model_validate({"note": given})
            )
            line, _ = located.locate(("offres", offer, criterion))
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
            if not mark.comment:
                problems.append(mark.problem(_unreasoned(mark, "commentaire")))
            marks.append(mark)
    if problems:
        raise ValidationFailed(problems, summary=f"{path} : notes à corriger")
    irregular = tuple(
        NotedIrregularity(
            offer,
            found.item,
            found.reason.strip(),
            str(path),
            located.locate(("irregularites", offer, index))[0],
            found.nature,
        )
        for offer, items in notes.irregular.items()
        for index, found in enumerate(items)
    )
    checks = tuple(
        _noted_check(offer, check, located, path) for offer, check in notes.checks.items()
    )
    return AnalystNotes(str(path), tuple(marks), irregular, checks)


def _noted_check(offer: str, check: OfferCheck, located: Located, path: Path) -> NotedCheck:
    """One offer's « verifications », each finding and decision with its line."""
    here = ("verifications", offer)
    return NotedCheck(
        offer,
        check.information_checked,
        tuple(
            Finding(item, text, located.locate((*here, "constat", item))[0])
            for item, text in check.findings.items()
        ),
        check.signed_total,
        str(path),
        located.locate(here)[0],
        tuple(
            SupportReading(
                item, decision.status, decision.reason, located.locate((*here, "lectures", item))[0]
            )
            for item, decision in check.readings.items()
        ),
    )


def _unreasoned(mark: Mark, field: str) -> str:
    return (
        f"la note de « {mark.offer} » pour « {mark.criterion} » n'est pas motivée : écrivez dans "
        f"« {field} » ce qui, dans le mémoire technique, justifie ce niveau (le rapport d'analyse le "
        "reprend et le candidat évincé peut le demander)."
    )


_COLUMNS = {
    "offer": ["Offre", "Candidat", "Raison sociale", "Soumissionnaire"],
    "criterion": ["Critère", "Sous-critère", "Critere"],
    "mark": ["Note"],
    "comment": ["Commentaire", "Appréciation", "Justification"],
    "scale": ["Barème", "Note maximale", "Sur"],
}


def _load_table(path: Path) -> AnalystNotes:
    from webpass.untrusted.spreadsheet import read_table

    table = read_table(path, columns=_COLUMNS, optional=("scale",))
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
            scale = parse_mark(scale_text) if scale_text else None
        except ValueError as exc:
            problems.append(Problem(table.source, row.line, None, str(exc), where))
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
        if not mark.comment:
            problems.append(mark.problem(_unreasoned(mark, "Commentaire")))
        marks.append(mark)
    if problems:
        raise ValidationFailed(problems, summary=f"{table.source} : notes à corriger")
    return AnalystNotes(table.source, tuple(marks))
