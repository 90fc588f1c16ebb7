"""Whom the buyer may negotiate with, per procedure kind: one rule for the RC and the RAO.

The RC announces it (article 3, and article 7.1 for irregular offers) and the RAO applies it to
the offers it sets aside, so that the report never leaves an evicted bidder a way the RC closed
(review rev10, § 3). A MAPA reserves a negotiation with the three best offers (R2123-5): only
regular and acceptable offers, or offers that a regularisation (R2152-2) makes so, are ranked
to name them; irregular or unacceptable ones are scored and ranked to complete that number only
when fewer are ranked, and may then become regular at the end of the negotiation if they are not
abnormally low (R2152-1). A consultation by quotes may negotiate with every consulted provider;
an open call for tenders excludes any negotiation (R2161-5).
"""

from __future__ import annotations

from webpass.core.frozen_record import frozen_record
from webpass.documents.procedure_kind import ProcedureKind
from webpass.documents.typography import in_words

__all__ = [
    "NEGOTIATED_OFFERS",
    "NegotiationRule",
    "negotiated_irregular_rule",
    "negotiation_rule",
    "negotiation_texts",
    "open_negotiation_text",
]

NEGOTIATED_OFFERS = 3  # the « trois meilleures offres » of a MAPA's RC (article 3)


@frozen_record
class NegotiationRule:
    """Whether the consultation reserves a negotiation, and with how many offers at most.

    Attributes:
        allowed: the buyer may negotiate.
        limit: the number of best offers admitted to it; ``None``: every bidder consulted.
    """

    allowed: bool
    limit: int | None = None

    @property
    def limit_words(self) -> str:
        """« trois » (the RC's wording of the limit); empty without a limit."""
        return in_words(self.limit, feminine=True) if self.limit is not None else ""

    def closes(self, ranked: int) -> bool:
        """Whether an irregular offer set aside can no longer be admitted to the negotiation:
        the RC limits it to ``limit`` offers and at least that many regular offers are ranked."""
        return self.allowed and self.limit is not None and ranked >= self.limit


def negotiation_rule(kind: ProcedureKind) -> NegotiationRule:
    """The negotiation the consultation documents of this procedure reserve."""
    if kind is ProcedureKind.FORMAL:
        return NegotiationRule(False)
    if kind is ProcedureKind.ADAPTED:
        return NegotiationRule(True, NEGOTIATED_OFFERS)
    return NegotiationRule(True)


def negotiation_texts(rule: NegotiationRule, regularisation: bool) -> list[str]:
    """The RC's article 3 on negotiation: whether the buyer may negotiate, with whom, and which
    offers are ranked to name them; ``regularisation``: article 7.1 lets the buyer regularise."""
    if not rule.allowed:
        return [
            "Les offres ne sont pas négociées : l'acheteur peut seulement demander aux "
            "soumissionnaires de préciser la teneur de leur offre (article R2161-5 du Code de la "
            "commande publique)."
        ]
    if rule.limit is None:
        return [open_negotiation_text(collectivity=False)]
    count = rule.limit_words
    # R2152-2 regularises only « sans négociation »: done before the buyer decides whether to
    # negotiate, it stays within that article (review rev11b, § 1).
    made = (
        ", ou que la régularisation prévue à l'article 7.1 rend telles (régularisation menée "
        "avant que l'acheteur décide s'il négocie),"
        if regularisation
        else ""
    )
    return [
        "L'acheteur peut attribuer le marché sur la base des offres initiales, sans négociation. "
        f"Il se réserve la possibilité de négocier avec les candidats ayant remis les {count} "
        "meilleures offres au regard des critères de l'article 7 (article R2123-5 du Code de la "
        "commande publique).",
        f"Seules les offres régulières et acceptables{made} sont classées pour désigner ces "
        f"{count} meilleures offres. Si moins de {count} offres sont ainsi classées, les offres "
        "irrégulières ou inacceptables sont notées selon les mêmes critères, leur prix étant "
        "noté entre elles seules, et classées à leur suite pour compléter ce nombre ; les offres inappropriées sont éliminées dans tous les "
        "cas (article R2152-1 du Code de la commande publique).",
    ]


def open_negotiation_text(collectivity: bool) -> str:
    """A negotiation open to every consulted provider (a consultation by quotes), in the words
    of the RC (« L'acheteur », its article 7) or of the consultation letter (« La
    collectivité », whose criteria precede): one sentence, so the two never diverge."""
    if collectivity:
        buyer, pronoun, where, initial = "La collectivité", "elle", "", "devis initiaux"
    else:
        buyer, pronoun = "L'acheteur", "il"
        where, initial = " selon les critères de l'article 7", "offres initiales"
    condition = "si elle" if collectivity else "s'il"
    return (
        f"{buyer} peut attribuer le marché sur la base des {initial}, sans négociation, "
        f"ou négocier avec tous les prestataires consultés ; {condition} négocie, {pronoun} juge "
        f"et classe les offres finales{where}."
    )


def negotiated_irregular_rule(rule: NegotiationRule) -> str:
    """The RC's article 7.1 on an irregular offer under negotiation; empty where none is held."""
    if not rule.allowed:
        return ""
    if rule.limit is None:
        return (
            "Si l'acheteur négocie (article 3), les offres irrégulières ou inacceptables peuvent "
            "devenir régulières ou acceptables à l'issue de la négociation, à condition qu'elles "
            "ne soient pas anormalement basses."
        )
    return (
        "Si l'acheteur négocie (article 3), une offre irrégulière ou inacceptable n'y est "
        f"admise que pour compléter le nombre des {rule.limit_words} meilleures offres, lorsque "
        f"moins de {rule.limit_words} offres régulières et acceptables sont classées ; elle peut "
        "alors devenir régulière ou acceptable à l'issue de la négociation, à condition de ne "
        "pas être anormalement basse (article R2152-1 du Code de la commande publique). Elle est "
        "éliminée si elle n'est pas admise à la négociation, si elle ne devient pas régulière "
        "et acceptable à son issue, ou si l'acheteur attribue le marché sans négociation."
    )
