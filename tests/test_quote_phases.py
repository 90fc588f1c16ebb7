"""A small commune's quote form prices its build by phase, with the requirements grouped under
them, and asks unit prices for later changes outside its total; the response grid carries the
same price lines, so the two never disagree."""

from __future__ import annotations

from pathlib import Path

import pytest

from webpass.documents.cctp import TableBlock
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.documents.price_phases import Phase, phase_groups, priced_by_phase
from webpass.documents.quotes import quote_form_document
from webpass.documents.terms import DceTerms, PriceKind, dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def terms() -> DceTerms:
    return dce_terms(open_dossier(SMALL).selection)


def _tables(terms: DceTerms) -> dict[str, TableBlock]:
    document = quote_form_document(terms)
    return {
        block.caption: block
        for article in document.walk()
        for block in article.blocks
        if isinstance(block, TableBlock) and block.caption
    }


def test_the_build_is_priced_by_a_handful_of_phases(terms: DceTerms) -> None:
    lines = terms.price_lines
    phases = {line.title for line in lines if line.covers}
    yearly = [line for line in lines if line.kind is PriceKind.YEARLY]
    # Six phases and the yearly hosting and maintenance, not 34 requirement lines.
    assert len(phases) + 1 in range(6, 9)
    assert [line.item_id for line in yearly] == ["H08", "M04"]
    assert len(lines) <= 10
    rows = _tables(terms)["Détail des prix"].rows
    priced = [row for row in rows if row[1] in ("forfait", "an")]
    assert len(priced) == len(lines)
    assert any(
        row[0].startswith("C01 — Développement et intégration (exigences C01") for row in rows
    )


def test_every_priced_requirement_is_in_exactly_one_line(terms: DceTerms) -> None:
    selection = terms.selection
    priced = [s.item.id for s in selection.items if s.item.cost is not None]
    covered = [i for line in terms.price_lines for i in (line.covers or (line.item_id,))]
    assert sorted(covered) == sorted(priced)


def test_a_line_never_mixes_budget_accounts(terms: DceTerms) -> None:
    catalog = terms.selection.catalog
    for line in terms.price_lines:
        for item_id in line.covers:
            assert catalog.item(item_id).cost.budget_account is line.account  # type: ignore[union-attr]
    training = [line for line in terms.price_lines if line.title == Phase.TRAINING.label]
    assert len({line.account for line in training}) == len(training) == 2


def test_the_grid_and_the_quote_form_carry_the_same_price_lines(terms: DceTerms) -> None:
    grid = build_grid(terms.selection)
    carried = {row.id for row in grid.rows if row.price}
    assert carried == {line.item_id for line in terms.price_lines}
    covered = {i for group in phase_groups(terms.selection) for i in group.item_ids[1:]}
    assert covered and not any(row.price for row in grid.rows if row.id in covered)
    bundle = assemble_dce(terms.selection)
    ids = bundle.price_ids()
    assert ids[PieceKind.QUOTE_FORM.display] == ids[PieceKind.GRID.display] == carried
    assert bundle.check() == []


def test_later_changes_have_unit_prices_outside_the_total(terms: DceTerms) -> None:
    tables = _tables(terms)
    complementary = tables["Prix unitaires des évolutions (hors total)"]
    units = [row[1] for row in complementary.rows]
    assert units == ["jour", "page ou gabarit", "demi-journée"]
    assert all(row[2] == "" for row in complementary.rows)  # the bidder writes the price
    totals = [row[0] for row in tables["Détail des prix"].rows]
    assert "Total HT de l'offre de base" in " ".join(totals).replace("’", "'")
    assert not any("Journée de développement" in label for label in totals)


def test_a_groupement_keeps_one_line_per_requirement() -> None:
    selection = open_dossier(GROUPEMENT).selection
    assert not priced_by_phase(selection)
    assert phase_groups(selection) == []
    assert not any(line.covers for line in dce_terms(selection).price_lines)
