"""Irregular offers scored and ranked after the regular ones, to complete the negotiated number.

A MAPA's RC (article 3, :mod:`webpass.documents.negotiation`) reserves a negotiation with the
N best offers, named among the regular ones; when fewer than N are ranked, « les offres
irrégulières ou inacceptables sont notées selon les mêmes critères et classées à leur suite pour
compléter ce nombre ». The RAO must then rank them, not restate the condition (review rev11b,
§ 2): each is scored like a regular offer (the analyst's levels on every judged sub-criterion,
the announced price formula) and ranked among the irregular offers only. Their prices are
scored among themselves, so that an irregular offer never moves the regular offers' points, by
which the RC ranks first; the first ``N − regular`` complete the number, the others are
eliminated.

webpass has no notion of an inappropriate offer (R2152-1, al. 2: eliminated in every case): the
analyst records none, so every irregular offer received is ranked here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from webpass.compare.scoring import EliminatedOffer, OfferFile, RankedOffer
from webpass.core.frozen_record import frozen_record

__all__ = ["Completion", "following_json"]


@frozen_record
class Completion:
    """The irregular offers ranked after the regular ones, and how many of them are admitted.

    Attributes:
        limit: the number of best offers the RC admits to the negotiation.
        regular: the number of regular offers ranked.
        offers: the irregular offers scored, in their order among themselves.
    """

    limit: int
    regular: int
    offers: tuple[RankedOffer, ...]

    @property
    def places(self) -> int:
        """The places left to complete the number once the regular offers are ranked."""
        return max(self.limit - self.regular, 0)

    @property
    def provisional(self) -> bool:
        """An analyst's mark is missing on one of them: this ranking is not final."""
        return any(score.missing for offer in self.offers for score in offer.technical)

    def completes(self, offer: RankedOffer) -> bool:
        """Whether this offer is among those that complete the number (if drawn, by lot)."""
        return offer.rank <= self.places

    def tied(self, offer: RankedOffer) -> list[RankedOffer]:
        """The offers sharing this offer's rank across the last place, itself included: the
        draw the RC announces for ties decides which complete the number; empty otherwise."""
        same = [o for o in self.offers if o.rank == offer.rank]
        if len(same) < 2 or offer.rank > self.places or offer.rank + len(same) - 1 <= self.places:
            return []
        return same

    def fate(self, offer: RankedOffer) -> str:
        """What becomes of an irregular offer ranked after the regular ones, as the RAO's
        table and the terminal say it."""
        if self.tied(offer):
            return "Tirage au sort"
        return "Admise si négociation" if self.completes(offer) else "Éliminée"

    def of(self, eliminated: EliminatedOffer) -> RankedOffer | None:
        """The scored entry of an eliminated offer, if it is ranked here."""
        return self.of_offer(eliminated.offer)

    def of_offer(self, offer: OfferFile) -> RankedOffer | None:
        """The scored entry of an offer received, if it is ranked here."""
        return next((o for o in self.offers if o.offer is offer), None)


def rank_following(
    limit: int | None,
    regular: int,
    eliminated: Sequence[EliminatedOffer],
    score: Callable[[Sequence[EliminatedOffer]], list[RankedOffer]],
) -> Completion | None:
    """The completion the RC calls for, or None: no limit, enough regular offers, or no
    irregular offer. ``score`` scores and ranks the given offers among themselves."""
    if limit is None or regular >= limit or not eliminated:
        return None
    offers = score(eliminated)
    offers.sort(key=lambda o: (o.rank, o.price, o.name))
    return Completion(limit, regular, tuple(offers))


def following_json(completion: Completion | None) -> dict[str, Any] | None:
    """The same data as the RAO's table of the offers ranked after the regular ones."""
    if completion is None:
        return None
    return {
        "nombre_negocie": completion.limit,
        "places_a_completer": completion.places,
        "offres": [
            {
                **offer.as_json(),
                "reguliere": False,
                "rang_a_la_suite": offer.rank,
                "complete_le_nombre": completion.completes(offer) and not completion.tied(offer),
                "tirage_au_sort": bool(completion.tied(offer)),
            }
            for offer in completion.offers
        ],
    }
