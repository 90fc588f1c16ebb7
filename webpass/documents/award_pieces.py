"""What the bidder declares in its offer and what the selected bidder hands in before the award.

Every contract needs the bidder's sworn statement that it falls under no exclusion (articles
L2141-1 to L2141-5 and L2141-7 to L2141-11 of the Code de la commande publique); the
selected bidder then proves it within a stated time, or its offer is rejected and the next
one asked (R2144-7). From 5,000 € HT the buyer must also obtain the URSSAF vigilance
certificate, then again every six months until the end of the contract (code du travail,
L8222-1 and D8222-5). The letter of a consultation by quotes and the RC state the same list.
"""

from __future__ import annotations

from decimal import Decimal

from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Block
from webpass.documents.writing import entries, para
from webpass.selection.engine import Selection

__all__ = [
    "AWARD_PIECES_DAYS",
    "AWARD_PIECES_TITLE",
    "INSURANCE_PROOF",
    "RC_AWARD_ARTICLE",
    "VIGILANCE_THRESHOLD",
    "award_pieces_blocks",
    "award_reservation",
    "honour_statement",
    "vigilance_due",
    "vigilance_renewal",
]

# Working time a small provider needs to gather certificates it can download.
AWARD_PIECES_DAYS = 10
# Where the letter and the RC list the pieces: the RAO's reservation names that place.
AWARD_PIECES_TITLE = "Pièces à remettre par le prestataire retenu"
RC_AWARD_ARTICLE = "8"
# Code du travail, D8222-5 with R8222-1: the vigilance duty starts at 5,000 € HT.
VIGILANCE_THRESHOLD = Decimal("5000")


# When the insurance is proven: before the notification, with the award pieces, so that no part
# of the build runs uninsured (the CCAP once said « within fifteen days of the notification and
# before any start », while the build starts at the notification; review of 1 December 2026,
# groupement n° 17 and N8). The CCAP states it, the letter or the RC lists the certificate.
INSURANCE_PROOF = "avant la notification du marché, avec les pièces qu'il remet avant l'attribution"


def honour_statement() -> str:
    """The sworn statement the quote form carries (the DC1 or the DUME carries it in an RC)."""
    return (
        "Le prestataire soussigné déclare sur l'honneur n'entrer dans aucun des cas d'exclusion "
        "des articles L2141-1 à L2141-5 et L2141-7 à L2141-11 du Code de la commande publique. "
        "Il en apportera la preuve s'il est retenu, comme l'indique la lettre de consultation."
    )


def vigilance_due(selection: Selection) -> bool:
    """Whether the buyer must obtain the URSSAF vigilance certificate (from 5,000 € HT)."""
    return selection.procedure.amount >= VIGILANCE_THRESHOLD


def vigilance_renewal() -> str:
    """The execution clause of the CCAP: the letter or the RC is no piece of the contract, so the
    six-monthly renewal binds the contractor only if the CCAP states it, with its sanction; and
    the clause every public contract must carry against undeclared work (L8222-6)."""
    return (
        "Le titulaire remet à l'acheteur tous les six mois, jusqu'à la fin du marché, "
        "l'attestation de vigilance prévue aux articles L8222-1 et D8222-5 du code du travail, "
        "délivrée depuis moins de six mois. À défaut, après une mise en demeure restée sans "
        "effet, le marché peut être résilié aux torts du titulaire. Si le titulaire ne "
        "s'acquitte pas des formalités des articles L8221-3 à L8221-5 du même code et ne "
        "régularise pas sa situation après mise en demeure, l'acheteur peut lui appliquer une "
        "pénalité, dans la limite de 10 % du montant du marché et du montant des amendes "
        "encourues, ou rompre le marché sans indemnité, aux frais et risques du titulaire "
        "(article L8222-6 du code du travail)."
    )


def _pieces(selection: Selection) -> list[str]:
    pieces = []
    if vigilance_due(selection):
        pieces.append(
            "l'attestation de vigilance délivrée par l'URSSAF (ou la caisse dont il relève) "
            "depuis moins de six mois (articles L8222-1 et D8222-5 du code du travail), puis de "
            "nouveau tous les six mois jusqu'à la fin du marché (article "
            f"{CcapArticle.PAYMENT.number}.3 du CCAP) ;"
        )
    pieces += [
        "un extrait K-bis, un extrait d'immatriculation au répertoire des métiers ou, à défaut, "
        "l'avis de situation au répertoire SIRENE, de moins de trois mois ;",
        "les certificats attestant qu'il a satisfait à ses obligations fiscales et sociales "
        "(attestations de régularité fiscale et sociale, articles R2143-7 et suivants du Code de "
        "la commande publique) ;",
        "un relevé d'identité bancaire.",
    ]
    return pieces


def award_pieces_blocks(selection: Selection, who: str) -> list[Block]:
    """The pieces ``who`` (« le prestataire retenu », « le candidat pressenti ») hands in, the
    time given and what happens if it does not."""
    return [
        para(
            f"Avant l'attribution du marché, {who} remet dans un délai de {AWARD_PIECES_DAYS} "
            "jours à compter de la demande de l'acheteur :"
        ),
        entries(*_pieces(selection)),
        para(
            "S'il ne les remet pas dans ce délai, ou s'il entre dans un cas d'exclusion, son offre "
            "est rejetée et l'acheteur demande les mêmes pièces au prestataire dont l'offre est "
            "classée immédiatement après la sienne (article R2144-7 du Code de la commande "
            "publique)."
        ),
        para(
            f"Dans le même délai, {who} remet l'attestation d'assurance de responsabilité civile "
            f"que demande l'article {CcapArticle.INSURANCE.number} du CCAP : le marché ne lui est "
            "notifié qu'au vu de cette attestation."
        ),
    ]


def award_reservation(quotes: bool) -> str:
    """The reservation of the RAO's award proposal: every piece the letter or the RC asks of the
    selected bidder, the insurance certificate included, not the tax and social ones alone
    (review of 1 December 2026, M6)."""
    where = (
        f"la lettre de consultation (« {AWARD_PIECES_TITLE} »)"
        if quotes
        else f"le règlement de la consultation (article {RC_AWARD_ARTICLE})"
    )
    return (
        f"sous réserve de la remise, dans les {AWARD_PIECES_DAYS} jours de la demande, des pièces "
        f"énumérées par {where} et de l'attestation d'assurance de l'article "
        f"{CcapArticle.INSURANCE.number} du CCAP (article R2144-7 du Code de la commande publique)"
    )
