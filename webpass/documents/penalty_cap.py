"""What the 10 % cap on penalties is measured on: one wording for the CCAP and the convention.

A renewable contract is measured on the periods actually executed: the firm first period, plus
each renewal once it runs. Measured on « the total amount » it would count renewals the buyer may
never decide (finding 8 of the review of 1 December 2026). Estimated purchase orders bind no
one and stay out of it.
"""

from __future__ import annotations

from webpass.documents.terms import DceTerms, PriceKind

__all__ = ["penalty_cap_base"]


def penalty_cap_base(terms: DceTerms) -> str:
    """« du montant hors taxes de la première période ferme (…), augmenté … » — after « 10 % »."""
    if terms.renewable:
        # The firm period's amount spelled out, since no piece gives it as one figure (small
        # commune M1: the lump sum alone, or with the months of service, differ by 20 %).
        units = any(line.kind is PriceKind.UNIT for line in terms.price_lines)
        base = (
            "du montant hors taxes de la première période ferme (prix global et forfaitaire de "
            "la réalisation"
            + (", prix unitaires appliqués aux quantités exécutées" if units else "")
            + " et prix annuels dus pour les mois de service de cette période), augmenté de "
            "celui de chaque reconduction exécutée (prix annuels dus pour ses mois de service)"
        )
    else:
        base = "du montant total hors taxes du marché"
    if terms.on_order:
        base += (
            ", partie ferme seulement : les quantités estimées des bons de commande n'engagent "
            "pas l'acheteur"
        )
    return base
