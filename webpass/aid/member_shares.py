"""Each member's part of the investment of a groupement de commandes, at an offer's prices.

An aid finances the expenditure of whoever asks for it, and the minimum participation of article
L1111-10 of the CGCT is judged for each maître d'ouvrage. In a groupement de commandes every
member pays its own share, by the one rule of the convention (:mod:`webpass.documents.sharing`):
a financing plan is drawn on the share of the member that asks for the aid, never on the whole
groupement's investment.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from webpass.aid.compute import ExpenseLine
from webpass.catalog.model import CostNature, QuantityBasis
from webpass.core.frozen_record import frozen_record
from webpass.core.money import round_cent
from webpass.documents.sharing import (
    COMMON,
    MemberShare,
    ShareHolder,
    assigned_dpgf_lines,
    cost_shares,
)
from webpass.documents.terms import DceTerms, PriceKind, dce_terms
from webpass.dossier.estimate import ComponentKind
from webpass.selection.engine import Selection
from webpass.selection.quantities import quantities

__all__ = ["MemberInvestment", "estimate_investment", "member_investment"]


@frozen_record
class MemberInvestment:
    """What one member of the groupement pays of the investment, in euros HT."""

    name: str
    coordinator: bool
    amount: Decimal


def member_investment(selection: Selection, lines: Iterable[ExpenseLine]) -> list[MemberInvestment]:
    """Each member's share of the investment ``lines`` (an offer's, base and retained PSE), the
    coordinator first; empty outside a groupement de commandes. The lines bought on order are
    nobody's in advance and are left out."""
    terms = dce_terms(selection)
    if not terms.joint_purchasing:
        return []
    invested: dict[str, Decimal] = {}
    for line in lines:
        if line.nature is CostNature.INVESTMENT and line.item_id:
            invested[line.item_id] = invested.get(line.item_id, Decimal(0)) + line.amount
    # Lines of no price line (the estimate's socle and pages) are the common part's.
    common = _common_part(terms, invested) + invested.get(COMMON, Decimal(0))
    per_unit = {
        item_id: invested.get(item_id, Decimal(0)) / Decimal(quantity.value)
        for item_id, quantity in quantities(selection).items()
        if quantity.value
    }
    return [
        MemberInvestment(
            share.name, share.coordinator, _share_amount(share, invested, per_unit, common)
        )
        for share in cost_shares(terms)
        if share.holder is not ShareHolder.ORDERING
    ]


def _common_part(terms: DceTerms, invested: dict[str, Decimal]) -> Decimal:
    """The investment in the DPGF's common part: its base lump sums not charged to named
    members (the retained PSE are shared apart, by their own fractions)."""
    assigned = set(assigned_dpgf_lines(terms))
    return sum(
        (
            invested.get(line.item_id, Decimal(0))
            for line in terms.price_lines
            if line.kind is PriceKind.LUMP_SUM
            and not line.optional
            and line.item_id not in assigned
        ),
        Decimal(0),
    )


def _share_amount(
    share: MemberShare,
    invested: dict[str, Decimal],
    per_unit: dict[str, Decimal],
    common: Decimal,
) -> Decimal:
    amount = sum(
        (per_unit.get(item_id, Decimal(0)) * count for item_id, count in share.units), Decimal(0)
    )
    for item_id, fraction in (*share.fractions, *share.options):
        base = common if item_id == COMMON else invested.get(item_id, Decimal(0))
        amount += base * fraction
    return round_cent(amount)


def estimate_investment(selection: Selection) -> list[MemberInvestment]:
    """Each member's share of the central estimate's investment, by the same rule as an
    offer's: the financing plan of ``webpass selection`` is drawn on the coordinator's share,
    as the RAO's (review of 1 December 2026, R10). The socle and the pages past it are the
    common part; the member sites' creation is the unit price of a commune's own site."""
    terms = dce_terms(selection)
    if not terms.joint_purchasing:
        return []
    catalog = selection.catalog
    own_site = next(
        (
            line.item_id
            for line in terms.price_lines
            if line.kind is PriceKind.UNIT
            and catalog.has_item(line.item_id)
            and (cost := catalog.item(line.item_id).cost) is not None
            and cost.basis is QuantityBasis.OWN_IDENTITY_MEMBERS
        ),
        COMMON,
    )
    lines = [
        ExpenseLine(
            component.label,
            component.amount.central,
            component.nature,
            component.item_id or (own_site if component.kind is ComponentKind.SITES else COMMON),
        )
        for component in selection.estimate.components
        if not component.yearly and component.nature is CostNature.INVESTMENT
    ]
    return member_investment(selection, lines)
