"""The articles of the CCAP, in their fixed order, so other pieces can cite them by number.

The plan is the same for the full and the simplified CCAP (the simplified one says less in
each article), so the CCTP's « article 9 du CCAP » stays right whatever the procedure. Clauses
of the catalogue cite an article with ``{{ ccap.penalites }}``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = ["CcapArticle", "ccap_numbers", "contract_context"]


class CcapArticle(StrEnum):
    """One article of the CCAP; the value is the key clauses use (``ccap.prix``)."""

    OBJECT = "objet"
    PIECES = "pieces"
    FORM = "forme"
    DURATION = "duree"
    PRICES = "prix"
    PAYMENT = "paiement"
    ACCEPTANCE = "verification"
    WARRANTY = "garantie"
    PENALTIES = "penalites"
    PROPERTY = "propriete"
    DATA = "donnees"
    SUBCONTRACTING = "sous_traitance"
    INSURANCE = "assurances"
    TERMINATION = "resiliation"
    REVERSIBILITY = "reversibilite"
    DISPUTES = "differends"
    DEROGATIONS = "derogations"

    @property
    def number(self) -> str:
        """« 9 » for the penalties: its rank in the plan."""
        return _NUMBERS[self]

    @property
    def heading(self) -> str:
        """The article's heading."""
        return _TITLES[self]


# Every clause reads the plan's numbers: counted once, not by a walk of the plan per article.
_NUMBERS = {article: str(rank) for rank, article in enumerate(CcapArticle, start=1)}

_TITLES = {
    CcapArticle.OBJECT: "Objet du marché et parties",
    CcapArticle.PIECES: "Pièces constitutives du marché",
    CcapArticle.FORM: "Forme du marché et prestations supplémentaires éventuelles",
    CcapArticle.DURATION: "Durée du marché et délais d'exécution",
    CcapArticle.PRICES: "Prix et variation des prix",
    CcapArticle.PAYMENT: "Avance, facturation et paiement",
    CcapArticle.ACCEPTANCE: "Vérifications et admission",
    CcapArticle.WARRANTY: "Garantie",
    CcapArticle.PENALTIES: "Pénalités",
    CcapArticle.PROPERTY: "Propriété intellectuelle",
    CcapArticle.DATA: "Confidentialité, sécurité et données personnelles",
    CcapArticle.SUBCONTRACTING: "Sous-traitance",
    CcapArticle.INSURANCE: "Assurances",
    CcapArticle.TERMINATION: "Résiliation",
    CcapArticle.REVERSIBILITY: "Réversibilité et fin du marché",
    CcapArticle.DISPUTES: "Droit applicable et règlement des différends",
    CcapArticle.DEROGATIONS: "Dérogations au CCAG-TIC",
}


def ccap_numbers() -> dict[str, str]:
    """``{"penalites": "9", …}``: what clauses get as ``ccap``."""
    return {article.value: article.number for article in CcapArticle}


def _joint_purchasing(selection: Selection) -> bool:
    """A groupement de commandes, whose coordinator buys for its members."""
    from webpass.dossier.answers import BodyType
    from webpass.dossier.contract import ContractTerms, PurchaseSetup

    answers = selection.answers
    return (
        answers.collectivity.body_type is not BodyType.COMMUNE
        and (answers.contract or ContractTerms()).setup is PurchaseSetup.JOINT_PURCHASING
    )


def contract_context(selection: Selection) -> dict[str, dict[str, str]]:
    """What clauses read about the contract: ``ccap.<article>`` and ``marche.*``."""
    from webpass.documents.connectors import connector_rule
    from webpass.documents.homologation import homologation_rule
    from webpass.documents.phases import (
        build_phase,
        changes_route,
        delivery_rule,
        duration_parts,
        first_period_months,
        reversibility_rule,
    )
    from webpass.documents.pieces import cited_pieces
    from webpass.documents.procedure_kind import procedure_kind
    from webpass.documents.pse import pse_rule
    from webpass.documents.support_window import support_rule
    from webpass.documents.takeover import (
        beyond_takeover,
        intercommunal_order,
        page_price_ceiling,
        takeover_ceiling,
    )

    return {
        "ccap": ccap_numbers(),
        "pieces": cited_pieces(procedure_kind(selection)),
        "marche": {
            # Without a PSE the CCTP says nothing of them (the CCAP says it once).
            "regle_pse": pse_rule(selection) if any(s.is_pse for s in selection.items) else "",
            "duree": "".join(
                duration_parts(
                    selection.answers.project.duration_months, first_period_months(selection)
                )
            ),
            "delai_livraison": delivery_rule(selection),
            "fin_realisation": build_phase(selection),
            "reversibilite": reversibility_rule(selection),
            "evolutions": changes_route(selection),
            "connecteurs": connector_rule(_joint_purchasing(selection)),
            "homologation": homologation_rule(
                selection.answers.collectivity.designation, _joint_purchasing(selection)
            ),
            "reprise_plafond": takeover_ceiling(selection),
            "reprise_au_dela": beyond_takeover(selection, _joint_purchasing(selection)),
            "reprise_ordre": intercommunal_order(selection),
            "reprise_pages_plafond": page_price_ceiling(selection, _joint_purchasing(selection)),
            "support_securite": support_rule(selection),
        },
    }
