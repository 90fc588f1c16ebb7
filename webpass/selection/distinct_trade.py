"""A service of a distinct trade kept in a contract that is not divided into lots.

webpass writes one contract, not divided into lots, and justifies it by the site forming one
whole (article L2113-11 of the Code de la commande publique). That reason does not cover a
service of another trade, such as filming and broadcasting council sessions: a web agency must
subcontract it or give up bidding, and the buyer risks an annulment for not dividing the
purchase (article L2113-10). The catalogue marks such items (``metier_distinct``); the dossier
either leaves them out, to be bought as a separate lot or contract, or states why they stay
(``marche.justification_metier_distinct``). ``webpass selection`` shows the finding as a
warning; ``webpass dce`` refuses the dossier until one or the other is done.
"""

from __future__ import annotations

from webpass.selection.consistency import Finding
from webpass.selection.engine import Selection

__all__ = ["RULE", "distinct_trade_findings", "distinct_trade_reason"]

RULE = "metier-distinct-non-alloti"


def distinct_trade_reason(selection: Selection) -> str | None:
    """The dossier's reason for keeping a distinct trade in this contract, if it gives one."""
    contract = selection.answers.contract
    return contract.distinct_trade_reason if contract is not None else None


def distinct_trade_findings(selection: Selection) -> list[Finding]:
    """One finding per retained item of a distinct trade, unless the dossier justifies keeping it."""
    if distinct_trade_reason(selection):
        return []
    return [
        Finding(
            RULE,
            (selected.item.id,),
            f"{selected.item.id} (« {selected.item.title} ») relève d'un métier distinct "
            f"({selected.item.distinct_trade}) ; le marché n'est pas alloti et sa justification "
            "(le site forme un ensemble indissociable, article L2113-11 du Code de la commande "
            "publique) ne couvre pas cette prestation. Une agence web devrait la sous-traiter ou "
            "renoncer à répondre, et l'absence d'allotissement expose la procédure à l'annulation "
            "(article L2113-10)."
            + (
                " Commandée par bons de commande, elle pèse en outre sur le prix comparé par une "
                "quantité estimée qui n'engage pas l'acheteur."
                if selected.on_order
                else ""
            ),
            f"retirez {selected.item.id} des options retenues (options.retenues) et consultez "
            "cette prestation par un lot séparé ou un autre marché, le site ne gardant que la "
            "publication des vidéos (lecteur, sous-titres) ; ou, si elle doit rester dans ce "
            "marché, écrivez pourquoi dans marche.justification_metier_distinct.",
        )
        for selected in selection.items
        if selected.item.distinct_trade
    ]
