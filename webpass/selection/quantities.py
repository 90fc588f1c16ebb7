"""The quantity of every priced service, taken once from the selection and the dossier.

The CCAP, the BPU (and the DPGF-BPU workbook), the response grid, the quote form and the CCTP
all print the quantities read here, with their nature: a firm quantity bought at its unit
price, a quantity estimated for services bought on order (no minimum, a maximum in money), or
the years of a yearly price. A figure stated in one piece and another in the next is how a
contract ends up disputed; there is thus one function and no other source.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from webpass.catalog.model import CostPeriod, QuantityBasis
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_exact
from webpass.dossier.answers import Answers
from webpass.dossier.quantity import measured_ceiling, unit_quantity
from webpass.dossier.service_period import planned_service
from webpass.selection.engine import SelectedItem, Selection

__all__ = [
    "Quantity",
    "QuantityNature",
    "item_quantity",
    "own_identity_members",
    "quantities",
]


class QuantityNature(StrEnum):
    """How a quantity binds the buyer."""

    FIRM = "ferme"
    # Bought whole, but counted from a description the dossier gives « environ » (the pages of
    # the communes' current sites): paid on the units executed, the figure an estimate that
    # compares the offers (groupement review R2: « ferme » and « le nombre de l'annexe » left
    # the bidder unsure who pays a gap).
    MEASURED = "mesuree"
    ON_ORDER = "estimee"
    YEARS = "annees"

    @property
    def label(self) -> str:
        """How the price schedules name it."""
        return {
            "ferme": "ferme",
            "mesuree": "estimée, payée aux unités exécutées",
            "estimee": "estimée, sur bons de commande, sans minimum",
            "annees": "années de service prévues, de la mise en ligne au terme du marché",
        }[self.value]

    @property
    def short(self) -> str:
        """One word for a narrow column: « ferme », « estimée » or « ans »."""
        return {"ferme": "ferme", "mesuree": "estimée", "estimee": "estimée", "annees": "ans"}[
            self.value
        ]


@frozen_record
class Quantity:
    """A quantity, its unit and its nature.

    ``value`` is whole but for the years of a yearly price, the planned years of service to
    four decimals (:func:`webpass.dossier.service_period.planned_service`); ``described`` is what the
    price pieces print of its nature when the dossier's dates make it precise.
    """

    value: int | Decimal
    unit: str
    nature: QuantityNature
    described: str = ""

    @property
    def maximum(self) -> int | None:
        """The most units paid of a quantity paid as executed (None for the others)."""
        if self.nature is not QuantityNature.MEASURED:
            return None
        return measured_ceiling(int(self.value))

    @property
    def nature_label(self) -> str:
        """The « nature de la quantité » the price pieces print."""
        if self.maximum is not None:
            return f"{self.nature.label}, {self.maximum} au plus"
        return self.described or self.nature.label

    @property
    def shown(self) -> str:
        """The value as a French reader writes it: « 3,3333 », « 12 »."""
        return format_exact(self.value)

    @property
    def firm(self) -> bool:
        """True when the buyer commits to it (not an estimate for orders)."""
        return self.nature is not QuantityNature.ON_ORDER


def own_identity_members(answers: Answers) -> list[str]:
    """The member communes the dossier gives their own site (domain name and charter)."""
    return [m.name for m in answers.collectivity.members if m.own_identity]


def item_quantity(selected: SelectedItem, answers: Answers) -> Quantity | None:
    """The quantity of a priced service of the BPU; None for a lump sum or an unpriced item."""
    cost = selected.item.cost
    if cost is None or cost.period is CostPeriod.ONE_OFF:
        return None
    if cost.period is CostPeriod.YEARLY:
        service = planned_service(answers)
        described = service.nature(answers.project.duration_months)
        return Quantity(service.years, "an", QuantityNature.YEARS, described)
    value = unit_quantity(selected.item, answers, selected.default_values)
    nature = QuantityNature.ON_ORDER if selected.on_order else QuantityNature.FIRM
    if nature is QuantityNature.FIRM and cost.basis is QuantityBasis.MEMBER_SITE_PAGES:
        nature = QuantityNature.MEASURED
    return Quantity(value, cost.unit or "unité", nature)


def quantities(selection: Selection) -> dict[str, Quantity]:
    """The quantity of every priced BPU service of the selection, by item id."""
    found = {}
    for selected in selection.items:
        quantity = item_quantity(selected, selection.answers)
        if quantity is not None:
            found[selected.item.id] = quantity
    return found
