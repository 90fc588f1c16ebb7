"""The quantity of a unit price, from the catalogue and the dossier: one rule for every use.

The estimate (here, in the dossier layer), the price schedules, the CCAP, the grid and the CCTP
(through :mod:`webpass.selection.quantities`) all count with this function, so the same service
never shows two quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

from webpass.catalog.model import CostEstimate, Item, QuantityBasis
from webpass.dossier.answers import Answers, MemberCommune, parameter_values

__all__ = ["MEASURED_MARGIN", "measured_ceiling", "member_quantity", "per_member", "unit_quantity"]

# A quantity counted from a description given « environ » (pages of a current site) is paid
# on the units executed up to this margin over the estimate; beyond, the buyer needs a
# modification of the contract: an estimate with no ceiling let the contract's amount grow
# without one (groupement review N1, N7).
MEASURED_MARGIN = Decimal("0.2")


def measured_ceiling(estimate: int) -> int:
    """The most units paid for an ``estimate`` counted « environ »: the margin over it, rounded up."""
    return int((estimate * (1 + MEASURED_MARGIN)).to_integral_value(rounding=ROUND_CEILING))


def member_quantity(item: Item, member: MemberCommune) -> int:
    """How many units of ``item``, bought for the members' own sites, are ``member``'s: what it
    pays at the unit price (its own site; the pages of its current site that are taken over).

    0 for a price no member buys for itself, and for a member without an own site. The
    members' quantities add up to :func:`unit_quantity`.
    """
    cost: CostEstimate | None = item.cost
    if cost is None or not member.own_identity:
        return 0
    if cost.basis is QuantityBasis.OWN_IDENTITY_MEMBERS:
        return 1
    if cost.basis is QuantityBasis.MEMBER_SITE_PAGES:
        return member.current_site.pages if member.current_site else 0
    return 0


def per_member(item: Item) -> bool:
    """Whether each member with an own site pays its own quantity of ``item``."""
    return item.cost is not None and item.cost.basis in (
        QuantityBasis.OWN_IDENTITY_MEMBERS,
        QuantityBasis.MEMBER_SITE_PAGES,
    )


def unit_quantity(item: Item, answers: Answers, defaults: Mapping[str, Any] | None = None) -> int:
    """How many units of ``item`` the market buys (firm) or expects to order (estimate).

    ``defaults`` are the size variant's values, which replace the catalogue's defaults.
    """
    cost: CostEstimate | None = item.cost
    assert cost is not None
    if per_member(item):
        return sum(member_quantity(item, member) for member in answers.collectivity.members)
    if cost.basis is QuantityBasis.PARAMETER_PER_YEAR and cost.parameter is not None:
        value = parameter_values(item, answers, dict(defaults or {})).get(cost.parameter)
        per_year = value if isinstance(value, int) else cost.quantity
        return per_year * answers.project.duration_years
    return cost.quantity
