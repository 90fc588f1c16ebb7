"""The grid carries no per-requirement weight: nothing scores with it, so a bidder who unhides the
« Dossier » tab must not find what looks like a hidden scoring (the award criteria of the RC or
the letter are the only scoring)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.carried import LINE_LABEL, MARKER, carried_lines, read_carried, seal
from webpass.grid.export import export_grid

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("example", "rules"),
    [
        ("petite-commune", "la lettre de consultation"),
        ("communaute-de-communes", "le règlement de la consultation"),
    ],
)
def test_the_hidden_sheet_says_it_scores_nothing(example: str, rules: str) -> None:
    grid = build_grid(open_dossier(ROOT / "examples" / example).selection)
    book = openpyxl.load_workbook(io.BytesIO(export_grid(grid, "xlsx")))
    marker = next(row[1].value for row in book["Dossier"].iter_rows() if row[0].value == MARKER)
    assert "ni note ni pondération" in str(marker)
    assert f"critères annoncés par {rules}" in str(marker)


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_no_sheet_of_the_grid_carries_a_weight(example: str) -> None:
    grid = build_grid(open_dossier(ROOT / "examples" / example).selection)
    book = openpyxl.load_workbook(io.BytesIO(export_grid(grid, "xlsx")))
    lines = [
        json.loads(str(row[1].value))
        for row in book["Dossier"].iter_rows()
        if row[0].value == LINE_LABEL
    ]
    assert len(lines) == len(grid.rows) + 1
    assert not [line for line in lines if "weight" in line or "poids" in line]
    texts = " ".join(
        str(cell.value).lower() for sheet in book for row in sheet.iter_rows() for cell in row
    )
    assert "weight" not in texts and "poids de l" not in texts


def test_a_grid_sent_with_weights_is_still_checked_by_its_seal() -> None:
    """Grids exported before carried a « weight » on each line: read, and the weight dropped."""
    grid = build_grid(open_dossier(ROOT / "examples" / "petite-commune").selection)
    lines = carried_lines(grid)
    old = [lines[0]]
    for line in lines[1:]:
        record = json.loads(line)
        record["weight"] = 3
        old.append(json.dumps(record, ensure_ascii=True, sort_keys=True, separators=(",", ":")))
    pairs = [(LINE_LABEL, line) for line in old] + [("Sceau", seal(old))]
    carried = read_carried(pairs, "offre.xlsx", "onglet « Dossier »")
    assert carried is not None
    assert [row.id for row in carried.rows] == [row.id for row in grid.rows]
    assert carried.rows[0].fingerprint == grid.rows[0].fingerprint
