"""The financing plan and the minimum self-funding of CGCT article L1111-10."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.aid import (
    Exemption,
    ExpenseLine,
    FinancingPlan,
    FunderKind,
    Funding,
    FundingStatus,
    check_financing,
    compute_subsidy,
    load_shipped_subsidy_rules,
)
from webpass.aid.rules import SubsidyProfile
from webpass.core.errors import InputError

RULES = load_shipped_subsidy_rules()
ON = dt.date(2026, 6, 1)
D = Decimal


def flat(text: str) -> str:
    return text.replace("\u00a0", " ")


def plan_of(
    cost: Decimal,
    webpass: Decimal,
    others: tuple[Funding, ...] = (),
    private: Decimal = Decimal(0),
    exemption: Exemption | None = None,
) -> FinancingPlan:
    """A plan with a requestable regional aid first, then the other aids."""
    regional = Funding(FunderKind.REGION, webpass, "Webpass", FundingStatus.REQUESTABLE)
    return FinancingPlan(cost, (regional, *others), private, exemption)


def test_aid_over_eighty_percent_is_flagged_with_the_amount_to_give_up() -> None:
    plan = plan_of(
        D(50000),
        D(20000),
        (Funding(FunderKind.DETR, D(15000)), Funding(FunderKind.DEPARTEMENT, D(10000))),
    )
    report = check_financing(plan, ON, RULES)
    assert not report.ok
    assert (report.total_aid, report.max_aid, report.to_give_up) == (
        D(45000),
        D("40000.00"),
        D("5000.00"),
    )
    assert (report.own_contribution, report.public_total) == (D(5000), D(50000))
    (problem,) = report.problems
    assert "Renoncez à 5 000,00 € d'aides" in flat(problem)
    assert "L1111-10" in problem
    assert "la collectivité apporte 5 000,00 € (10 %)" in flat(problem)
    data = report.as_json()
    assert (data["a_renoncer"], data["aides_maximum"], data["conforme"]) == (
        "5000.00",
        "40000.00",
        False,
    )
    assert [a["type"] for a in data["aides"]] == ["region", "detr", "departement"]  # type: ignore[union-attr,index]
    assert report.steps[-1].detail.startswith("Plan de financement à corriger")


@pytest.mark.parametrize(
    ("cost", "aids", "give_up"),
    [
        ("50000", "40000", "0.00"),  # exactly 80 %: lawful
        ("50000", "40000.01", "0.01"),
        ("50000", "12000", "0.00"),
        ("33333.33", "26666.66", "0.00"),  # 20 % = 6 666,666 → the collectivity brings 6 666,67
        ("33333.33", "26666.67", "0.01"),
        ("0", "0", "0.00"),
    ],
)
def test_floor_to_the_cent(cost: str, aids: str, give_up: str) -> None:
    report = check_financing(plan_of(D(cost), D(aids)), ON, RULES)
    assert report.to_give_up == D(give_up)
    assert report.ok is (give_up == "0.00")


@given(
    cost=st.decimals(min_value=0, max_value=D("1e7"), places=2),
    share=st.decimals(min_value=0, max_value=D("1.5"), places=4),
)
def test_giving_up_the_reported_amount_makes_the_plan_lawful(cost: Decimal, share: Decimal) -> None:
    aids = (cost * share).quantize(D("0.01"))
    report = check_financing(plan_of(cost, aids), ON, RULES)
    assert report.to_give_up >= 0
    assert report.ok is (report.to_give_up == 0)
    fixed = check_financing(plan_of(cost, aids - report.to_give_up), ON, RULES)
    assert fixed.ok
    assert fixed.own_contribution >= cost * D("0.20")
    if report.to_give_up:
        # and not a cent more than needed
        worse = check_financing(plan_of(cost, aids - report.to_give_up + D("0.01")), ON, RULES)
        assert not worse.ok


def test_aids_over_the_cost_are_reported() -> None:
    plan = plan_of(D(50000), D(20000), (Funding(FunderKind.DSIL, D(35000)),))
    report = check_financing(plan, ON, RULES)
    assert report.over_cost == D(5000)
    assert report.to_give_up == D("15000.00")  # down to 80 %
    assert len(report.problems) == 2
    assert "dépassent le coût du projet (50 000,00 € HT) de 5 000,00 €" in flat(report.problems[1])
    assert "n'apporte rien" in report.problems[0]


def test_declared_exemption_lifts_the_floor_but_not_the_cost() -> None:
    others = (Funding(FunderKind.DETR, D(15000)), Funding(FunderKind.DEPARTEMENT, D(10000)))
    exemption = Exemption("derogation_prefet", "arrêté préfectoral du 3 mars 2026")
    report = check_financing(plan_of(D(50000), D(20000), others, exemption=exemption), ON, RULES)
    assert report.ok
    assert report.exemption_ground is not None
    floor_step = next(s for s in report.steps if "L1111-10" in s.title)
    assert "dérogation du préfet (arrêté préfectoral du 3 mars 2026)" in floor_step.detail
    assert report.as_json()["derogation"] == {
        "motif": "derogation_prefet",
        "libelle": "dérogation du préfet",
        "precision": "arrêté préfectoral du 3 mars 2026",
    }
    over = plan_of(D(50000), D(20000), (Funding(FunderKind.FEDER, D(31000)),), exemption=exemption)
    report = check_financing(over, ON, RULES)
    assert (report.ok, report.to_give_up, len(report.problems)) == (False, D("1000.00"), 1)


def test_unknown_exemption_ground_lists_the_known_ones() -> None:
    plan = plan_of(D(50000), D(20000), exemption=Exemption("copinage"))
    with pytest.raises(InputError) as info:
        check_financing(plan, ON, RULES)
    assert "copinage" in info.value.message
    assert "derogation_prefet" in info.value.message


def test_other_ground_needs_its_detail() -> None:
    with pytest.raises(InputError, match="précisez"):
        check_financing(plan_of(D(100), D(90), exemption=Exemption("autre")), ON, RULES)
    report = check_financing(
        plan_of(D(100), D(90), exemption=Exemption("autre", "loi n° 2099-1, art. 3")),
        ON,
        RULES,
    )
    assert report.ok


def test_private_funding_is_outside_the_calculation() -> None:
    plan = plan_of(D(50000), D(20000), (Funding(FunderKind.DETR, D(15000)),), private=D(10000))
    report = check_financing(plan, ON, RULES)
    assert report.public_total == D(40000)
    assert report.max_aid == D("32000.00")
    assert report.to_give_up == D("3000.00")
    assert any(s.title == "Financements privés" for s in report.steps)


def test_lawful_plan() -> None:
    plan = plan_of(D(50000), D(20000), (Funding(FunderKind.DETR, D(10000)),))
    report = check_financing(plan, ON, RULES)
    assert report.ok
    assert report.problems == ()
    assert report.steps[-1].detail == "Plan de financement conforme."
    step = next(s for s in report.steps if "L1111-10" in s.title)
    assert "règle respectée" in step.detail
    assert "40 %" in flat(step.detail)


def test_plan_from_a_computed_subsidy() -> None:
    lines = [
        ExpenseLine("Réalisation", D(50000), "investissement"),  # type: ignore[arg-type]
        ExpenseLine("Hébergement", D(3000), "fonctionnement"),  # type: ignore[arg-type]
    ]
    others = [Funding(FunderKind.DETR, D(15000)), Funding(FunderKind.DEPARTEMENT, D(10000))]
    # An Île-de-France commune while the scheme was open: the amount can be requested and counts.
    requested = compute_subsidy(
        lines, SubsidyProfile.COMMUNE, dt.date(2010, 6, 1), RULES, department="91"
    )
    plan = FinancingPlan.for_subsidy(requested, others)
    assert plan.cost == D(50000)
    assert (plan.counted[0].amount, plan.counted[0].status) == (
        D("20000.00"),
        FundingStatus.REQUESTABLE,
    )
    assert check_financing(plan, ON, RULES).to_give_up == D("5000.00")
    # The same calculation for a Breton commune in 2026 does not apply: 0 €, shown, never counted.
    outside = compute_subsidy(lines, SubsidyProfile.COMMUNE, ON, RULES, department="22")
    assert (outside.subsidy, outside.computed) == (D("0.00"), D("20000.00"))
    assert outside.remaining == D(53000)
    plan = FinancingPlan.for_subsidy(outside, others)
    assert [f.amount for f in plan.simulated] == [D("0.00")]
    report = check_financing(plan, ON, RULES)
    assert (report.total_aid, report.to_give_up, report.ok) == (D(25000), D("0.00"), True)
    assert report.as_json()["simulations"][0]["statut"] == "non_applicable"  # type: ignore[index]
    assert any(step.title == "Aides non comptées" for step in report.steps)
    # Inside the period with the territory unchecked it is a simulation: shown, never counted.
    simulated = compute_subsidy(lines, SubsidyProfile.COMMUNE, dt.date(2010, 6, 1), RULES)
    plan = FinancingPlan.for_subsidy(simulated, others)
    assert [(f.amount, f.status) for f in plan.simulated] == [
        (D("20000.00"), FundingStatus.SIMULATION)
    ]
    # Declared aids are sollicitées until the dossier says they were granted.
    assert Funding.named("DSIL", D(1000)).status is FundingStatus.DECLARED
    assert Funding.named("DSIL", D(1000), granted=True).status is FundingStatus.GRANTED
    assert FundingStatus.DECLARED.label.startswith("sollicitée")


def test_no_floor_before_2012_and_no_rule_before_2000() -> None:
    # L1111-10 III applies from 1 January 2012: before, 100 % of public aid was lawful.
    assert check_financing(plan_of(D(100), D(90)), dt.date(2010, 5, 1), RULES).ok
    assert not check_financing(plan_of(D(100), D(90)), dt.date(2012, 1, 1), RULES).ok
    with pytest.raises(InputError, match="participation minimale"):
        check_financing(plan_of(D(100), D(40)), dt.date(1999, 5, 1), RULES)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("DETR 2026", FunderKind.DETR),
        ("Dotation d'équipement des territoires ruraux", FunderKind.DETR),
        ("dsil", FunderKind.DSIL),
        ("Conseil départemental de l'Yonne", FunderKind.DEPARTEMENT),
        ("Département", FunderKind.DEPARTEMENT),
        ("FEDER", FunderKind.FEDER),
        ("Union européenne", FunderKind.FEDER),
        ("Syndicat d'énergie", FunderKind.OTHER),
    ],
)
def test_funder_recognised_from_its_name(name: str, kind: FunderKind) -> None:
    funding = Funding.named(name, "1 000")
    assert (funding.kind, funding.amount, funding.label) == (kind, D(1000), name)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Funding(FunderKind.DETR, D(-1)), "négatif"),
        (lambda: Funding("mecene", D(1)), "financeur « mecene » inconnu"),  # type: ignore[arg-type]
        (lambda: plan_of(D(100), D(10), private=D(200)), "dépassent le coût"),
        (lambda: plan_of(D(100), 10.5), "virgule flottante"),  # type: ignore[arg-type]
    ],
)
def test_wrong_plan_input_is_refused(build: object, fragment: str) -> None:
    assert callable(build)
    with pytest.raises(InputError) as info:
        build()
    assert fragment in info.value.message
