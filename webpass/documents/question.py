"""The question the response grid asks about a requirement: the CCTP's terms, never more.

The grid is a contractual piece. A question that restates a clause in other words drifts from
it (another figure, a deadline the CCTP does not set, a duty it only wishes), so a conformity
question is derived from how the CCTP asks the requirement and points at its printed text; a
number or text question comes from the catalogue, whose test holds it to the printed text.
"""

from __future__ import annotations

from webpass.catalog.model import AnswerKind, Demand, Item
from webpass.selection.engine import SelectedItem

__all__ = ["conformity_question", "grid_question"]

_TEXT = "au texte de l’exigence tel que le CCTP le publie"


def conformity_question(selected: SelectedItem | None) -> str:
    """What the bidder declares for a conformity item, by how the CCTP asks for it."""
    if selected is None or selected.demand is Demand.REQUIRED:
        return f"Le candidat déclare si son offre est conforme {_TEXT}."
    if selected.demand is Demand.DESIRED:
        return (
            f"Le candidat indique si son offre répond {_TEXT} ; l’exigence est souhaitée : "
            "la réponse est appréciée dans la valeur technique, sans être imposée."
        )
    if selected.on_order:
        return (
            "Le candidat déclare si les prestations commandées sur cette ligne sont conformes "
            f"{_TEXT}."
        )
    return (
        "Le candidat déclare si son offre pour cette prestation supplémentaire éventuelle "
        f"est conforme {_TEXT}."
    )


def grid_question(item: Item, selected: SelectedItem | None) -> str:
    """The « Réponse attendue » of ``item`` in this dossier, before French typography."""
    if item.answer.kind is AnswerKind.CONFORMITY or item.answer.question is None:
        return conformity_question(selected)
    return item.answer.question
