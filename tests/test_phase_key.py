"""The key that splits a phase charged to two accounts: the estimate's figures first."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.aid.attach import _phase_lines
from webpass.catalog.model import BudgetAccount, CostNature
from webpass.documents.price_phases import Phase, PhaseGroup
from webpass.dossier.opening import open_dossier

SMALL = Path(__file__).resolve().parents[1] / "examples" / "petite-commune"
SELECTION = open_dossier(SMALL).selection
# The quote form now prices the training and the documentation apart; a phase still charged to
# two accounts (another catalogue, another split of the phases) is split by this key.
SPLIT = PhaseGroup(
    Phase.TRAINING,
    ("L03", "L04", "L05"),
    "L03",
    ((BudgetAccount.TRAINING, ("L03", "L04")), (BudgetAccount.RIGHTS, ("L05",))),
)


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(1, 10_000_000))
def test_the_phase_split_follows_the_estimate_training_line(cents: int) -> None:
    # rev11b § 4 no 3: the small commune's estimate puts L03 and L04 at 600 € (the socle's
    # training); the key takes that figure, not the sheets' 1 050 + 1 200 €, and L05's sheet
    # middle (650 €) since the estimate has no line of its own for it.
    price = Decimal(cents) / 100
    training = next(c for c in SELECTION.estimate.components if c.covers)
    assert training.amount.central == Decimal("600.00")
    running, rights = _phase_lines(SELECTION, SPLIT, price)
    assert running.nature is CostNature.OPERATING and rights.nature is CostNature.INVESTMENT
    assert running.estimated_share == Decimal("600.00") / Decimal("1250.00")
    assert running.amount == (price * running.estimated_share).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert running.amount + rights.amount == price
    for line in (running, rights):
        assert "pour L03, L04 selon l'estimation, formation initiale du socle" in line.label
        assert "pour L05, milieu de la fourchette de sa fiche" in line.label
