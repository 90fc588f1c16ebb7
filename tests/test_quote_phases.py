"""A small commune's quote form prices its build by phase, with the requirements grouped under
them, and asks unit prices for later changes outside its total; the response grid carries the
same price lines, so the two never disagree."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import plain_text
from webpass.documents.cctp import TableBlock
from webpass.documents.dce import assemble_dce
from webpass.documents.pieces import PieceKind
from webpass.documents.price_phases import Phase, phase_groups, priced_by_phase, split_parts
from webpass.documents.quotes import quote_form_document
from webpass.documents.terms import DceTerms, PriceKind, dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid

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


def test_the_build_is_priced_by_the_seven_named_phases_each_once(terms: DceTerms) -> None:
    lines = terms.price_lines
    phases = [line.title for line in lines if line.covers]
    yearly = [line for line in lines if line.kind is PriceKind.YEARLY]
    # The seven phases, each on one line, then the yearly hosting and maintenance.
    assert phases == [phase.label for phase in Phase]
    assert [line.item_id for line in yearly] == ["H08", "M04"]
    rows = _tables(terms)["Détail des prix"].rows
    priced = [row for row in rows if row[1] in ("forfait", "an")]
    assert len(priced) == len(lines) == 9
    # A phase is named by its work, not by the code of its first requirement.
    labels = [row[0].replace("\xa0", " ").replace("\u202f", " ") for row in priced[:7]]
    assert [label.split(" : ")[0] for label in labels] == [phase.label for phase in Phase]
    assert any(label.startswith("Développement et intégration : exigences C01") for label in labels)


def test_the_acceptance_testing_and_the_go_live_are_one_phase(terms: DceTerms) -> None:
    launch = next(line for line in terms.price_lines if line.title == Phase.LAUNCH.label)
    assert {"M01", "M02", "M03", "G06", "I03"} <= set(launch.covers)


def test_every_service_is_in_exactly_one_line(terms: DceTerms) -> None:
    """Every requirement is paid by one line, but those that run from the build to the term:
    their part until the going online by their phase, the rest by the yearly hosting, each line
    naming its part (M01, N03, G07 were priced twice, the bidder not knowing where)."""
    selection = terms.selection
    every = [s.item.id for s in selection.items]
    covered = [
        i for line in terms.price_lines for i in (line.covers or (line.item_id, *line.includes))
    ]
    split = split_parts(selection)
    assert set(split) == {"M01", "N03", "G07"}
    assert sorted(covered) == sorted(every + list(split))
    # The running duties of the hosting are paid by the yearly hosting line.
    hosting = next(line for line in terms.price_lines if line.item_id == "H08")
    assert {"H01", "H02", "H07", *split} <= set(hosting.includes)
    launch = next(line for line in terms.price_lines if line.title == Phase.LAUNCH.label)
    assert {"M01", "N03"} <= set(launch.covers)
    # Each line of the form names the part it pays.
    rows = [row[0] for row in _form_rows(terms)]
    hosting_row = next(row for row in rows if row.startswith("H08"))
    launch_row = next(row for row in rows if row.startswith(Phase.LAUNCH.label))
    assert "M01 (après la mise en ligne)" in hosting_row
    assert "M01 (jusqu'à la mise en ligne)" in launch_row
    assert "G07 (renouvellement)" in hosting_row
    assert "N03 (export de test" in launch_row and "N03 (export annuel" in hosting_row
    # And so does the response grid's list of the lines that pay the unpriced requirements.
    m01 = next(row for row in build_grid(selection).rows if row.id == "M01")
    assert [part for _, part in m01.priced_in] == list(split["M01"])


def _form_rows(terms: DceTerms) -> list[tuple[str, ...]]:
    return [
        tuple(plain_text(cell) for cell in row)
        for article in quote_form_document(terms).walk()
        for block in article.blocks
        for row in getattr(block, "rows", [])
    ]


def test_the_form_says_the_lump_sums_pay_every_other_requirement(terms: DceTerms) -> None:
    text = " ".join(
        run if isinstance(run, str) else run.text
        for article in quote_form_document(terms).walk()
        for block in article.blocks
        for run in getattr(block, "runs", ())
    )
    assert "rémunèrent toutes les exigences du CCTP autres que celles des lignes annuelles" in (
        text
    )


def test_the_training_and_the_documentation_are_two_phases_on_one_account_each(
    terms: DceTerms,
) -> None:
    # rev11b § 3: the training (6184 or 611) and the guides (2051) on their own lines, so the
    # M57 imputation is read on the quote, not estimated by a key.
    catalog = terms.selection.catalog
    groups = {g.phase: g for g in phase_groups(terms.selection)}
    assert groups[Phase.TRAINING].item_ids == ("L03", "L04")
    assert groups[Phase.DOCUMENTATION].item_ids == ("L05",)
    for phase in (Phase.TRAINING, Phase.DOCUMENTATION):
        (line,) = [line for line in terms.price_lines if line.title == phase.label]
        group = groups[phase]
        assert group.account_split is None and line.detail is None
        assert len(group.accounts) == 1
        assert {
            catalog.item(i).cost.budget_account  # type: ignore[union-attr]
            for i in group.item_ids
        } == {group.account}
    assert groups[Phase.TRAINING].account is not groups[Phase.DOCUMENTATION].account


def test_the_grid_and_the_quote_form_carry_the_same_price_lines(terms: DceTerms) -> None:
    grid = build_grid(terms.selection)
    carried = {row.id for row in grid.rows if row.price}
    assert carried == {line.item_id for line in terms.price_lines}
    groups = phase_groups(terms.selection)
    covered = {i for group in groups for i in group.item_ids if i != group.carrier}
    assert covered and not any(row.price for row in grid.rows if row.id in covered)
    bundle = assemble_dce(terms.selection)
    ids = bundle.price_ids()
    assert ids[PieceKind.QUOTE_FORM.display] == ids[PieceKind.GRID.display] == carried
    assert bundle.check() == []


def test_every_unpriced_grid_row_names_the_line_that_pays_it(terms: DceTerms) -> None:
    grid = build_grid(terms.selection)
    groups = {group.carrier: group for group in phase_groups(terms.selection)}
    for row in grid.rows:
        if row.price:
            assert row.priced_in == ()
            continue
        assert row.priced_in, row.id
        for paying, _ in row.priced_in:
            carrier = paying.rsplit(" ", 1)[-1]
            if carrier in groups:
                assert groups[carrier].phase.label in paying
                assert row.id in groups[carrier].item_ids
            else:
                line = next(line for line in terms.price_lines if line.item_id == carrier)
                assert row.id in line.includes
    workbook = openpyxl.load_workbook(io.BytesIO(export_grid(grid, "xlsx")))
    notes = " ".join(
        str(cell.value) for row in workbook.worksheets[0].iter_rows() for cell in row if cell.value
    )
    notes = notes.replace("\xa0", " ").replace("\u202f", " ")
    assert "Phase « Développement et intégration », prix sur la ligne C01 : " in notes
    assert "Ligne annuelle H08 : G07 (renouvellement), H01" in notes
    assert "M01 (jusqu'à la mise en ligne)" in notes.replace("’", "'")


def test_later_changes_have_unit_prices_outside_the_total(terms: DceTerms) -> None:
    tables = _tables(terms)
    complementary = tables["Prix unitaires des évolutions (hors total)"]
    units = [row[1] for row in complementary.rows]
    assert units == ["jour", "page ou gabarit", "demi-journée"]
    assert all(row[2] == "" for row in complementary.rows)  # the bidder writes the price
    totals = [row[0] for row in tables["Détail des prix"].rows]
    # No PSE in a quote request, hence no « offre de base » (review M10).
    assert "Total HT du devis" in totals and "offre de base" not in " ".join(totals)
    assert not any("Journée de développement" in label for label in totals)


def test_a_groupement_keeps_one_line_per_requirement() -> None:
    selection = open_dossier(GROUPEMENT).selection
    assert not priced_by_phase(selection)
    assert phase_groups(selection) == []
    assert not any(line.covers for line in dce_terms(selection).price_lines)


def test_phase_prices_far_from_their_work_are_flagged(terms: DceTerms) -> None:
    """An acompte is worth the work it pays (review of 1 December 2026, N7): the CCAP asks each
    phase's price to be its work's value; phases priced far from it are flagged by the check
    and in the RAO, and the example offers no longer do so."""
    from decimal import Decimal

    from webpass.compare.run import compare_offers
    from webpass.documents.ccap import ccap_document
    from webpass.documents.coherence import document_text
    from webpass.documents.instalments import PHASE_VALUE_RULE, phase_imbalance
    from webpass.dossier.opening import open_dossier as open_folder

    selection = terms.selection
    ccap = plain_text(document_text(ccap_document(terms))).replace("’", "'")
    assert plain_text(PHASE_VALUE_RULE).replace("’", "'") in ccap
    carriers = {group.phase: group.carrier for group in phase_groups(selection)}
    skewed = {
        carriers[Phase.DESIGN]: Decimal(5071),
        carriers[Phase.CONCEPTION]: Decimal(1400),
        carriers[Phase.BUILD]: Decimal(766),
        carriers[Phase.LAUNCH]: Decimal(910),
        carriers[Phase.CONTENT]: Decimal(4633),
        carriers[Phase.TRAINING]: Decimal(2936),
    }
    warning = phase_imbalance(selection, skewed)
    assert warning is not None
    assert "5\u00a0%" in warning and "41\u00a0%" in warning
    balanced = dict(skewed, **{carriers[Phase.BUILD]: Decimal(9000)})
    balanced[carriers[Phase.DESIGN]] = Decimal(2000)
    balanced[carriers[Phase.LAUNCH]] = Decimal(1500)
    assert phase_imbalance(selection, balanced) is None
    # The last acompte is the buyer's hold on the admission (review of 1 December 2026, M5): a
    # « Recette et mise en ligne » at 1.6 % of the lump sum is flagged, what the buyer pays
    # before admitting the site said.
    thin = dict(balanced, **{carriers[Phase.LAUNCH]: Decimal(270)})
    launch = phase_imbalance(selection, thin)
    assert launch is not None and "« Recette et mise en ligne », payée à l'admission" in launch
    share = Decimal(270) * 100 / sum(thin.values(), Decimal(0))
    paid = f"{100 - share:.1f}".replace(".", ",")
    assert f"vaut {share:.1f}".replace(".", ",") in launch
    assert f"en paierait {paid}\u00a0% avant d'avoir admis le site" in launch
    # `verifier` with the dossier shows it as a remark, never as an irregularity.
    from webpass.grid.check import Severity
    from webpass.grid.verify import PHASE_IMBALANCE, verify_offer

    offer = SMALL / "offres" / "01-exemple-libre-scop.xlsx"
    report = verify_offer(offer, selection)
    assert not [a for a in report.anomalies if a.code == PHASE_IMBALANCE]
    report.amounts.update(thin)
    report.anomalies.clear()
    from webpass.grid.verify import _phase_remark

    _phase_remark(report, selection)
    (remark,) = report.anomalies
    assert remark.severity is Severity.INFO and remark.code == PHASE_IMBALANCE
    # The example offers price each phase near its work, the admission included; the RAO
    # lists an imbalance among the points to clear before the award.
    comparison = compare_offers(open_folder(SMALL), sorted((SMALL / "offres").glob("*.xlsx")))
    assert comparison.ranked
    assert not any("Prix de phase" in remark for o in comparison.ranked for remark in o.remarks)
    for entry in comparison.ranked:
        amounts = entry.offer.report.amounts
        lump = sum((amounts[carrier] for carrier in carriers.values()), Decimal(0))
        assert amounts[carriers[Phase.LAUNCH]] / lump > Decimal("0.05"), entry.name
    # The training and the documentation being two phases, the financing plan's investment
    # is the offer's own prices, with no part estimated by webpass (review M3, rev11b § 3).
    from webpass.documents.coherence import document_text
    from webpass.documents.rao import build_rao

    rao = plain_text(document_text(build_rao(comparison)))
    plan = rao.split("plan de financement prévisionnel de l'investissement")[1]
    assert "part imputée" not in plan.split(" compte :")[0]
    assert "dans l'attente de la ventilation du titulaire" not in plan
