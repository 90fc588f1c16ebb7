"""Cost estimate of a selection: a min–max range, investment vs operating, year by year.

Each item's ``cout`` says whether it is paid once (``ponctuel``), every year (``annuel``) or per
unit with an estimated quantity (``unitaire``, the DQE of the price schedule). The estimate adds
them up over the market's duration; only investment counts for the Webpass subsidy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from webpass.catalog.model import CostNature, CostPeriod, Item
from webpass.core.money import format_eur

__all__ = ["CostLine", "Estimate", "Range", "estimate_costs"]


@dataclass(frozen=True)
class Range:
    """A low–high pair of amounts in € HT."""

    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def times(self, factor: int) -> Range:
        """The range multiplied by a whole number."""
        return Range(self.low * factor, self.high * factor)

    def show(self, suffix: str = "€ HT") -> str:
        """« 1 000,00 € HT à 2 000,00 € HT », or a single amount when both ends agree."""
        if self.low == self.high:
            return format_eur(self.low, suffix)
        return f"{format_eur(self.low, suffix)} à {format_eur(self.high, suffix)}"

    def as_json(self) -> dict[str, str]:
        """Amounts as strings with two decimals."""
        return {"min": f"{self.low:.2f}", "max": f"{self.high:.2f}"}


@dataclass(frozen=True)
class CostLine:
    """One item's cost in the estimate; for a unit cost, ``amount`` is quantity × unit price."""

    item_id: str
    title: str
    nature: CostNature
    period: CostPeriod
    unit: str | None
    quantity: int
    unit_price: Range
    amount: Range
    estimated: bool
    source: str | None

    @property
    def recurring(self) -> bool:
        """Paid every year of the market."""
        return self.period is CostPeriod.YEARLY


@dataclass(frozen=True)
class Estimate:
    """The cost of a selection over the market.

    Attributes:
        lines: one line per item that has a cost.
        years: the market's duration in started years.
        investment: one-off investment (build, design, migration, initial training).
        operating_one_off: one-off operating costs.
        yearly: what recurs every year (hosting, maintenance, subscriptions).
        first_year: investment + one-off operating + one year of recurring costs.
        following_years: each later year.
        total: the whole market, renewals included: the figure that sets the procedure.
    """

    lines: tuple[CostLine, ...]
    years: int
    investment: Range
    operating_one_off: Range
    yearly: Range
    first_year: Range
    following_years: Range
    total: Range

    @property
    def estimated_share(self) -> int:
        """How many lines rest on a webpass estimate rather than a sourced figure."""
        return sum(1 for line in self.lines if line.estimated)

    def as_json(self) -> dict[str, object]:
        """The estimate with amounts as strings."""
        return {
            "annees": self.years,
            "investissement": self.investment.as_json(),
            "fonctionnement_ponctuel": self.operating_one_off.as_json(),
            "annuel": self.yearly.as_json(),
            "premiere_annee": self.first_year.as_json(),
            "annees_suivantes": self.following_years.as_json(),
            "total_marche": self.total.as_json(),
            "lignes": [
                {
                    "id": line.item_id,
                    "titre": line.title,
                    "nature": line.nature.value,
                    "periodicite": line.period.value,
                    "unite": line.unit,
                    "quantite": line.quantity,
                    "montant": line.amount.as_json(),
                    "estimation_webpass": line.estimated,
                }
                for line in self.lines
            ],
        }


def estimate_costs(items: Iterable[Item], years: int) -> Estimate:
    """Add up the costs of ``items`` over a market of ``years`` started years."""
    lines: list[CostLine] = []
    investment = Range()
    operating = Range()
    yearly = Range()
    for item in items:
        cost = item.cost
        if cost is None:
            continue
        unit_price = Range(cost.minimum, cost.maximum)
        quantity = cost.quantity if cost.period is CostPeriod.PER_UNIT else 1
        amount = unit_price.times(quantity)
        lines.append(
            CostLine(
                item.id,
                item.title,
                cost.nature,
                cost.period,
                cost.unit,
                quantity,
                unit_price,
                amount,
                cost.estimated,
                cost.source,
            )
        )
        if cost.period is CostPeriod.YEARLY:
            yearly = yearly + amount
        elif cost.nature is CostNature.INVESTMENT:
            investment = investment + amount
        else:
            operating = operating + amount
    first = investment + operating + yearly
    total = first + yearly.times(max(years - 1, 0))
    return Estimate(tuple(lines), years, investment, operating, yearly, first, yearly, total)
