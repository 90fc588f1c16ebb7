"""Scoring the price criterion: the three lawful formulas the tool offers, pure, on Decimal.

The Direction des affaires juridiques (DAJ, Bercy) publishes a spreadsheet comparing price-scoring
methods it considers lawful; these three are the usual ones (see the research notes, §2.3):

- ``classique`` (proportional, « hyperbolique ») : ``note = Nmax × Pmin / P``. The most used;
  marks bunch near the top and never reach 0.
- ``lineaire`` : ``note = Nmax × (Pmax − P) / (Pmax − Pmin)``, a line between the cheapest offer
  (Nmax) and the dearest (0); when every price is equal, everyone gets Nmax.
- ``ecart_relatif`` : ``note = Nmax × (1 − (P − Pmin) / Pmin)``, floored at 0. It is the « échelle
  de pertinence » formula ``Nmax × (n × Pmin − P) / ((n − 1) × Pmin)`` described by Weka with
  n = 2: each per cent above the cheapest offer costs one per cent of the mark, and an offer at
  twice the cheapest price or more gets 0.

When the cheapest price is 0 (a free offer), the classic and relative-gap formulas would divide
by zero; the free offers then get Nmax and every other offer 0, the limit of both formulas.
Results are exact (60 significant digits); rounding is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from enum import StrEnum

from webpass.core.errors import InputError

__all__ = [
    "FORMULA_EXPRESSIONS",
    "FORMULA_LABELS",
    "PriceFormula",
    "classic_score",
    "linear_score",
    "price_score",
    "price_scores",
    "relative_gap_score",
]

_PRECISION = 60


class PriceFormula(StrEnum):
    """How the price criterion turns a price into points."""

    CLASSIC = "classique"
    LINEAR = "lineaire"
    RELATIVE_GAP = "ecart_relatif"


FORMULA_LABELS = {
    PriceFormula.CLASSIC: "formule classique",
    PriceFormula.LINEAR: "formule linéaire",
    PriceFormula.RELATIVE_GAP: "formule de l'écart relatif",
}

FORMULA_EXPRESSIONS = {
    PriceFormula.CLASSIC: "note = {n} × prix le plus bas ÷ prix de l'offre (note proportionnelle à l'inverse du prix)",
    PriceFormula.LINEAR: "note = {n} × (prix le plus haut − prix de l'offre) ÷ (prix le plus haut − prix le plus bas), "
    "soit {n} pour l'offre la moins chère et 0 pour la plus chère ; si tous les prix sont égaux, chaque offre obtient {n}",
    PriceFormula.RELATIVE_GAP: "note = {n} × (1 − (prix de l'offre − prix le plus bas) ÷ prix le plus bas) : chaque "
    "pour cent d'écart avec l'offre la moins chère retire un pour cent de la note, et une offre au double du prix le "
    "plus bas ou au-delà obtient 0",
}


def _check(price: Decimal, lowest: Decimal, nmax: Decimal) -> None:
    for name, value in (("prix", price), ("prix le plus bas", lowest), ("note maximale", nmax)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise InputError(f"{name} : {value!r} n'est pas un nombre positif exact.")
    if price < lowest:
        raise InputError(
            f"le prix {price} est inférieur au prix le plus bas annoncé ({lowest}) : "
            "le prix le plus bas doit être celui des offres comparées."
        )


def classic_score(price: Decimal, lowest: Decimal, nmax: Decimal) -> Decimal:
    """``Nmax × Pmin / P``; Nmax for a free offer, 0 for the others when one is free."""
    _check(price, lowest, nmax)
    if price == 0:
        return nmax
    with localcontext() as context:
        context.prec = _PRECISION
        return nmax * lowest / price


def linear_score(price: Decimal, lowest: Decimal, highest: Decimal, nmax: Decimal) -> Decimal:
    """``Nmax × (Pmax − P) / (Pmax − Pmin)``; Nmax for everyone when all prices are equal."""
    _check(price, lowest, nmax)
    if price > highest:
        raise InputError(
            f"le prix {price} dépasse le prix le plus haut annoncé ({highest}) : "
            "le prix le plus haut doit être celui des offres comparées."
        )
    if highest == lowest:
        return nmax
    with localcontext() as context:
        context.prec = _PRECISION
        return nmax * (highest - price) / (highest - lowest)


def relative_gap_score(price: Decimal, lowest: Decimal, nmax: Decimal) -> Decimal:
    """``Nmax × (1 − (P − Pmin) / Pmin)``, floored at 0."""
    _check(price, lowest, nmax)
    if lowest == 0:
        return nmax if price == 0 else Decimal(0)
    with localcontext() as context:
        context.prec = _PRECISION
        return max(Decimal(0), nmax * (2 * lowest - price) / lowest)


def price_score(
    formula: PriceFormula, price: Decimal, lowest: Decimal, highest: Decimal, nmax: Decimal
) -> Decimal:
    """The price mark of one offer among offers priced from ``lowest`` to ``highest``."""
    if formula is PriceFormula.CLASSIC:
        return classic_score(price, lowest, nmax)
    if formula is PriceFormula.LINEAR:
        return linear_score(price, lowest, highest, nmax)
    return relative_gap_score(price, lowest, nmax)


def price_scores(formula: PriceFormula, prices: Sequence[Decimal], nmax: Decimal) -> list[Decimal]:
    """The price mark of each offer, in the order given (exact, not rounded)."""
    if not prices:
        return []
    lowest, highest = min(prices), max(prices)
    return [price_score(formula, price, lowest, highest, nmax) for price in prices]
