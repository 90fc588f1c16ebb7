"""Who may issue purchase orders, and who keeps the count against the maximum.

The maximum of a framework agreement binds every issuer together: once reached, the agreement
has no more effect (CJEU, 17 June 2021, Simonsen & Weil, C-23/20). In a groupement de
commandes each member may order for itself, so the pieces say that the maximum is shared, who
keeps the register and when an order may be issued. The CCAP, the RC and the convention print
this sentence word for word (``Fact.ORDER_RULE``); the acte d'engagement states what the
contract amount is, the estimated quantities of orders being outside it.
"""

from __future__ import annotations

from webpass.documents.terms import DceTerms

__all__ = ["contract_amount_rule", "order_rule"]


def order_rule(terms: DceTerms) -> str:
    """Who issues the purchase orders and who checks them against the maximum, in French."""
    if not terms.joint_purchasing:
        return (
            "L'acheteur émet les bons de commande et tient le compte de leur montant cumulé, qui ne "
            "peut pas dépasser le montant maximum."
        )
    return (
        "Chaque membre du groupement peut émettre des bons de commande ; le montant maximum est "
        "commun à tous les membres et n'est pas réparti entre eux. Le coordonnateur tient le "
        "registre des bons de commande émis par chaque membre : avant d'émettre un bon de "
        "commande, le membre lui fait vérifier que le montant cumulé des bons émis, celui-ci "
        "compris, ne dépasse pas le maximum, et lui en adresse copie. Une fois le maximum atteint, "
        "aucun bon de commande n'est plus émis."
    )


def contract_amount_rule() -> str:
    """What the contract amount is when part of the contract is bought on order, in French.

    The estimated quantities of orders only serve to compare the offers: they do not bind the
    buyer, so they are no base for the advance nor for the cap on penalties.
    """
    return (
        "Le détail quantitatif estimatif des bons de commande sert au seul jugement des offres et "
        "n'engage pas l'acheteur : il n'entre pas dans le montant du marché. Le montant du marché, "
        "assiette de l'avance et du plafond des pénalités, est celui de sa partie ferme (offre de "
        "base hors bons de commande et PSE retenues) ; les bons de commande sont payés en sus, "
        "dans la limite du montant maximum."
    )
