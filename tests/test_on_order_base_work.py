"""A service bought on purchase orders (E07, the council sessions) is base work in every piece:
required in the grid and its control data, never a PSE; its orders stay within the maximum."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from webpass.cli import cli
from webpass.documents.terms import order_maximum
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.model import MANDATORY

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "communaute-de-communes"
OFFERS = sorted((EXAMPLE / "offres").glob("*.xlsx"))


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
    assert (levels["E07"], levels["F13"]) == (MANDATORY, "Option (PSE)")


def _with_e07_price(tmp_path: Path, unit_price: int) -> list[Path]:
    offers = []
    for path in OFFERS:
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        offers.append(copy)
    target = tmp_path / "02-cooperative-communs-numeriques.xlsx"
    book = openpyxl.load_workbook(target)
    for row in book["BPU"].iter_rows(min_row=2):
        if row[0].value == "E07":
            row[4].value = unit_price
    book.save(target)
    return offers


def test_orders_beyond_the_announced_maximum_are_flagged(tmp_path: Path) -> None:
    maximum = order_maximum(open_dossier(EXAMPLE).selection)
    assert maximum == Decimal(36000)  # the figure the CCAP §3 and the acte d'engagement print
    runner = CliRunner()

    def remarks(unit_price: int) -> list[str]:
        offers = _with_e07_price(tmp_path, unit_price)
        result = runner.invoke(cli, ["comparer", str(EXAMPLE), *map(str, offers), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        coop = next(o for o in data["classement"] if o["candidat"].startswith("Coopérative"))
        return [r for r in coop["remarques"] if "maximum" in r]

    # 24 sessions at 2 000 € = 48 000 € HT: the buyer could not order what it planned.
    flagged = remarks(2000)
    assert len(flagged) == 1
    assert "48\u00a0000,00" in flagged[0] and "36\u00a0000,00" in flagged[0]
    # 24 sessions at 1 500 € = 36 000 € HT: exactly the maximum, nothing to flag.
    assert remarks(1500) == []
