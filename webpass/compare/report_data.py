"""The JSON form of a comparison: the same data as the RAO, for machines (``comparer --json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webpass.compare.completion import following_json
from webpass.compare.price_scoring import PriceFormula

if TYPE_CHECKING:
    from webpass.compare.scoring import Comparison

__all__ = ["comparison_json"]


def _criteria(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "critere": leaf.label,
            "nature": leaf.nature.value,
            "poids": leaf.weight,
            "description": leaf.description,
        }
        for leaf in comparison.criteria.leaves()
    ]


def _formulas(comparison: Comparison) -> dict[str, Any]:
    return {
        formula.value: [
            {
                "candidat": offer.name,
                "rang": offer.ranks[formula],
                "note_prix": f"{offer.price_scores[formula].points:.2f}",
                "note_totale": f"{offer.total_under(formula):.2f}",
            }
            for offer in comparison.ranking_under(formula)
        ]
        for formula in PriceFormula
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The JSON document of a comparison."""
    selection = comparison.selection
    answers = selection.answers
    winner = comparison.winner
    rule = comparison.pse
    return {
        "dossier": {
            "reference": answers.project.reference,
            "collectivite": answers.collectivity.name,
            "procedure": selection.procedure.name,
            "date_limite_offres": comparison.deadline.isoformat(),
        },
        "criteres": _criteria(comparison),
        "bareme": [
            {"niveau": level.level, "libelle": level.label, "description": level.description}
            for level in comparison.scale
        ],
        "formule_prix": comparison.formula.value,
        "pse": {
            "regle": rule.sentence,
            "decision": rule.mode.value,
            "prevues": list(rule.ids),
            "retenues": list(comparison.retained),
        },
        "regularisation_autorisee": comparison.criteria.regularisation,
        "offres_recues": len(comparison.offers),
        "offres_ecartees": [offer.as_json() for offer in comparison.eliminated],
        "classement": [offer.as_json() for offer in comparison.ranked],
        "classement_a_la_suite": following_json(comparison.completion),
        "formules": _formulas(comparison),
        "effet_formule": comparison.formula_effect,
        "egalites": comparison.ties,
        "provisoire": comparison.provisional,
        "notes_manquantes": comparison.missing_marks,
        # No award is proposed on an offer that may be abnormally low before the exchange.
        "echange_prix_anormalement_bas": None
        if winner is None or not winner.possibly_abnormally_low
        else winner.name,
        "attributaire_propose": None
        if (proposed := comparison.proposed) is None
        else {
            "candidat": proposed.name,
            "note_totale": f"{proposed.total:.2f}",
            "prix_compare": f"{proposed.price:.2f}",
        },
        # Why no award is proposed yet (information not checked, a signed total to reconcile).
        "conditions_attribution": comparison.award_blockers,
        "plan_de_financement_simulation": None
        if comparison.financing is None
        else comparison.financing.as_json(),
        # A groupement's members each pay their share of the proposed offer's investment.
        "investissement_par_membre": [
            {
                "membre": share.name,
                "coordonnateur": share.coordinator,
                "montant": f"{share.amount:.2f}",
            }
            for share in comparison.member_investment
        ],
        "avertissements": comparison.warnings,
    }
