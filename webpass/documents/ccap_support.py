"""What the CCAP's article builders share: the derogations they record and how they cite.

Each builder that departs from the CCAG-TIC records a :class:`Derogation`; the last article of
the CCAP lists them all, as article 1.2 of the CCAG-TIC requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from webpass.core.frozen_record import frozen_record
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.terms import DceTerms

__all__ = ["CcapContext", "Derogation"]


@frozen_record
class Derogation:
    """An article of the CCAG-TIC the CCAP departs from, where and how."""

    ccag: str
    where: CcapArticle
    summary: str


@dataclass
class CcapContext:
    """The terms of the DCE and the derogations found so far."""

    terms: DceTerms
    derogations: list[Derogation] = field(default_factory=list)

    def derogate(self, ccag: str, where: CcapArticle, summary: str) -> str:
        """Record a derogation; return « par dérogation à l'article … du CCAG-TIC »."""
        self.terms.data.article(ccag)
        self.derogations.append(Derogation(ccag, where, summary))
        return "par dérogation " + self.ref("à", ccag)

    def cite(self, ccag: str) -> str:
        """« l'article 32.4 du CCAG-TIC » or « les stipulations du CCAG-TIC relatives à … »."""
        text = self.terms.data.cite(ccag)
        return "l'" + text if text.startswith("article") else text

    def ref(self, preposition: str, ccag: str) -> str:
        """« à l'article 4 du CCAG-TIC », « aux stipulations … », « des stipulations … »."""
        text = self.terms.data.cite(ccag)
        if text.startswith("article"):
            return f"{preposition} l'{text}"
        plural = {"à": "aux", "de": "des"}.get(preposition)
        rest = text.removeprefix("les ")
        return f"{plural} {rest}" if plural else f"{preposition} {text}"

    def source(self, ccag: str) -> str:
        """For a parenthesis: « article 4 du CCAG-TIC »."""
        return self.terms.data.cite(ccag)

    def requirement(self, item_id: str, article: bool = True) -> str | None:
        """« l'exigence M02 du CCTP » (« exigence M02 du CCTP » for a parenthesis, ``article``
        False) when that requirement is in the CCTP, else None."""
        if item_id in self.terms.selection.ids:
            reference = f"exigence {item_id} du CCTP"
            return f"l'{reference}" if article else reference
        return None

    @staticmethod
    def ccap(article: CcapArticle) -> str:
        """« l'article 9 du présent CCAP »."""
        return f"l'article {article.number} du présent CCAP"

    def availability_floor(self) -> str:
        """« au taux de 97,5 % fixé par l'exigence H02 du CCTP »: the one rate the penalties and
        the termination read, the CCTP's, never a rate the offer might state."""
        requirement = self.requirement("H02")
        if requirement is None:
            return "au taux de disponibilité fixé par le CCTP"
        rate = self.terms.values("H02").get("taux_disponibilite")
        return f"au taux de {rate} % fixé par {requirement}"
