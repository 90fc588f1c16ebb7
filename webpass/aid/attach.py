"""The aid of a dossier: every scheme on its sincere estimate, and the financing plan.

Each scheme of the catalogue (and of the collectivity's own ``dispositifs.yaml``) that serves the
dossier's profile is computed on the central estimate, judged for the collectivity's département
on the launch date: a « montant maximal sollicitable » where the scheme applies, a simulation with
its reasons anywhere else. The financing plan counts the requestable amounts and the aids the
collectivity declares, never a simulation, under the minimum self-funding of CGCT L1111-10.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from webpass.aid.compute import ExpenseLine, SubsidyResult, compute_subsidy
from webpass.aid.eligibility import EligibilityInput
from webpass.aid.explain import eur, eur_ht, money_json, percent, rate_json
from webpass.aid.financing import (
    Exemption,
    FinancingPlan,
    FinancingReport,
    Funding,
    FundingStatus,
    check_financing,
)
from webpass.aid.rules import SubsidyProfile, SubsidyRules
from webpass.catalog.model import BudgetAccount, CostNature
from webpass.core.frozen_record import frozen_record
from webpass.core.money import format_eur, format_number, round_cent
from webpass.documents.price_phases import PhaseGroup, phase_groups
from webpass.dossier.estimate import Range
from webpass.dossier.geo import department_code
from webpass.selection.engine import Selection

if TYPE_CHECKING:
    from webpass.aid.member_shares import MemberInvestment

__all__ = [
    "AidOutlook",
    "EstimatePoint",
    "OfferFinancing",
    "aid_outlook",
    "aid_statement",
    "compared_offer_lines",
    "coordinator_holder",
    "dossier_financing",
    "eligibility_input",
    "estimate_lines",
    "estimated_share_words",
    "offer_financing",
    "offer_lines",
    "subsidy_for_lines",
]


class EstimatePoint(StrEnum):
    """Which value of the estimate's range."""

    LOW = "bas"
    CENTRAL = "central"
    HIGH = "haut"

    def of(self, amount: Range) -> Decimal:
        """This point of ``amount``."""
        if self is EstimatePoint.LOW:
            return amount.low
        if self is EstimatePoint.HIGH:
            return amount.high
        return amount.central


def eligibility_input(selection: Selection) -> EligibilityInput:
    """What the eligibility rules need, taken from the selection and the answers."""
    members = selection.answers.collectivity.members
    return EligibilityInput(
        profile=SubsidyProfile(selection.answers.profile),
        teleservice_ids=tuple(selection.teleservices),
        missing_minimum_ids=tuple(selection.webpass_minimum_missing()),
        member_communes=len(members),
        communes_with_identity=sum(1 for m in members if m.own_identity),
    )


def estimate_lines(
    selection: Selection, point: EstimatePoint = EstimatePoint.CENTRAL
) -> list[ExpenseLine]:
    """The estimate as expense lines over the whole market (yearly costs × the planned years of
    service, as in the estimate's total)."""
    years = selection.estimate.service_years
    lines = []
    for component in selection.estimate.components:
        amount = point.of(component.amount)
        if component.yearly:
            amount = round_cent(amount * years)
        lines.append(ExpenseLine(component.label, amount, component.nature, component.item_id))
    return lines


def subsidy_for_lines(
    selection: Selection,
    lines: Iterable[ExpenseLine],
    rules: SubsidyRules,
    scheme_id: str | None = None,
) -> SubsidyResult:
    """A scheme's aid on given expense lines for this dossier (date, place, profile, eligibility)."""
    given = list(lines) or [
        ExpenseLine("aucune dépense chiffrée", Decimal(0), CostNature.INVESTMENT)
    ]
    answers = selection.answers
    return compute_subsidy(
        given,
        answers.profile,
        answers.project.launch_date,
        rules,
        eligibility=eligibility_input(selection),
        scheme_id=scheme_id,
        department=department_code(answers.collectivity.department),
    )


def _declared(selection: Selection) -> tuple[list[Funding], Exemption | None]:
    financing = selection.answers.financing
    others = (
        [Funding.named(f.name, f.amount, granted=f.granted) for f in financing.others]
        if financing
        else []
    )
    exemption = (
        Exemption("autre", financing.exemption) if financing and financing.exemption else None
    )
    return others, exemption


def dossier_financing(
    selection: Selection,
    result: SubsidyResult,
    rules: SubsidyRules,
    cost: Decimal | None = None,
) -> FinancingReport:
    """The dossier's financing plan on one computed aid, checked against L1111-10.

    ``cost``: the investment of the one maître d'ouvrage who asks for the aids the dossier
    declares (a groupement's coordinator: its share), when it is not the aid's whole base.
    A simulation is shown beside the plan and never counted.
    """
    others, exemption = _declared(selection)
    if cost is None:
        plan = FinancingPlan.for_subsidy(result, others, exemption=exemption)
    else:
        plan = FinancingPlan.for_results(
            cost, [result], others, exemption=exemption, holder=coordinator_holder(selection)
        )
    return check_financing(plan, selection.answers.project.launch_date, rules)


def coordinator_holder(selection: Selection) -> str:
    """« part du coordonnateur, Communauté de communes du Pays Fouesnantais »: whose share a
    groupement's financing plan is drawn on."""
    return f"part du coordonnateur, {selection.answers.collectivity.name}"


@frozen_record
class OfferFinancing:
    """The financing plan of an offer's investment and, in a groupement de commandes, each
    member's share of it (the coordinator first; empty for a single collectivity)."""

    shares: tuple[MemberInvestment, ...]
    report: FinancingReport

    def shares_json(self) -> list[dict[str, object]]:
        """Each member's share, for ``--json``; amounts are strings with two decimals."""
        return [
            {
                "membre": share.name,
                "coordonnateur": share.coordinator,
                "part_investissement": money_json(share.amount),
            }
            for share in self.shares
        ]


def offer_financing(
    selection: Selection, lines: Iterable[ExpenseLine], result: SubsidyResult, rules: SubsidyRules
) -> OfferFinancing:
    """The plan the RAO (§ 9) and ``subvention --offre`` both print, on an offer's ``lines``
    (base and retained PSE). In a groupement de commandes each member pays its share and the
    aids the dossier declares are the coordinator's, who writes it: the plan is drawn on the
    coordinator's share, L1111-10 being judged for each maître d'ouvrage (22:25 reading, I1)."""
    from webpass.aid.member_shares import member_investment

    shares = tuple(member_investment(selection, lines))
    own = next((share.amount for share in shares if share.coordinator), None)
    return OfferFinancing(shares, dossier_financing(selection, result, rules, own))


@frozen_record
class AidOutlook:
    """Every scheme computed on the dossier's central estimate, and the financing plan.

    Attributes:
        results: one result per scheme serving the dossier's profile, catalogue order first.
        financing: the plan counting requestable and declared aids, checked against L1111-10.
        main_range: the first scheme's amount on the low, central and high estimate.
        coordinator_share: a groupement's coordinator's share of the investment, the plan's
            cost; None for a single collectivity.
    """

    results: tuple[SubsidyResult, ...]
    financing: FinancingReport
    main_range: Range | None = None
    coordinator_share: Decimal | None = None

    @property
    def main(self) -> SubsidyResult | None:
        """The first scheme's result (Webpass with the shipped catalogue)."""
        return self.results[0] if self.results else None

    def as_json(self) -> dict[str, object]:
        """A summary of each scheme and the plan; amounts are strings with two decimals."""
        return {
            "dispositifs": [_result_summary(result) for result in self.results],
            "principal": self.main_range.as_json() if self.main_range else None,
            "financement": self.financing.as_json(),
        }

    def lines(self) -> list[str]:
        """The outlook in French, one line per scheme, then the plan."""
        text = ["Aides (calculées sur l'estimation centrale) :"]
        for result in self.results:
            text.append(f"  - {aid_statement(result)}")
            text += [f"      non éligible en l'état : {reason}" for reason in result.reasons]
        report = self.financing
        text += [
            f"  - {label} : {eur(amount)} ({status})"
            for label, amount, status in report.plan.aids_with_status
            if status != FundingStatus.REQUESTABLE.label
        ]
        if self.coordinator_share is not None:
            text.append(
                "Aides sollicitées par le coordonnateur, sur sa part de l'investissement "
                f"selon la clé de la convention ({eur_ht(self.coordinator_share)}) :"
            )
        if report.ok:
            text.append(
                f"Plan de financement (CGCT L1111-10) : conforme ; aides comptées "
                f"{eur(report.total_aid)}, part de la collectivité {eur(report.own_contribution)}."
            )
        else:
            text.append("Plan de financement (CGCT L1111-10) à revoir :")
            text += [f"  - {problem}" for problem in report.problems]
        return text


def _result_summary(result: SubsidyResult) -> dict[str, object]:
    return {
        "dispositif": result.scheme.as_json(),
        "statut_dispositif": result.scheme.status.value,
        "territoire": result.scheme.territory.label,
        **result.applicability.as_json(),
        "eligible": result.eligible,
        "motifs": result.reasons,
        "base_eligible": money_json(result.base),
        "taux": rate_json(result.rate),
        "plafond": money_json(result.cap),
        "subvention": money_json(result.subsidy),
        "libelle": aid_statement(result),
    }


def aid_statement(result: SubsidyResult) -> str:
    """One French sentence for an aid, worded by its standing; the RAO and the plan use it.

    « Webpass (Région Île-de-France) : non applicable, 0,00 € — hors territoire : … », « … :
    simulation, 4 600,00 € (40 % au plus de 11 500,00 € HT, plafond 20 000,00 €) — territoire non
    vérifié : … », or « … : montant maximal sollicitable … ».
    """
    scheme = result.scheme
    name = f"{scheme.title.split(' — ')[0]} ({scheme.funder})"
    working = f"{percent(result.rate)} au plus de {eur_ht(result.base)}, plafond {eur(result.cap)}"
    if result.not_applicable:
        return (
            f"{name} : non applicable, {eur(result.subsidy)} — "
            f"{' ; '.join(result.applicability.reasons)}."
        )
    head = f"{name} : {result.applicability.label}, {eur(result.subsidy)} ({working})"
    if not result.eligible:
        head = (
            f"{name} : {result.applicability.label}, {eur(result.subsidy)} — non éligible en "
            f"l'état ; éligible, le calcul donnerait {eur(result.computed)} ({working})"
        )
    if result.simulation:
        return f"{head} — {' ; '.join(result.applicability.reasons)}."
    return f"{head} ; le financeur décide du montant attribué."


def aid_outlook(selection: Selection, rules: SubsidyRules) -> AidOutlook:
    """Every scheme serving the dossier's profile on its central estimate, and the plan."""
    lines = estimate_lines(selection)
    profile = SubsidyProfile(selection.answers.profile)
    results = tuple(
        subsidy_for_lines(selection, lines, rules, scheme.id)
        for scheme in rules.schemes
        if scheme.serves(profile)
    )
    from webpass.aid.member_shares import estimate_investment

    # A groupement's aids are the coordinator's, on its own share, as in the RAO.
    own = next((s.amount for s in estimate_investment(selection) if s.coordinator), None)
    cost = (
        own
        if own is not None
        else sum(
            (line.amount for line in lines if line.nature is CostNature.INVESTMENT), Decimal(0)
        )
    )
    others, exemption = _declared(selection)
    holder = coordinator_holder(selection) if own is not None else ""
    plan = FinancingPlan.for_results(cost, results, others, exemption=exemption, holder=holder)
    report = check_financing(plan, selection.answers.project.launch_date, rules)
    main_range = None
    if results:
        low, high = (
            subsidy_for_lines(
                selection, estimate_lines(selection, point), rules, results[0].scheme.id
            )
            for point in (EstimatePoint.LOW, EstimatePoint.HIGH)
        )
        main_range = Range(low.subsidy, results[0].subsidy, high.subsidy)
    return AidOutlook(results, report, main_range, own)


def _phase_lines(selection: Selection, group: PhaseGroup, price: Decimal) -> list[ExpenseLine]:
    """A phase's lump sum as expense lines. The phases' prices make the realisation's global
    and lump-sum price, which creates the site (an intangible asset): each is investment, named
    by its phase, not by the requirement whose grid line carries it (the acceptance and the
    going online are not the accessibility statement nor running costs), but the training's,
    never capitalised. A phase the note
    charges to two accounts (training to 6184, the guides to 2051) is split in proportion to
    what each account's requirements weigh, the estimate's figure first (:func:`_account_weight`),
    and the part says its key: the part charged to a running
    account is no investment, and stays out of the aid's base and of the financing plan
    (L1111-10; review of 1 December 2026, small commune M6)."""
    label = f"Phase {group.phase.label}"
    if not group.account_split:
        # A phase of training only (L03, L04 on 6184) is no part of the asset: the training is
        # never capitalised, whatever line pays it (rev11b § 3).
        training = group.account is BudgetAccount.TRAINING
        nature = CostNature.OPERATING if training else CostNature.INVESTMENT
        return [ExpenseLine(label, price, nature, group.carrier)]
    weights = [(account, ids, *_account_weight(selection, ids)) for account, ids in group.accounts]
    basis = " ; ".join(words for _, _, _, words in weights)
    total = sum((weight for _, _, weight, _ in weights), Decimal(0)) or Decimal(1)
    lines: list[ExpenseLine] = []
    for account, ids, weight, _ in weights:
        amount = round_cent(price * weight / total)
        nature = CostNature.INVESTMENT if account is BudgetAccount.RIGHTS else CostNature.OPERATING
        # The key is webpass's, not the offer's: every piece that prints the part says so
        # (small commune M3 of the review of 1 December 2026).
        share = weight / total
        part = (
            f"{label}, part imputée au compte {account.value} ({', '.join(ids)}), "
            f"{estimated_share_words(share, basis)}"
        )
        lines.append(ExpenseLine(part, amount, nature, group.carrier, share))
    # The rounding remainder on the last part, so the parts add up to the phase's price.
    last = lines[-1]
    lines[-1] = ExpenseLine(
        last.label,
        last.amount + price - sum(line.amount for line in lines),
        last.nature,
        last.item_id,
        last.estimated_share,
    )
    return lines


def _account_weight(selection: Selection, ids: tuple[str, ...]) -> tuple[Decimal, str]:
    """What the requirements ``ids`` weigh in a phase split by account, and where it comes from.

    The estimate's figure when it values them (the socle's initial training for L03 and L04,
    or their own lines), so the dossier gives one value to one training; the middle of the
    catalogue sheet's range otherwise (review rev11b, § 3 and § 4 no 3).
    """
    left = set(ids)
    weight = Decimal(0)
    parts: list[str] = []
    for component in selection.estimate.components:
        held = set(component.covers or ([component.item_id] if component.item_id else []))
        if component.yearly or not held or not held <= left:
            continue
        left -= held
        weight += component.amount.central
        what = ", formation initiale du socle" if component.covers else ""
        parts.append(
            f"{format_eur(component.amount.central)} pour {', '.join(sorted(held))} selon "
            f"l'estimation{what}"
        )
    by_id = {s.item.id: s.item for s in selection.items}
    for item_id in (i for i in ids if i in left):
        cost = by_id[item_id].cost
        if cost is None:
            continue
        middle = round_cent((cost.minimum + cost.maximum) / 2)
        weight += middle
        parts.append(f"{format_eur(middle)} pour {item_id}, milieu de la fourchette de sa fiche")
    return weight, " ; ".join(parts)


def estimated_share_words(share: Decimal, basis: str = "") -> str:
    """« estimée à 52,0 % du prix de la phase (clé : 600,00 € HT pour L03, L04 selon
    l'estimation… ; 650,00 € HT pour L05…), dans l'attente de la ventilation du titulaire »."""
    key = f" (clé : {basis})" if basis else ""
    return (
        f"estimée à {format_number(share * 100, 1)} % du prix de la phase{key}, dans l'attente "
        "de la ventilation du titulaire"
    )


def compared_offer_lines(
    selection: Selection, offer: Any
) -> tuple[list[ExpenseLine], tuple[str, ...]]:
    """An offer's expense lines on the rows it is judged on, the base and the PSE the dossier's
    rule retains with this offer alone (the RAO decides on every regular offer), and those PSE."""
    from webpass.compare.pse import pse_rule, retained_for_one_offer
    from webpass.grid.check import parse_conformity
    from webpass.grid.model import CONFORMITY_VALUES

    lines = offer_lines(selection, offer)
    amounts: dict[str, Decimal] = {}
    for line in lines:
        if line.item_id is not None:
            amounts[line.item_id] = amounts.get(line.item_id, Decimal(0)) + line.amount
    conforming = CONFORMITY_VALUES[0]
    proposed = [row.id for row in offer.rows if parse_conformity(row.conformity) == conforming]
    retained = retained_for_one_offer(selection, amounts, proposed)
    options = pse_rule(selection).ids
    kept = [line for line in lines if line.item_id not in options or line.item_id in retained]
    return kept, retained


def offer_lines(selection: Selection, offer: Any) -> list[ExpenseLine]:
    """A bidder's prices as expense lines: DPGF prices, and BPU unit prices × their quantity.

    The nature (investment or operating) of each line is the catalogue item's, or the phase's
    when the prices are asked by phase; an unpriced or unreadable line is skipped here, the
    conformance check reports it.
    """
    from webpass.core.money import AmountError, parse_amount
    from webpass.selection.quantities import quantities

    by_id = {s.item.id: s.item for s in selection.items}
    phases = {group.carrier: group for group in phase_groups(selection)}
    counts = quantities(selection)
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
        if row.price.strip() in ("", "—") and item.id in counts:
            # The quantity every piece prints (firm, years or estimate), from the one source;
            # the line's amount rounded to the cent, as the grid's check counts it.
            price = round_cent(price * counts[item.id].value)
        if item.id in phases:
            lines += _phase_lines(selection, phases[item.id], price)
            continue
        lines.append(ExpenseLine(item.title, price, item.cost.nature, item.id))
    return lines
