"""The French working of a calculation: numbered steps, percentages, amounts for JSON.

Every figure the subsidy and the financing check produce is explained to a secrétaire de mairie
who is not an accountant, so each calculation returns its steps alongside its numbers.
"""

from __future__ import annotations

from decimal import Decimal

from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur, format_number, round_cent

__all__ = ["Step", "eur", "eur_ht", "money_json", "percent", "rate_json"]

NBSP = "\u00a0"


@frozen_record
class Step:
    """One step of a calculation, in French.

    Attributes:
        title: a short heading (« Base éligible »).
        detail: what was done and why, in a full sentence.
        amount: the figure this step arrives at, if any (not rounded: display rounds it).
    """

    title: str
    detail: str
    amount: Decimal | None = None

    def as_json(self) -> dict[str, str | None]:
        """The step with its amount as a string with two decimals."""
        return {
            "titre": self.title,
            "detail": self.detail,
            "montant": None if self.amount is None else money_json(self.amount),
        }


def money_json(value: Decimal) -> str:
    """``Decimal("12000")`` → ``"12000.00"``: rounded half-up to the cent, never in exponent form."""
    return f"{round_cent(value):f}"


def rate_json(rate: Decimal) -> str:
    """A rate as text with at least two decimals: ``0.4`` → ``"0.40"``, ``0.375`` → ``"0.375"``."""
    if rate == rate.quantize(Decimal("0.01")):
        return f"{rate.quantize(Decimal('0.01')):f}"
    return f"{rate.normalize():f}"


def percent(rate: Decimal) -> str:
    """``Decimal("0.4")`` → ``"40 %"``, ``Decimal("0.375")`` → ``"37,5 %"`` (no-break space)."""
    value = (rate * 100).normalize()
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{format_number(value, decimals)}{NBSP}%"


def eur(value: Decimal) -> str:
    """An aid or subsidy amount: ``"12 000,00 €"`` (``"0,005 €"`` when it has more decimals)."""
    return format_eur(value, "€", _decimals(value))


def eur_ht(value: Decimal) -> str:
    """An expenditure amount, tax excluded: ``"30 000,00 € HT"``."""
    return format_eur(value, "€ HT", _decimals(value))


def _decimals(value: Decimal) -> int:
    # Show an amount as it really is: two decimals, or more when it has them (an intermediate
    # product such as 0,005 € must not be displayed already rounded).
    exponent = value.normalize().as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2
