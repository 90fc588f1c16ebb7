"""The subsidy calculation: properties (hypothesis) and hand-computed cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from webpass.aid import (
    EligibilityInput,
    ExpenseLine,
    SubsidyProfile,
    compute_subsidy,
    load_shipped_subsidy_rules,
    subsidy_amount,
)
from webpass.catalog.model import CostNature
from webpass.core.errors import InputError
from webpass.core.money import AmountError, parse_amount

RULES = load_shipped_subsidy_rules()
# Inside the Webpass period, territory unchecked: a simulation keeps the rules' amount (the
# calculation under test); outside its period the scheme is not applicable and gives 0 €.
ON = dt.date(2010, 6, 1)
RATE = Decimal("0.40")
CAPS = {SubsidyProfile.COMMUNE: Decimal("20000.00"), SubsidyProfile.GROUPEMENT: Decimal("25000.00")}
FULL_FROM = {SubsidyProfile.COMMUNE: Decimal("50000"), SubsidyProfile.GROUPEMENT: Decimal("62500")}
INV = CostNature.INVESTMENT
OPS = CostNature.OPERATING

bases = st.decimals(
    min_value=0, max_value=Decimal("1e7"), places=2, allow_nan=False, allow_infinity=False
)
profiles = st.sampled_from(list(SubsidyProfile))


def subsidy_of(base: Decimal | str, profile: str = "commune") -> Decimal:
    line = ExpenseLine("Projet", parse_amount(base), INV)
    return compute_subsidy([line], profile, ON, RULES).subsidy


# ---------------------------------------------------------------- properties


@given(base=bases, profile=profiles)
@example(base=Decimal("0"), profile=SubsidyProfile.COMMUNE)
@example(base=Decimal("50000"), profile=SubsidyProfile.COMMUNE)
@example(base=Decimal("62500"), profile=SubsidyProfile.GROUPEMENT)
@example(base=Decimal("49999.99"), profile=SubsidyProfile.COMMUNE)
def test_subsidy_between_zero_and_cap_with_two_decimals(
    base: Decimal, profile: SubsidyProfile
) -> None:
    subsidy = subsidy_of(base, profile)
    assert Decimal(0) <= subsidy <= CAPS[profile]
    assert subsidy.as_tuple().exponent == -2
    assert abs(subsidy - min(base * RATE, CAPS[profile])) <= Decimal("0.005")


@given(a=bases, b=bases, profile=profiles)
def test_subsidy_is_monotonic_in_the_base(a: Decimal, b: Decimal, profile: SubsidyProfile) -> None:
    low, high = sorted((a, b))
    assert subsidy_of(low, profile) <= subsidy_of(high, profile)


@given(extra=bases, profile=profiles)
@example(extra=Decimal("0"), profile=SubsidyProfile.COMMUNE)
@example(extra=Decimal("0"), profile=SubsidyProfile.GROUPEMENT)
def test_cap_is_reached_exactly_from_its_threshold(extra: Decimal, profile: SubsidyProfile) -> None:
    assert subsidy_of(FULL_FROM[profile] + extra, profile) == CAPS[profile]


@given(gap=st.decimals(min_value=Decimal("0.02"), max_value=Decimal("50000"), places=2))
def test_cap_not_reached_below_its_threshold(gap: Decimal) -> None:
    # 0.02 € below the threshold is 0.008 € below the cap: rounding cannot reach it.
    for profile in SubsidyProfile:
        base = FULL_FROM[profile] - gap
        if base >= 0:
            assert subsidy_of(base, profile) < CAPS[profile]


@given(ten_thousandths=st.integers(min_value=0, max_value=10**9))
@example(ten_thousandths=125)  # 0.0125 € × 0.4 = 0.005 € → 0.01 € (half-even would give 0.00)
@example(ten_thousandths=625)  # 0.0625 € × 0.4 = 0.025 € → 0.03 €
def test_rounding_is_half_up_to_the_cent(ten_thousandths: int) -> None:
    base = Decimal(ten_thousandths).scaleb(-4)
    # Integer oracle: gross in thousandths of a cent is 4 × n; half-up to the cent.
    expected_cents = min((4 * ten_thousandths + 500) // 1000, 2_000_000)
    assert subsidy_amount(base, RATE, CAPS[SubsidyProfile.COMMUNE]) == Decimal(
        expected_cents
    ).scaleb(-2)


def test_half_up_at_the_boundary() -> None:
    assert subsidy_amount(Decimal("0.0125"), RATE, Decimal(20000)) == Decimal("0.01")
    # Computed bases may carry sub-cent digits; typed amounts may not (two decimals at most).
    assert subsidy_of(Decimal("0.0125")) == Decimal("0.01")
    assert subsidy_of(Decimal("0.0124")) == Decimal("0.00")


@given(
    investments=st.lists(bases, min_size=1, max_size=6),
    operating=st.lists(bases, max_size=4),
    profile=profiles,
)
def test_operating_costs_never_change_the_subsidy(
    investments: list[Decimal], operating: list[Decimal], profile: SubsidyProfile
) -> None:
    lines = [ExpenseLine(f"Investissement {i}", a, INV) for i, a in enumerate(investments)]
    lines += [ExpenseLine(f"Fonctionnement {i}", a, OPS) for i, a in enumerate(operating)]
    result = compute_subsidy(lines, profile, ON, RULES)
    assert result.base == sum(investments)
    assert result.excluded == sum(operating, Decimal(0))
    assert result.subsidy == subsidy_amount(sum(investments, Decimal(0)), RATE, CAPS[profile])
    assert result.remaining == result.total - result.subsidy


def test_training_is_set_aside_and_the_reason_says_so() -> None:
    # The catalogue prices the training (L03, L04) as an operating expense, and the estimate puts
    # a level's initial training on a line of its own (rev10, § 4): the reason of the set-aside
    # line names training among what is not eligible, never among the eligible spending (rev7, 6).
    from webpass.catalog import load_shipped_catalog

    catalog = load_shipped_catalog()
    assert all(catalog.item(i).cost.nature is OPS for i in ("L03", "L04"))  # type: ignore[union-attr]
    line = ExpenseLine("Formation des contributeurs", Decimal("720.00"), OPS, "L04")
    result = compute_subsidy([line], SubsidyProfile.GROUPEMENT, ON, RULES)
    (decision,) = result.lines
    assert not decision.counted
    assert decision.reason.startswith("dépense de fonctionnement, écartée")
    eligible = decision.reason[decision.reason.index("(") : decision.reason.index(")")]
    assert "formation" not in eligible
    assert decision.reason.endswith(
        "; ne le sont pas, notamment, l'hébergement, la maintenance annuelle, les abonnements "
        "et la formation des utilisateurs."
    )


# ---------------------------------------------------------------- hand-computed cases


@pytest.mark.parametrize(
    ("typed", "profile", "subsidy", "remaining", "capped"),
    [
        ("30000", "commune", "12000.00", "18000.00", False),
        ("30 000", "commune", "12000.00", "18000.00", False),
        ("30 000,50", "commune", "12000.20", "18000.30", False),
        ("30000.50", "commune", "12000.20", "18000.30", False),
        ("30 000,50 €", "commune", "12000.20", "18000.30", False),
        ("30\u00a0000,50\u00a0€", "commune", "12000.20", "18000.30", False),
        ("50000", "commune", "20000.00", "30000.00", False),  # cap reached exactly
        ("49999.99", "commune", "20000.00", "29999.99", False),  # 19 999,996 → 20 000,00
        ("49999.98", "commune", "19999.99", "29999.99", False),  # 19 999,992 → 19 999,99
        ("100000", "commune", "20000.00", "80000.00", True),
        ("62500", "groupement", "25000.00", "37500.00", False),
        ("62499.98", "groupement", "24999.99", "37499.99", False),
        ("80000", "groupement", "25000.00", "55000.00", True),
        ("50000", "groupement", "20000.00", "30000.00", False),  # the groupement cap is higher
        ("0", "commune", "0.00", "0.00", False),
        ("0.01", "commune", "0.00", "0.01", False),  # 0,004 → 0,00
        ("0.03", "commune", "0.01", "0.02", False),  # 0,012 → 0,01
        ("1234.56", "commune", "493.82", "740.74", False),  # 493,824
        ("1234.57", "commune", "493.83", "740.74", False),  # 493,828
        ("12 345,67 €", "commune", "4938.27", "7407.40", False),  # 4 938,268
        ("0.0625", "commune", "0.03", "0.03", False),  # 0,025 → 0,03 (half up)
    ],
)
def test_hand_computed_cases(
    typed: str, profile: str, subsidy: str, remaining: str, capped: bool
) -> None:
    line = ExpenseLine("Projet", parse_amount(Decimal(typed) if "." in typed else typed), INV)
    result = compute_subsidy([line], profile, ON, RULES)
    data = result.as_json()
    assert (data["subvention"], data["reste_a_charge"], data["plafond_atteint"]) == (
        subsidy,
        remaining,
        capped,
    )
    assert data["taux"] == "0.40"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "aucun montant"),
        ("-5000", "négatif"),
        ("trente mille", "pas un montant lisible"),
        ("1e9999", "pas un montant lisible"),
        ("NaN", "pas un montant lisible"),
        ("12,5,3", "pas un montant lisible"),
    ],
)
def test_bad_amounts_are_refused_in_french(typed: str, fragment: str) -> None:
    with pytest.raises(AmountError) as info:
        ExpenseLine("Projet", typed, INV)  # type: ignore[arg-type]
    assert fragment in info.value.message
    assert "« Projet »" in info.value.message


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(AmountError, match="virgule flottante"):
        ExpenseLine("Projet", 30000.0, INV)  # type: ignore[arg-type]


def test_lines_accept_text_amounts_and_natures() -> None:
    line = ExpenseLine(" Formation ", "1 500,00 €", "investissement", "L03")  # type: ignore[arg-type]
    assert (line.label, line.amount, line.nature, line.item_id) == (
        "Formation",
        Decimal("1500.00"),
        INV,
        "L03",
    )


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: ExpenseLine("", Decimal(1), INV), "sans libellé"),
        (lambda: ExpenseLine("Site", Decimal(1), "loyer"), "nature « loyer » inconnue"),  # type: ignore[arg-type]
        (lambda: compute_subsidy([], "commune", ON, RULES), "aucune ligne"),
        (
            lambda: compute_subsidy([ExpenseLine("Site", Decimal(1), INV)], "region", ON, RULES),
            "profil « region » inconnu",
        ),
        (
            lambda: compute_subsidy(
                [ExpenseLine("Site", Decimal(1), INV)], "commune", ON, RULES, scheme_id="detr"
            ),
            "dispositif « detr » inconnu",
        ),
    ],
)
def test_wrong_input_is_an_input_error(call: object, fragment: str) -> None:
    assert callable(call)
    with pytest.raises(InputError) as info:
        call()
    assert fragment in info.value.message


def test_working_shows_what_counted_and_what_did_not() -> None:
    lines = [
        ExpenseLine("Réalisation du site", Decimal("25000"), INV, "A01"),
        ExpenseLine("Reprise des contenus", Decimal("5000"), INV),
        ExpenseLine("Hébergement annuel", Decimal("1200"), OPS, "H01"),
        ExpenseLine("Maintenance annuelle", Decimal("2400"), OPS),
    ]
    result = compute_subsidy(lines, "commune", ON, RULES)
    assert (result.base, result.excluded, result.subsidy, result.remaining) == (
        Decimal("30000"),
        Decimal("3600"),
        Decimal("12000.00"),
        Decimal("21600.00"),
    )
    counted = [d.counted for d in result.lines]
    assert counted == [True, True, False, False]
    assert "fonctionnement" in result.lines[2].reason
    assert "seules les dépenses d'investissement" in result.lines[2].reason
    titles = [step.title for step in result.steps]
    assert titles == [
        "Dispositif",
        "Dépenses retenues",
        "Dépenses écartées",
        "Base éligible",
        "Taux maximal",
        "Montant brut",
        "Plafond",
        "Arrondi",
        "Éligibilité",
        "Simulation",
        "Reste à charge",
    ]
    text = " ".join(step.detail for step in result.steps)
    assert "« Réalisation du site » (A01)" in text
    assert "« Hébergement annuel » (H01)" in text
    assert "30\u00a0000,00\u00a0€\u00a0HT × 40\u00a0% = 12\u00a0000,00\u00a0€" in text
    assert "atteint dès 50\u00a0000,00\u00a0€\u00a0HT" in text
    assert "Non vérifiée" in text


def test_working_shows_the_cap_and_the_rounding() -> None:
    capped = compute_subsidy([ExpenseLine("Site", Decimal(80000), INV)], "commune", ON, RULES)
    cap_step = next(s for s in capped.steps if s.title == "Plafond")
    assert "32\u00a0000,00\u00a0€" in cap_step.detail
    assert "ramené au plafond" in cap_step.detail
    rounded = compute_subsidy([ExpenseLine("Site", Decimal("0.0125"), INV)], "commune", ON, RULES)
    rounding = next(s for s in rounded.steps if s.title == "Arrondi")
    assert "0,005\u00a0€ → 0,01\u00a0€" in rounding.detail


def test_only_operating_costs_give_nothing() -> None:
    result = compute_subsidy([ExpenseLine("Hébergement", Decimal(900), OPS)], "commune", ON, RULES)
    assert (result.base, result.subsidy, result.remaining) == (
        Decimal(0),
        Decimal("0.00"),
        Decimal("900.00"),
    )
    assert "base éligible est nulle" in result.steps[1].detail


def test_not_eligible_gives_zero_and_the_reasons() -> None:
    eligibility = EligibilityInput("commune", ("F01", "F02"), ("B03",))  # type: ignore[arg-type]
    line = ExpenseLine("Site", Decimal(30000), INV)
    result = compute_subsidy([line], "commune", ON, RULES, eligibility)
    data = result.as_json()
    assert data["eligible"] is False
    assert data["eligibilite_verifiee"] is True
    assert (data["subvention"], data["montant_calcule"], data["reste_a_charge"]) == (
        "0.00",
        "12000.00",
        "30000.00",
    )
    assert len(data["motifs"]) == 2  # type: ignore[arg-type]
    step = next(s for s in result.steps if s.title == "Éligibilité")
    assert "au lieu de 12\u00a0000,00\u00a0€" in step.detail


def test_eligible_project_keeps_its_subsidy() -> None:
    eligibility = EligibilityInput(
        SubsidyProfile.GROUPEMENT, ("F01", "F02", "F03", "F04", "F05"), (), 10, 2
    )
    line = ExpenseLine("Site", Decimal(70000), INV)
    result = compute_subsidy([line], "groupement", ON, RULES, eligibility)
    assert result.eligible
    assert result.reasons == []
    assert result.subsidy == Decimal("25000.00")


def test_profile_must_agree_with_eligibility() -> None:
    eligibility = EligibilityInput(SubsidyProfile.COMMUNE, ("F01",) * 5)
    with pytest.raises(InputError, match="diffère"):
        compute_subsidy(
            [ExpenseLine("Site", Decimal(1), INV)], "groupement", ON, RULES, eligibility
        )


def test_subsidy_amount_refuses_floats_and_negatives() -> None:
    with pytest.raises(AmountError):
        subsidy_amount(1000.0, RATE, Decimal(20000))  # type: ignore[arg-type]
    with pytest.raises(AmountError):
        subsidy_amount(Decimal(-1), RATE, Decimal(20000))
    with pytest.raises(AmountError):
        subsidy_amount(Decimal("NaN"), RATE, Decimal(20000))
