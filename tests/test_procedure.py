"""The procedure advice: the central value over the market, dated thresholds, warnings, budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.cost_model import Band
from webpass.dossier.estimate import Estimate, Range
from webpass.dossier.procedure import ProcedureCode, advise_procedure, load_thresholds

THRESHOLDS = load_thresholds(shipped_catalog_dir())
LAUNCH = dt.date(2027, 1, 11)
D = Decimal


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def estimate(low: str, central: str, high: str, yearly: str = "1000") -> Estimate:
    total = Range(D(low), D(central), D(high))
    each_year = Range(D(yearly), D(yearly), D(yearly))
    investment = Range(
        total.low - 4 * each_year.low,
        total.central - 4 * each_year.central,
        total.high - 4 * each_year.high,
    )
    return Estimate(
        level=3,
        years=4,
        service_years=D(4),
        components=(),
        benchmark=Band.model_validate({"min": "8000.00", "max": "20000.00"}),
        benchmark_yearly=None,
        investment=investment,
        operating_one_off=Range(),
        yearly=each_year,
        first_year=investment + each_year,
        following_years=each_year,
        total=total,
    )


def test_the_central_value_sets_the_procedure_not_the_high_end() -> None:
    advice = advise_procedure(estimate("11000", "15500", "65750"), LAUNCH, None, THRESHOLDS)
    assert advice.code is ProcedureCode.EXEMPT
    assert advice.amount == D("15500")
    reasoning = flat(" ".join(advice.reasoning))
    assert "valeur centrale sur toute la durée du marché" in reasoning
    assert "reconductions comprises" in reasoning
    assert "Seuils en vigueur le 11 janvier 2027" in reasoning
    assert "décret n° 2025-1386" in reasoning
    # The count of quotes is advice, never the name the RAO states (review M8).
    assert "trois devis" not in advice.name and "trois devis" in advice.explanation
    # the high end crosses two thresholds: the collectivity is told before signing
    warnings = flat(" ".join(advice.warnings))
    assert "fourchette haute" in warnings and "60 000,00 € HT" in warnings


@pytest.mark.parametrize(
    ("central", "side"),
    [("56000", "sous"), ("63000", "au-dessus du"), ("85000", "sous"), ("200000", "sous")],
)
def test_a_central_value_close_to_a_threshold_is_flagged(central: str, side: str) -> None:
    advice = advise_procedure(estimate(central, central, central), LAUNCH, None, THRESHOLDS)
    (warning,) = advice.warnings
    assert f"{side} seuil" in flat(warning)


def test_far_from_every_threshold_no_warning() -> None:
    advice = advise_procedure(estimate("30000", "30000", "30000"), LAUNCH, None, THRESHOLDS)
    assert advice.warnings == ()


def test_thresholds_in_force_on_the_launch_date() -> None:
    before = advise_procedure(
        estimate("45000", "45000", "45000"), dt.date(2026, 3, 31), None, THRESHOLDS
    )
    after = advise_procedure(
        estimate("45000", "45000", "45000"), dt.date(2026, 4, 1), None, THRESHOLDS
    )
    assert (before.code, after.code) == (ProcedureCode.MAPA, ProcedureCode.EXEMPT)
    assert before.period.exemption == D(40000) and after.period.exemption == D(60000)


@pytest.mark.parametrize(
    ("budget", "over", "fragment"),
    [
        ("15000", True, "dépasse le budget de 500,00 € HT (3,3 % du budget)"),
        ("20000", False, "reste sous le budget de 4 500,00 € HT (22,5 % du budget)"),
        ("15500", False, "couvre exactement"),
    ],
)
def test_the_declared_budget_is_compared(budget: str, over: bool, fragment: str) -> None:
    advice = advise_procedure(estimate("11000", "15500", "23000"), LAUNCH, D(budget), THRESHOLDS)
    assert advice.budget is not None
    assert advice.budget.over is over
    assert advice.budget.difference == D("15500") - D(budget)
    assert fragment in flat(advice.budget.sentence)
    assert advice.as_json()["budget"]["depasse"] is over  # type: ignore[index]
