"""The one wording of the rule for prestations supplémentaires éventuelles (PSE).

The CCTP (through ``{{ marche.regle_pse }}``), the RC or the consultation letter, the CCAP and
the acte d'engagement print this sentence word for word; the cross-piece check compares them.
"""

from __future__ import annotations

from webpass.selection.engine import Selection

__all__ = ["pse_rule"]


def pse_rule(selection: Selection) -> str:
    """The rule for the PSE of this selection (or the statement that there is none)."""
    if not any(s.is_pse for s in selection.items):
        return "La consultation ne comporte aucune prestation supplémentaire éventuelle (PSE)."
    return (
        "Le candidat chiffre chaque prestation supplémentaire éventuelle (PSE) sur sa ligne de prix. "
        "L'acheteur décide, au moment de l'attribution et dans la limite de son budget, des PSE qu'il "
        "retient ; les offres sont comparées, pour le prix comme pour la valeur technique, sur la "
        "solution de base augmentée des seules PSE retenues, qui sont désignées dans l'acte "
        "d'engagement du titulaire."
    )
