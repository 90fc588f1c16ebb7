"""What the 10 % cap on penalties is measured on: one wording for the CCAP and the convention.

A renewable contract is measured on the periods actually executed: the firm first period, plus
each renewal once it runs. Measured on « the total amount » it would count renewals the buyer may
never decide (finding 8 of the review of 1 December 2026). Estimated purchase orders bind no
one and stay out of it.
"""

from __future__ import annotations

from webpass.documents.terms import DceTerms, PriceKind

__all__ = ["penalty_cap_base", "penalty_cap_derogation"]


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


def penalty_cap_derogation(terms: DceTerms) -> str:
    """How the CCAP's cap departs from the CCAG-TIC's, for the table of derogations.

    The CCAG-TIC caps late penalties at 10 % of the contract's total amount; the CCAP caps
    every penalty it sets, late and service-level alike, and measures a renewable contract on the
    periods executed, a contract with purchase orders on its firm part (small commune M2,
    groupement N8 of the review of 1 December 2026: a derogation the table must recall).
    """
    if terms.renewable:
        base = "la première période ferme et les reconductions exécutées"
    else:
        base = "le montant total hors taxes du marché"
    if terms.on_order:
        base += ", partie ferme seulement, sans les quantités estimées des bons de commande"
    return (
        f"plafond de 10 % calculé sur {base}, et commun à toutes les pénalités du présent CCAP, "
        "de retard et de niveau de service"
    )
