"""Who buys the business software publishers' connectors: one sentence, printed by every clause
that exchanges data with such software (the family portal F03, the exchanges F08).

A publisher's licence or subscription for opening its interface is a contract between the buyer
and its own publisher, at a tariff the bidder cannot know: priced by the bidder, it was claimed
by two price lines at once and left a risk it does not control (review of 1 December 2026, N3).
The contractor develops and maintains the site's side of the exchange, in its prices.
"""

from __future__ import annotations

from webpass.documents.ccap_plan import CcapArticle

__all__ = ["connector_rule"]


def connector_rule(groupement: bool = False) -> str:
    """The rule, word for word the same wherever a clause needs it.

    Who buys the publisher's licence, by when, and what the contractor owes while it lacks: the
    contractor depends on a third party it does not control (groupement review R4). A file
    exchange the software imports on schedule meets « sans double saisie » as an interface
    does; saying so settles whether an offer proposing it is conforming (R4, offer 01).
    """
    buyer = (
        "par le coordonnateur du groupement, pour l'ensemble des membres qui utilisent le logiciel"
        if groupement
        else "par la collectivité"
    )
    return (
        "Les licences ou abonnements que l'éditeur d'un logiciel métier facture pour ouvrir "
        f"l'interface d'échange de son logiciel sont acquis {buyer}, auprès de cet "
        "éditeur, en dehors du présent marché, et mis à la disposition du titulaire au plus "
        "tard à la validation des maquettes ; tant qu'ils ne le sont pas, le délai de l'article "
        f"{CcapArticle.DURATION.number} du CCAP ne court pas pour cet échange et aucune pénalité de retard "
        "n'est due à son titre. Le titulaire développe, documente et maintient "
        "la partie de l'échange qui relève du site, dans le prix de l'exigence qui décrit cet "
        "échange, et n'en refacture aucun coût d'éditeur. Un échange par fichiers que le site "
        "dépose et que le logiciel importe de façon programmée, sans ressaisie par un agent, "
        "satisfait à l'exigence au même titre qu'une interface de programmation."
    )
