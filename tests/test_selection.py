from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.conftest import ANSWERS, answers_from_text
from webpass.catalog import load_catalog
from webpass.core.resources import shipped_catalog_dir
from webpass.dossier.estimate import ComponentKind
from webpass.dossier.procedure import choose_procedure, load_thresholds
from webpass.selection.engine import Reason, select


def run(options_catalog: Path, extra: str = "", **replace: str) -> object:
    text = ANSWERS
    for old, new in replace.items():
        text = text.replace(old, new)
    return select(load_catalog(options_catalog), answers_from_text(text + extra))


def test_rules_and_reasons(options_catalog: Path) -> None:
    selection = run(options_catalog)
    reasons = {s.item.id: s.reason for s in selection.items}  # type: ignore[attr-defined]
    assert reasons == {
        "Z01": Reason.LEGAL,
        "Y01": Reason.WEBPASS_MINIMUM,
        "Y02": Reason.TARGET_LEVEL,
        "Y05": Reason.DEPENDENCY,
        "Y07": Reason.TARGET_LEVEL,
        # a legal duty only from 3,500 inhabitants; below, its "sinon" makes it a recommendation
        "Z02": Reason.TARGET_LEVEL,
    }
    offered = {s.item.id for s in selection.offered}  # type: ignore[attr-defined]
    assert {"Y03", "Y04"} <= offered
    assert "Y06" in {s.item.id for s in selection.left_out}  # type: ignore[attr-defined]


def test_publication_of_acts_depends_on_population(options_catalog: Path) -> None:
    small = run(options_catalog)
    big = run(options_catalog, **{"population: 1200": "population: 4000"})
    small_z02 = [s for s in small.items if s.item.id == "Z02"]  # type: ignore[attr-defined]
    big_z02 = [s for s in big.items if s.item.id == "Z02"]  # type: ignore[attr-defined]
    assert big_z02[0].reason is Reason.LEGAL
    assert "4\u00a0000 ≥ 3\u00a0500" in big_z02[0].explanation
    assert small_z02[0].reason is Reason.TARGET_LEVEL
    assert "recommandée" in small_z02[0].explanation
    assert "1\u00a0200 < 3\u00a0500" in small_z02[0].explanation


def test_options_exclusions_and_conflicts(options_catalog: Path) -> None:
    extra = "options:\n  retenues: [Y03, Y04]\n  exclues:\n    - {id: Y05, justification: déjà hébergé}\n"
    selection = run(options_catalog, extra)
    assert {"Y03", "Y04"} <= set(selection.ids)  # type: ignore[attr-defined]
    conflicts = "\n".join(selection.conflicts)  # type: ignore[attr-defined]
    assert "Y02 (« Agenda ») nécessite Y05" in conflicts
    assert "Y03 (« Forum ») et Y04 (« Commentaires ») sont incompatibles" in conflicts
    assert selection.teleservices == ["Y03"]  # type: ignore[attr-defined]


def test_estimate_is_the_level_socle_not_a_sum_of_items(options_catalog: Path) -> None:
    estimate = run(options_catalog).estimate  # type: ignore[attr-defined]
    # Level 3, 1,200 inhabitants (coefficient 1): the socle of couts.yaml holds Y01, Y02, Y05
    # and the training days; adding their item prices would count the same work twice. The
    # training is its own one-off operating line, out of the investment (review rev10, § 4).
    assert (estimate.investment.low, estimate.investment.central, estimate.investment.high) == (
        Decimal("8100.00"),
        Decimal("10900.00"),
        Decimal("15000.00"),
    )
    once = estimate.operating_one_off
    assert (once.low, once.central, once.high) == (
        Decimal("400.00"),
        Decimal("600.00"),
        Decimal("1000.00"),
    )
    assert (estimate.yearly.low, estimate.yearly.central, estimate.yearly.high) == (
        Decimal("616.00"),
        Decimal("1000.00"),
        Decimal("1800.00"),
    )
    assert estimate.total.central == Decimal("10900.00") + Decimal("600.00") + 4 * Decimal(
        "1000.00"
    )
    assert {c.kind for c in estimate.components} == {ComponentKind.SOCLE}  # nothing added


def test_procedure_thresholds_are_dated() -> None:
    thresholds = load_thresholds(shipped_catalog_dir())
    amount = Decimal("50000")
    assert choose_procedure(amount, dt.date(2026, 3, 31), thresholds).code == "mapa"
    assert choose_procedure(amount, dt.date(2026, 4, 1), thresholds).code == "dispense"
    assert choose_procedure(Decimal("59999.99"), dt.date(2026, 4, 1), thresholds).code == "dispense"
    assert choose_procedure(Decimal("60000"), dt.date(2026, 4, 1), thresholds).code == "mapa"
    assert choose_procedure(Decimal("90000"), dt.date(2026, 4, 1), thresholds).code == "mapa_boamp"
    assert choose_procedure(Decimal("216000"), dt.date(2026, 4, 1), thresholds).code == "formalisee"
    assert choose_procedure(Decimal("218000"), dt.date(2025, 6, 1), thresholds).code == "mapa_boamp"
