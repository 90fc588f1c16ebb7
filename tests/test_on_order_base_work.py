"""A service bought on purchase orders (E07, the council sessions) is base work in every piece:
required in the grid and its control data, never a PSE; its orders stay within the maximum."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl

from tests.conftest import sessions_groupement
from webpass.documents.terms import order_maximum
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.model import MANDATORY

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = sessions_groupement()
REAL_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "communaute-de-communes"
OFFERS = sorted((REAL_EXAMPLE / "offres").glob("*.xlsx"))


def test_an_option_bought_on_order_is_a_base_requirement_of_the_grid() -> None:
    selection = open_dossier(EXAMPLE).selection
    e07 = next(s for s in selection.items if s.item.id == "E07")
    assert e07.on_order and not e07.is_pse and e07.mandatory
    row = next(r for r in build_grid(selection).rows if r.id == "E07")
    assert row.mandatory and row.strength_label == MANDATORY
    # F13 stays the one PSE: an option, never a requirement of the base.
    f13 = next(r for r in build_grid(selection).rows if r.id == "F13")
    assert not f13.mandatory


def test_the_ocds_file_publishes_e07_as_required(tmp_path: Path) -> None:
    from webpass.documents.cctp import build_document
    from webpass.documents.dce import ocds_release

    selection = open_dossier(EXAMPLE).selection
    release = ocds_release(selection, build_grid(selection), build_document(selection))
    levels = {
        requirement["id"]: requirement["webpass"]["niveauExigence"]
        for criterion in release["releases"][0]["tender"]["criteria"]
        for group in criterion["requirementGroups"]
        for requirement in group["requirements"]
    }
    assert (levels["E07"], levels["F13"]) == (MANDATORY, "PSE (réponse exigée)")


def _with_e07_price(tmp_path: Path, unit_price: int) -> list[Path]:
    offers = []
    for path in OFFERS:
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        offers.append(copy)
    target = tmp_path / "02-cooperative-communs-numeriques.xlsx"
    book = openpyxl.load_workbook(target)
    for row in book.worksheets[2].iter_rows(min_row=2):
        if row[0].value == "E07":
            row[4].value = unit_price
    book.save(target)
    return offers


def test_the_announced_maximum_of_the_sessions() -> None:
    # The comparer's check of orders beyond the maximum needs offers priced with E07, which the
    # example offers no longer carry (E07 left the example): not covered here any more.
    maximum = order_maximum(open_dossier(EXAMPLE).selection)
    assert maximum == Decimal(36000)  # the figure the CCAP §3 and the acte d'engagement print


def test_a_pse_is_priced_outside_the_totals_of_the_base(tmp_path: Path) -> None:
    from io import BytesIO

    from webpass.grid.check import check_offer
    from webpass.grid.export import export_prices
    from webpass.grid.labels import load_labels
    from webpass.grid.read import read_filled_grid

    opened = open_dossier(EXAMPLE)
    grid = build_grid(opened.selection)
    assert [row.id for row in grid.rows if row.pse] == ["F13"]
    book = openpyxl.load_workbook(BytesIO(export_prices(grid)))
    cells = list(book["DPGF"].iter_rows(values_only=True))
    base_total = next(i for i, row in enumerate(cells) if row[1] and "solution de base" in row[1])
    f13 = next(i for i, row in enumerate(cells) if row[0] == "F13")
    assert f13 > base_total  # F13 below the base total, never inside its SUM range
    assert cells[base_total][2] == f"=SUM(C2:C{base_total - 1})"
    assert any(row[1] and row[1].startswith("Total des PSE") for row in cells[f13:])
    # The filled example: the DPGF total of the base leaves F13 out, the offer's total has it.
    offer = read_filled_grid(REAL_EXAMPLE / "offres" / "02-cooperative-communs-numeriques.xlsx")
    report = check_offer(offer, load_labels(opened.catalog.root), grid)
    assert report.totals["pse"] == report.amounts["F13"] > 0
    assert (
        report.totals["total"]
        == report.totals["dpgf"] + report.totals["dqe"] + report.totals["pse"]
    )
    requirements = openpyxl.load_workbook(
        REAL_EXAMPLE / "offres" / "02-cooperative-communs-numeriques.xlsx"
    )["Exigences"]
    formulas = [c.value for c in requirements["K"] if isinstance(c.value, str) and "SUM" in c.value]
    assert any('"<>PSE (réponse exigée)"' in f for f in formulas)
