"""The financing plan of a project and the minimum self-funding of CGCT article L1111-10.

A collectivity that owns an investment project brings at least a minimum share (20 %) of the
total public funding of the project, that is of the public aids plus its own contribution;
private funding (patronage) is outside the calculation. For a project funded only by public
money, the aids are therefore at most 80 % of its cost. An exemption declared with one of the
grounds of ``subsidy.yaml`` lifts the floor. The check says how much aid to give up, to the
cent, and also flags aids that exceed the cost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from webpass.aid.compute import SubsidyResult
from webpass.aid.explain import Step, eur, eur_ht, money_json, percent, rate_json
from webpass.aid.rules import ExemptionGround, SelfFundingPeriod, SubsidyRules
from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.core.matching import fold
from webpass.core.money import CENT, parse_amount
from webpass.documents.typography import date_fr

__all__ = [
    "Exemption",
    "FinancingPlan",
    "FinancingReport",
    "FunderKind",
    "Funding",
    "FundingStatus",
    "check_financing",
]


class FunderKind(StrEnum):
    """The usual public co-funders of a collectivity's website."""

    DETR = "detr"
    DSIL = "dsil"
    DEPARTEMENT = "departement"
    REGION = "region"
    FEDER = "feder"
    OTHER = "autre"

    @property
    def label(self) -> str:
        """The funder as named in explanations."""
        return {
            FunderKind.DETR: "DETR",
            FunderKind.DSIL: "DSIL",
            FunderKind.DEPARTEMENT: "département",
            FunderKind.REGION: "région",
            FunderKind.FEDER: "FEDER",
            FunderKind.OTHER: "autre financeur public",
        }[self]

    @classmethod
    def from_text(cls, text: str) -> FunderKind:
        """Recognise a funder in what someone typed (« Conseil départemental » → département)."""
        words = fold(text).split()
        folded = " ".join(words)
        if "detr" in words or "equipement des territoires ruraux" in folded:
            return cls.DETR
        if "dsil" in words or "soutien a l investissement local" in folded:
            return cls.DSIL
        if any(word.startswith("departement") for word in words) or "cd" in words:
            return cls.DEPARTEMENT
        if "feder" in words or "europe" in folded:
            return cls.FEDER
        if any(word.startswith("region") for word in words):
            return cls.REGION
        return cls.OTHER


class FundingStatus(StrEnum):
    """How an aid stands in the financing plan."""

    REQUESTABLE = "montant_maximal_sollicitable"
    DECLARED = "declare"
    GRANTED = "accordee"
    SIMULATION = "simulation"
    NOT_APPLICABLE = "non_applicable"

    @property
    def label(self) -> str:
        """How the plan names it."""
        return {
            FundingStatus.REQUESTABLE: "montant maximal sollicitable",
            FundingStatus.DECLARED: "sollicitée, décision du financeur attendue",
            FundingStatus.GRANTED: "accordée",
            FundingStatus.SIMULATION: "simulation, non comptée",
            FundingStatus.NOT_APPLICABLE: "non applicable, non comptée",
        }[self]

    @property
    def counted(self) -> bool:
        """Whether the plan counts the amount (never a simulation or a scheme that does not apply)."""
        return self not in (FundingStatus.SIMULATION, FundingStatus.NOT_APPLICABLE)


@frozen_record
class Funding:
    """One public aid of the plan.

    Attributes:
        kind: DETR, DSIL, département, région, FEDER or other.
        amount: amount in euros (a French-format str or an int is read with ``parse_amount``).
        name: how the dossier names the funder, if more precise than its kind.
        status: a scheme's maximal requestable amount, an amount the collectivity declares, or
            a simulation (shown, never counted).
    """

    kind: FunderKind
    amount: Decimal
    name: str | None = None
    status: FundingStatus = FundingStatus.DECLARED

    def __post_init__(self) -> None:
        try:
            kind = FunderKind(self.kind)
        except ValueError as exc:
            known = ", ".join(k.value for k in FunderKind)
            raise InputError(
                f"financeur « {self.kind} » inconnu ; valeurs possibles : {known}."
            ) from exc
        object.__setattr__(self, "kind", kind)
        name = self.name.strip() if isinstance(self.name, str) and self.name.strip() else None
        object.__setattr__(self, "name", name)
        object.__setattr__(
            self, "amount", parse_amount(self.amount, what=f"montant de l'aide {self.label}")
        )

    @classmethod
    def named(cls, name: str, amount: Decimal | str | int, *, granted: bool = False) -> Funding:
        """An aid whose kind is recognised from the funder's name (as in ``webpass.yaml``).

        A declared aid is « sollicitée » until the dossier says the funder granted it.
        """
        status = FundingStatus.GRANTED if granted else FundingStatus.DECLARED
        return cls(FunderKind.from_text(name), amount, name, status)  # type: ignore[arg-type]

    @classmethod
    def of_result(cls, result: SubsidyResult) -> Funding:
        """The aid a scheme's calculation gives: requestable, a simulation, or not applicable."""
        status = FundingStatus.REQUESTABLE
        if result.not_applicable:
            status = FundingStatus.NOT_APPLICABLE
        elif result.simulation:
            status = FundingStatus.SIMULATION
        scheme = result.scheme
        name = f"{scheme.title.split(' — ')[0]} ({scheme.funder})"
        return cls(FunderKind.from_text(scheme.funder), result.subsidy, name, status)

    @property
    def label(self) -> str:
        """The funder's name, or its kind."""
        return self.name or self.kind.label

    def as_json(self) -> dict[str, str]:
        """The aid with its amount as a string."""
        return {
            "financeur": self.label,
            "type": self.kind.value,
            "montant": money_json(self.amount),
            "statut": self.status.value,
        }


@frozen_record
class Exemption:
    """A declared exemption from the minimum self-funding.

    Attributes:
        ground: the id of a ground of ``subsidy.yaml`` (derogation_prefet, outre_mer, …).
        detail: the decision or text that grants it (required for some grounds).
    """

    ground: str
    detail: str = ""


@frozen_record
class FinancingPlan:
    """How a project is paid for.

    Attributes:
        cost: the cost of the investment operation, in euros HT.
        funding: the public aids; simulations among them are shown but never counted.
        private: private funding (patronage…), outside the L1111-10 calculation.
        exemption: a declared exemption from the minimum self-funding, if any.
        holder: whose share of a shared investment ``cost`` is (« part du coordonnateur,
            Communauté de communes … »), named in the plan; empty when it is the whole.
    """

    cost: Decimal
    funding: tuple[Funding, ...] = ()
    private: Decimal = Decimal(0)
    exemption: Exemption | None = None
    holder: str = ""

    def __post_init__(self) -> None:
        cost = parse_amount(self.cost, what="coût du projet")
        object.__setattr__(self, "cost", cost)
        private = parse_amount(self.private, what="financements privés")
        object.__setattr__(self, "private", private)
        funding = tuple(self.funding)
        for aid in funding:
            if not isinstance(aid, Funding):
                raise InputError(f"aide illisible : {aid!r}.")
        object.__setattr__(self, "funding", funding)
        if private > cost:
            raise InputError(
                f"les financements privés ({eur(private)}) dépassent le coût du projet "
                f"({eur_ht(cost)}) : vérifiez les montants."
            )

    @classmethod
    def for_subsidy(
        cls,
        result: SubsidyResult,
        others: Iterable[Funding] = (),
        private: Decimal = Decimal(0),
        exemption: Exemption | None = None,
    ) -> FinancingPlan:
        """The plan of a computed aid: its eligible base is the cost of the operation.

        Only investment enters the base, and L1111-10 concerns investment operations only,
        so the base is the cost the floor applies to.
        """
        return cls.for_results(result.base, [result], others, private, exemption)

    @classmethod
    def for_results(
        cls,
        cost: Decimal,
        results: Iterable[SubsidyResult],
        others: Iterable[Funding] = (),
        private: Decimal = Decimal(0),
        exemption: Exemption | None = None,
        holder: str = "",
    ) -> FinancingPlan:
        """The plan combining several schemes' results and the aids the collectivity declares."""
        funding = [Funding.of_result(result) for result in results]
        return cls(cost, (*funding, *others), private, exemption, holder)

    @property
    def counted(self) -> list[Funding]:
        """The aids the plan counts: everything but simulations and schemes that do not apply."""
        return [f for f in self.funding if f.status.counted]

    @property
    def simulated(self) -> list[Funding]:
        """The simulations and inapplicable schemes, shown beside the plan and never counted."""
        return [f for f in self.funding if not f.status.counted]

    @property
    def aids(self) -> list[tuple[str, Decimal]]:
        """Every counted public aid with its funder."""
        return [(f.label, f.amount) for f in self.counted]

    @property
    def aids_with_status(self) -> list[tuple[str, Decimal, str]]:
        """Every counted public aid with its funder and its status (« sollicitée »…)."""
        return [(f.label, f.amount, f.status.label) for f in self.counted]


@frozen_record
class FinancingReport:
    """The outcome of :func:`check_financing`.

    Attributes:
        plan: the plan checked.
        on: the date whose rule applied.
        min_share: the minimum share of the public funding the collectivity brings.
        exemption_ground: the declared ground, when an exemption lifts the floor.
        total_aid: all the public aids.
        public_total: aids + the collectivity's own contribution (= cost − private funding).
        own_contribution: what the collectivity pays itself (negative if aids exceed the cost).
        own_share: ``own_contribution`` ÷ ``public_total``, or None when there is no public total.
        max_aid: the most aid the plan may hold, to the cent.
        over_cost: how much the aids exceed the public total (0 if they do not).
        to_give_up: how much aid must be given up for the plan to be lawful.
        problems: what is wrong, in French (empty when the plan is lawful).
        steps: the working, in French.
    """

    plan: FinancingPlan
    on: dt.date
    min_share: Decimal
    exemption_ground: ExemptionGround | None
    total_aid: Decimal
    public_total: Decimal
    own_contribution: Decimal
    own_share: Decimal | None
    max_aid: Decimal
    over_cost: Decimal
    to_give_up: Decimal
    problems: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def ok(self) -> bool:
        """True when the plan respects the floor (or is exempted) and the aids fit the cost."""
        return not self.problems

    def as_json(self) -> dict[str, object]:
        """Everything as JSON-ready values; amounts are strings with two decimals."""
        exemption = self.plan.exemption
        return {
            "date": self.on.isoformat(),
            "cout": money_json(self.plan.cost),
            "cout_part_de": self.plan.holder or None,
            "aides": [f.as_json() for f in self.plan.counted],
            "simulations": [f.as_json() for f in self.plan.simulated],
            "total_aides": money_json(self.total_aid),
            "financements_prives": money_json(self.plan.private),
            "part_collectivite": money_json(self.own_contribution),
            "financement_public_total": money_json(self.public_total),
            "part_minimale": rate_json(self.min_share),
            "aides_maximum": money_json(self.max_aid),
            "depassement_cout": money_json(self.over_cost),
            "a_renoncer": money_json(self.to_give_up),
            "derogation": None
            if exemption is None or self.exemption_ground is None
            else {
                "motif": self.exemption_ground.id,
                "libelle": self.exemption_ground.label,
                "precision": exemption.detail or None,
            },
            "conforme": self.ok,
            "problemes": list(self.problems),
            "etapes": [step.as_json() for step in self.steps],
        }


def check_financing(plan: FinancingPlan, on: dt.date, rules: SubsidyRules) -> FinancingReport:
    """Check ``plan`` against the minimum self-funding in force on ``on``.

    Raises:
        InputError: no rule covers ``on``, or the declared exemption is unknown or lacks the
            detail its ground requires.
    """
    period = rules.self_funding_at(on)
    ground = _ground(plan.exemption, period)
    with localcontext() as context:
        context.prec = 60
        total_aid = sum((f.amount for f in plan.counted), Decimal(0))
        public_total = plan.cost - plan.private
        own = public_total - total_aid
        own_share = (own / public_total) if public_total > 0 else None
        minimum_own = (period.min_share * public_total).quantize(CENT, rounding=ROUND_CEILING)
        # The floor is an inequality: the aid ceiling is rounded down and the amount to give up
        # rounded up, so that giving it up always satisfies the law to the cent.
        ceiling = public_total if ground else public_total - minimum_own
        max_aid = ceiling.quantize(CENT, rounding=ROUND_FLOOR)
        over_cost = max(total_aid - public_total, Decimal(0))
        to_give_up = max(total_aid - max_aid, Decimal(0)).quantize(CENT, rounding=ROUND_CEILING)

    report = FinancingReport(
        plan=plan,
        on=on,
        min_share=period.min_share,
        exemption_ground=ground,
        total_aid=total_aid,
        public_total=public_total,
        own_contribution=own,
        own_share=own_share,
        max_aid=max_aid,
        over_cost=over_cost,
        to_give_up=to_give_up,
        problems=(),
        steps=(),
    )
    problems = _problems(report, minimum_own)
    steps = _plan_steps(report, minimum_own, problems)
    return dataclasses.replace(report, problems=tuple(problems), steps=tuple(steps))


def _problems(report: FinancingReport, minimum_own: Decimal) -> list[str]:
    plan, total_aid, min_share = report.plan, report.total_aid, report.min_share
    problems = []
    if report.exemption_ground is None and total_aid > report.max_aid:
        own_words = _own_words(report.own_contribution, report.own_share)
        problems.append(
            f"Les aides publiques ({eur(total_aid)}) dépassent {percent(1 - min_share)} "
            f"du financement public du projet ({eur(report.max_aid)}) : {own_words}, "
            f"moins que les {percent(min_share)} exigés par l'article L1111-10 du CGCT "
            f"({eur(minimum_own)}). Renoncez à {eur(report.to_give_up)} d'aides, ou déclarez une "
            "dérogation avec son motif."
        )
    if report.over_cost > 0:
        what = "le coût du projet hors financements privés" if plan.private else "le coût du projet"
        problems.append(
            f"Les aides ({eur(total_aid)}) dépassent {what} ({eur_ht(report.public_total)}) de "
            f"{eur(report.over_cost)} : une aide ne peut pas financer plus que la dépense ; "
            f"réduisez-les d'au moins {eur(report.over_cost)}."
        )
    return problems


def _plan_steps(report: FinancingReport, minimum_own: Decimal, problems: list[str]) -> list[Step]:
    plan, total_aid, own = report.plan, report.total_aid, report.own_contribution
    steps = [
        Step(
            f"Coût du projet ({plan.holder})",
            "Part des dépenses d'investissement du projet, selon la clé de répartition de la "
            f"convention constitutive du groupement : {eur_ht(plan.cost)}.",
            plan.cost,
        )
        if plan.holder
        else Step(
            "Coût du projet",
            f"Dépenses d'investissement du projet : {eur_ht(plan.cost)}.",
            plan.cost,
        )
    ]
    if plan.private:
        steps.append(
            Step(
                "Financements privés",
                f"Mécénat et autres financements privés : {eur(plan.private)} ; ils n'entrent "
                "pas dans le calcul de la participation minimale.",
                plan.private,
            )
        )
    steps += _aid_steps(plan, total_aid)
    private_part = f" − financements privés {eur(plan.private)}" if plan.private else ""
    steps.append(
        Step(
            "Part de la collectivité",
            f"Coût {eur_ht(plan.cost)}{private_part} − aides {eur(total_aid)} = {eur(own)}.",
            own,
        )
    )
    steps.append(
        Step(
            "Financement public total",
            f"Aides {eur(total_aid)} + part de la collectivité {eur(own)} = "
            f"{eur(report.public_total)}.",
            report.public_total,
        )
    )
    ground = report.exemption_ground
    if ground is not None:
        assert plan.exemption is not None
        detail = f" ({plan.exemption.detail})" if plan.exemption.detail else ""
        steps.append(
            Step(
                "Participation minimale (CGCT L1111-10)",
                f"Dérogation déclarée : {ground.label}{detail}. La part minimale de "
                f"{percent(report.min_share)} ne s'applique pas ; joignez au dossier la décision "
                "ou le texte qui l'accorde.",
            )
        )
    else:
        steps.append(
            _floor_step(
                report.min_share, minimum_own, report.max_aid, own, report.own_share, report.on
            )
        )
    if problems:
        conclusion = (
            f"Plan de financement à corriger : renoncer à {eur(report.to_give_up)} d'aides."
        )
    else:
        conclusion = "Plan de financement conforme."
    steps.append(Step("Conclusion", conclusion, report.to_give_up if problems else None))
    return steps


def _aid_steps(plan: FinancingPlan, total_aid: Decimal) -> list[Step]:
    if plan.counted:
        listed = " ; ".join(f"{f.label} : {eur(f.amount)} ({f.status.label})" for f in plan.counted)
        steps = [Step("Aides publiques", f"{listed}. Total : {eur(total_aid)}.", total_aid)]
    else:
        steps = [Step("Aides publiques", "Aucune aide comptée dans le plan.", total_aid)]
    if plan.simulated:
        listed = " ; ".join(
            f"{f.label} : {eur(f.amount)} ({f.status.label})" for f in plan.simulated
        )
        steps.append(
            Step(
                "Aides non comptées",
                f"{listed}. Un dispositif hors territoire ou hors période ne s'applique pas et "
                "compte pour 0 € ; un dispositif non vérifié n'est qu'une simulation : ni l'un "
                "ni l'autre n'entre dans le plan de financement.",
            )
        )
    return steps


def _ground(exemption: Exemption | None, period: SelfFundingPeriod) -> ExemptionGround | None:
    if exemption is None:
        return None
    ground = period.ground(exemption.ground.strip())
    if ground.detail_required and not exemption.detail.strip():
        raise InputError(
            f"dérogation « {ground.label} » : précisez le texte ou la décision qui l'accorde."
        )
    return ground


def _floor_step(
    min_share: Decimal,
    minimum_own: Decimal,
    max_aid: Decimal,
    own: Decimal,
    own_share: Decimal | None,
    on: dt.date,
) -> Step:
    head = (
        f"Règle en vigueur le {date_fr(on)} : la collectivité apporte au moins "
        f"{percent(min_share)} du financement public, soit {eur(minimum_own)} ; les aides ne "
        f"peuvent donc dépasser {eur(max_aid)}."
    )
    verdict = "règle respectée." if own >= minimum_own else "c'est insuffisant."
    return Step(
        "Participation minimale (CGCT L1111-10)",
        f"{head} {_sentence(_own_words(own, own_share))} : {verdict}",
        max_aid,
    )


def _own_words(own: Decimal, share: Decimal | None) -> str:
    if own <= 0 or share is None:
        return "la collectivité n'apporte rien elle-même"
    shown = percent(share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return f"la collectivité apporte {eur(own)} ({shown})"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
