"""What a bidder may fill on the Exigences tab, and what the Candidat tab tells it: a « Valeur »
cell is open only where a number is asked, and the tab says where a written answer goes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_a_value_cell_is_open_only_where_a_number_is_asked(example: str) -> None:
    grid = build_grid(open_dossier(ROOT / "examples" / example).selection)
    sheet = openpyxl.load_workbook(io.BytesIO(export_grid(grid, "xlsx")))["Exigences"]
    headers = [c.value for c in sheet[1]]
    value, conformity = headers.index("Valeur"), headers.index("Conformité")
    kinds = {row.id: row.answer_kind for row in grid.rows}
    # Neither example asks a number any more (the warranty is the CCAP's, F01 a conformity):
    # every « Valeur » is locked.
    assert "nombre" not in kinds.values()
    for cells in sheet.iter_rows(min_row=2, max_row=len(grid.rows) + 1):
        item = str(cells[0].value)
        # A presentation (« Information ») asks no answer: its conformity cell is closed.
        assert cells[conformity].protection.locked is (kinds[item] == "information"), item
        assert cells[value].protection.locked is (kinds[item] != "nombre"), item


def test_the_candidate_tab_says_where_a_written_answer_goes() -> None:
    grid = build_grid(open_dossier(ROOT / "examples" / "petite-commune").selection)
    sheet = openpyxl.load_workbook(io.BytesIO(export_grid(grid, "xlsx"))).worksheets[0]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    justification = next(t for t in texts if t.startswith("«\u00a0Justification\u00a0»"))
    assert "votre réponse" in justification and "décrire" in justification
    # No number is asked: the tab does not explain a column nobody fills.
    assert not any(t.startswith("«\u00a0Valeur\u00a0»") for t in texts)
