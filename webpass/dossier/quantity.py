"""The quantity of a unit price, from the catalogue and the dossier: one rule for every use.

The estimate (here, in the dossier layer), the price schedules, the CCAP, the grid and the CCTP
(through :mod:`webpass.selection.quantities`) all count with this function, so the same service
never shows two quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webpass.catalog.model import CostEstimate, Item, QuantityBasis
from webpass.dossier.answers import Answers, parameter_values

__all__ = ["unit_quantity"]


def unit_quantity(item: Item, answers: Answers, defaults: Mapping[str, Any] | None = None) -> int:
    """How many units of ``item`` the market buys (firm) or expects to order (estimate).

    ``defaults`` are the size variant's values, which replace the catalogue's defaults.
    """
    cost: CostEstimate | None = item.cost
    assert cost is not None
    if cost.basis is QuantityBasis.OWN_IDENTITY_MEMBERS:
        return sum(1 for member in answers.collectivity.members if member.own_identity)
    if cost.basis is QuantityBasis.PARAMETER_PER_YEAR and cost.parameter is not None:
        value = parameter_values(item, answers, dict(defaults or {})).get(cost.parameter)
        per_year = value if isinstance(value, int) else cost.quantity
        return per_year * answers.project.duration_years
    return cost.quantity
