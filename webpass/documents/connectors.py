"""Who buys the business software publishers' connectors: one sentence, printed by every clause
that exchanges data with such software (the family portal F03, the exchanges F08).

A publisher's licence or subscription for opening its interface is a contract between the buyer
and its own publisher, at a tariff the bidder cannot know: priced by the bidder, it was claimed
by two price lines at once and left a risk it does not control (review of 1 December 2026, N3).
The contractor develops and maintains the site's side of the exchange, in its prices.
"""

from __future__ import annotations

__all__ = ["connector_rule"]


def connector_rule() -> str:
    """The rule, word for word the same wherever a clause needs it."""
    return (
        "Les licences ou abonnements que l'éditeur d'un logiciel métier facture pour ouvrir "
        "l'interface d'échange de son logiciel sont acquis par la collectivité auprès de cet "
        "éditeur, en dehors du présent marché ; le titulaire développe, documente et maintient "
        "la partie de l'échange qui relève du site, dans le prix de l'exigence qui décrit cet "
        "échange, et n'en refacture aucun coût d'éditeur."
    )
