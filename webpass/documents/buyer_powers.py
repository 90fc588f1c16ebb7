"""Who exercises the buyer's powers in a groupement de commandes.

The convention and the CCAP state the same allocation in the same words, so neither piece can be
read against the other: the coordinator signs, notifies and decides for the whole contract; each
member verifies and admits what it orders or pays for, and bears the penalties on its own payments.
"""

from __future__ import annotations

from webpass.documents.penalty_cap import penalty_cap_base
from webpass.documents.takeover import takeover_validation_power
from webpass.documents.terms import DceTerms

__all__ = ["buyer_powers", "buyer_powers_intro"]


def buyer_powers_intro(coordinator: str) -> str:
    """The sentence that opens the list, the same in the convention and the CCAP."""
    return (
        "Les pouvoirs que le CCAG-TIC et le CCAP confient à l'acheteur sont exercés ainsi, "
        f"{coordinator} étant le coordonnateur :"
    )


def buyer_powers(terms: DceTerms) -> list[str]:
    """One line per power, in the order of the contract's life."""
    orders = " et de chacun de ses bons de commande, qu'il émet lui-même" if terms.on_order else ""
    validation = takeover_validation_power(terms.selection)
    return [
        "le coordonnateur signe et notifie le marché, ses modifications et les décisions qui "
        "s'adressent au titulaire au nom de tous les membres ;",
        "le coordonnateur prononce la vérification d'aptitude et l'admission de la plateforme "
        "commune, du site intercommunal et des prestations communes, après avis des membres ;",
        "chaque membre procède à la vérification et prononce l'admission de son site propre"
        + orders
        + ", et en informe le coordonnateur ;",
        *((validation,) if validation else ()),
        "les pénalités sont appliquées par le coordonnateur, à la demande du membre concerné "
        "lorsqu'elles portent sur son site"
        # Without a part on order, no member has purchase orders to be penalised on.
        + (" ou ses bons de commande" if terms.on_order else "")
        + ", et retenues sur les paiements de ce membre ; celles qui portent sur les prestations "
        "communes sont retenues sur les paiements de chaque membre au prorata de sa part de ces "
        f"prestations ; le plafond des pénalités, 10 % {penalty_cap_base(terms)}, s'apprécie "
        "pour l'ensemble des membres ;",
        "la décision de ne pas reconduire le marché, lorsqu'il est reconductible, et sa "
        "résiliation sont prises par le "
        "coordonnateur après avis de tous les membres ; l'indemnité éventuelle de résiliation est "
        "supportée par les membres selon la répartition du coût des prestations résiliées.",
    ]
