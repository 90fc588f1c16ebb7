"""The subsidy of a dossier: from its selection (estimate or a bidder's prices) to the rules.

The estimate is a range, so the preview computes the subsidy at both ends; the financing plan
of the dossier is checked against the high end, the prudent reading of CGCT L1111-10.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from webpass.aid.compute import ExpenseLine, SubsidyResult, compute_subsidy
from webpass.aid.eligibility import EligibilityInput
from webpass.aid.financing import (
    Exemption,
    FinancingPlan,
    FinancingReport,
    Funding,
    check_financing,
)
from webpass.aid.rules import SubsidyRules, load_subsidy_rules
from webpass.catalog.model import CostNature
from webpass.core.money import format_eur
from webpass.selection.engine import Selection

__all__ = [
    "attach_subsidy",
    "dossier_financing",
    "eligibility_input",
    "estimate_lines",
    "subsidy_for_lines",
]


def eligibility_input(selection: Selection) -> EligibilityInput:
    """What the eligibility rules need, taken from the selection and the answers."""
    members = selection.answers.collectivity.members
    return EligibilityInput(
        profile=selection.answers.profile,  # type: ignore[arg-type]
        teleservice_ids=tuple(selection.teleservices),
        missing_minimum_ids=tuple(selection.webpass_minimum_missing()),
        member_communes=len(members),
        communes_with_identity=sum(1 for m in members if m.own_identity),
    )


def estimate_lines(selection: Selection, high: bool) -> list[ExpenseLine]:
    """The estimate as expense lines over the whole market (yearly costs × years)."""
    years = selection.estimate.years
    lines = []
    for line in selection.estimate.lines:
        amount = line.amount.high if high else line.amount.low
        if line.recurring:
            amount = amount * years
        lines.append(ExpenseLine(line.title, amount, line.nature, line.item_id))
    return lines


def subsidy_for_lines(
    selection: Selection, lines: Iterable[ExpenseLine], rules: SubsidyRules
) -> SubsidyResult:
    """The subsidy of given expense lines for this dossier (launch date, profile, eligibility)."""
    given = list(lines) or [
        ExpenseLine("aucune dépense chiffrée", Decimal(0), CostNature.INVESTMENT)
    ]
    return compute_subsidy(
        given,
        selection.answers.profile,
        selection.answers.project.launch_date,
        rules,
        eligibility=eligibility_input(selection),
    )


def dossier_financing(
    selection: Selection, result: SubsidyResult, rules: SubsidyRules
) -> FinancingReport:
    """The dossier's financing plan (other aids of the answers) checked against L1111-10."""
    financing = selection.answers.financing
    others = [Funding.named(f.name, f.amount) for f in financing.others] if financing else []
    exemption = (
        Exemption("autre", financing.exemption) if financing and financing.exemption else None
    )
    plan = FinancingPlan.for_subsidy(result, others, exemption=exemption)
    return check_financing(plan, selection.answers.project.launch_date, rules)


def attach_subsidy(selection: Selection, rules: SubsidyRules | None = None) -> None:
    """Compute the preview and store it in ``selection.extras`` (JSON and French text)."""
    rules = rules or load_subsidy_rules(selection.catalog.root)
    low = subsidy_for_lines(selection, estimate_lines(selection, high=False), rules)
    high = subsidy_for_lines(selection, estimate_lines(selection, high=True), rules)
    report = dossier_financing(selection, high, rules)
    data: dict[str, Any] = {
        "eligible": high.eligibility.eligible if high.eligibility else True,
        "motifs": high.eligibility.reasons if high.eligibility else [],
        "base_eligible": {"min": f"{low.base:.2f}", "max": f"{high.base:.2f}"},
        "subvention": {"min": f"{low.subsidy:.2f}", "max": f"{high.subsidy:.2f}"},
        "plafond": f"{high.cap:.2f}",
        "taux": f"{high.rate:.2f}",
        "financement": report.as_json(),
    }
    selection.extras["subvention"] = data
    lines = []
    if data["eligible"]:
        amount = (
            format_eur(low.subsidy, "€")
            if low.subsidy == high.subsidy
            else f"{format_eur(low.subsidy, '€')} à {format_eur(high.subsidy, '€')}"
        )
        lines.append(
            f"Subvention Webpass : {amount} (40 % de l'investissement, plafond {format_eur(high.cap, '€')})."
        )
    else:
        lines.append("Subvention Webpass : non éligible en l'état :")
        lines += [f"  - {reason}" for reason in data["motifs"]]
    if not report.ok:
        lines.append("Plan de financement à revoir :")
        lines += [f"  - {problem}" for problem in report.problems]
    selection.extras["subvention_texte"] = "\n".join(lines)


def offer_lines(selection: Selection, offer: Any) -> list[ExpenseLine]:
    """A bidder's prices as expense lines: DPGF prices, and BPU unit prices × estimated quantity.

    The nature (investment or operating) of each line is the catalogue item's; an unpriced or
    unreadable line is skipped here, the conformance check reports it.
    """
    from webpass.core.money import AmountError, parse_amount

    by_id = {s.item.id: s.item for s in selection.items}
    years = selection.estimate.years
    lines = []
    for row in offer.rows:
        item = by_id.get(row.id)
        if item is None or item.cost is None:
            continue
        raw = row.price if row.price.strip() not in ("", "—") else row.unit_price
        if raw.strip() in ("", "—"):
            continue
        try:
            price = parse_amount(raw, what=row.id)
        except AmountError:
            continue
        if row.price.strip() in ("", "—"):
            quantity = item.cost.quantity if item.cost.period.value == "unitaire" else years
            price = price * quantity
        lines.append(ExpenseLine(item.title, price, item.cost.nature, item.id))
    return lines
