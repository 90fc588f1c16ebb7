"""The question the response grid asks about a requirement: the CCTP's terms, never more.

The grid is a contractual piece. A question that restates a clause in other words drifts from
it (another figure, a deadline the CCTP does not set, a duty it only wishes), so a conformity
question is derived from how the CCTP asks the requirement and points at its printed text; a
number or text question comes from the catalogue, whose test holds it to the printed text.

A written answer costs the bidder time: the grid asks one where the award scores it (the
sub-criterion the catalogue names, « sert_a », if the dossier's criteria have it) or where the
contract needs the information (the hoster, the sub-processors). Elsewhere it only describes
how a requirement is met, which a conformity declaration already binds: a consultation by quotes,
whose providers answer for a few thousand euros, asks that declaration instead; a procedure with
an RC keeps the description, read to check the offer's regularity, and says it is not scored.
"""

from __future__ import annotations

from enum import StrEnum

from webpass.catalog.information import quoted_in
from webpass.catalog.model import AnswerKind, AnswerUse, Demand, Item
from webpass.compare.award import criteria_of, scored_leaf
from webpass.core.frozen_record import frozen_record
from webpass.dossier.procedure import ProcedureCode
from webpass.selection.engine import SelectedItem, Selection

__all__ = [
    "ALSO_INFORMATION",
    "AskedAnswer",
    "Bidder",
    "asked_answer",
    "bidder_of",
    "conformity_question",
    "contract_information_ids",
    "grid_question",
    "information_asked",
    "is_contract_information",
]

NOT_SCORED = "—"
CONTRACT_INFORMATION = "Non noté : renseignement du marché"
# A scored answer that also gives an information the contract needs (H01: the hoster is
# named, its energy efficiency is scored): the column says both.
ALSO_INFORMATION = ", et renseignement du marché"
DESCRIPTION_ONLY = "Non noté : décrit la conformité"
INFORMATION_ONLY = "Sans réponse : texte de présentation, qui engage comme le reste du CCTP."

_TEXT = "au texte de l’exigence tel que le CCTP le publie"


class Bidder(StrEnum):
    """Who answers: the « candidat » of a procedure with an RC, the « prestataire » asked for a
    quote (a consultation by quotes has no candidates, only providers it asks)."""

    CANDIDATE = "Le candidat"
    PROVIDER = "Le prestataire"


def conformity_question(selected: SelectedItem | None, bidder: Bidder = Bidder.CANDIDATE) -> str:
    """What the bidder declares for a conformity item, by how the CCTP asks for it."""
    if selected is None or selected.demand is Demand.REQUIRED:
        return f"{bidder} déclare si son offre est conforme {_TEXT}."
    if selected.demand is Demand.DESIRED:
        return (
            f"{bidder} indique si son offre répond {_TEXT} ; l’exigence est souhaitée : "
            "la réponse est appréciée dans la valeur technique, sans être imposée."
        )
    if selected.on_order:
        return (
            f"{bidder} déclare si les prestations commandées sur cette ligne sont conformes "
            f"{_TEXT}."
        )
    return (
        f"{bidder} déclare si son offre pour cette prestation supplémentaire éventuelle "
        f"est conforme {_TEXT}."
    )


def grid_question(
    item: Item, selected: SelectedItem | None, bidder: Bidder = Bidder.CANDIDATE
) -> str:
    """The « Réponse attendue » of ``item`` in this dossier, before French typography."""
    if item.answer.kind is AnswerKind.CONFORMITY or item.answer.question is None:
        return conformity_question(selected, bidder)
    return item.answer.question


def bidder_of(selection: Selection) -> Bidder:
    """« Le prestataire » asked for a quote under the dispense threshold, else « le candidat »."""
    if selection.procedure.code is ProcedureCode.EXEMPT:
        return Bidder.PROVIDER
    return Bidder.CANDIDATE


@frozen_record
class AskedAnswer:
    """What the grid asks about an item in this dossier.

    Attributes:
        kind: the answer asked (a written answer may become a conformity declaration).
        question: the « Réponse attendue », before French typography.
        scored: the « Sous-critère noté » column: the sub-criterion the answer feeds, or why
            it is not scored.
    """

    kind: AnswerKind
    question: str
    scored: str


def information_asked(item: Item, selected: SelectedItem | None) -> list[str]:
    """The information the published text of ``item`` asks the offer to give, in its words."""
    text = selected.clause if selected is not None else item.clause
    return quoted_in(item.answer.information, text)


def _information_question(item: Item, phrases: list[str]) -> str:
    """The question of an information requirement: every phrase its text asks, quoted."""
    listed = " ; ".join(f"« {phrase} »" for phrase in phrases)
    if item.answer.use is AnswerUse.CONTRACT:
        return f"Indiquez ce que le texte de l’exigence demande dans l’offre : {listed}."
    return (
        f"{item.answer.question} Renseignements du marché, dont l’absence rend l’offre "
        f"irrégulière : {listed}."
    )


def asked_answer(item: Item, selection: Selection) -> AskedAnswer:
    """The answer the grid asks about ``item`` in ``selection`` (see the module's rule)."""
    selected = selection.selected(item.id)
    bidder = bidder_of(selection)
    kind = item.answer.kind
    if kind is AnswerKind.INFORMATION:
        return AskedAnswer(kind, INFORMATION_ONLY, NOT_SCORED)
    if kind is not AnswerKind.TEXT:
        return AskedAnswer(kind, grid_question(item, selected, bidder), NOT_SCORED)
    use = item.answer.use
    leaf = scored_leaf(criteria_of(selection), use)
    phrases = information_asked(item, selected)
    if phrases:
        question = _information_question(item, phrases)
        scored = CONTRACT_INFORMATION if leaf is None else leaf.name + ALSO_INFORMATION
        return AskedAnswer(kind, question, scored)
    if leaf is not None:
        return AskedAnswer(kind, grid_question(item, selected, bidder), leaf.name)
    if bidder is Bidder.PROVIDER:
        return AskedAnswer(AnswerKind.CONFORMITY, conformity_question(selected, bidder), NOT_SCORED)
    return AskedAnswer(kind, grid_question(item, selected, bidder), DESCRIPTION_ONLY)


def contract_information_ids(selection: Selection) -> list[str]:
    """The requirements whose written answer is information the contract needs (« Non noté :
    renseignement du marché »): an offer without it is irregular, as the letter and the RC
    state and the check finds (:mod:`webpass.grid.check`)."""
    return [
        selected.item.id
        for selected in selection.items
        if is_contract_information(asked_answer(selected.item, selection).scored)
    ]


def is_contract_information(scored: str) -> bool:
    """Whether a « Sous-critère noté » cell marks an information the contract needs: the one
    test of the grid's check, its instructions, the letter and the RC."""
    return scored == CONTRACT_INFORMATION or scored.endswith(ALSO_INFORMATION)
