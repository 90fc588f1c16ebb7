"""The availability rate (H02) is a figure the bidder commits to, at least the rate the CCTP
prints: the grid, the OCDS requirements and the check all carry that minimum.

Review of 1 December 2026, n° 6: the first-ranked offer gave no rate at all, and a rate under the
99 % required would have passed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import REPO
from tests.conftest import plain_text as _plain
from webpass.documents.cctp import build_document
from webpass.documents.dce import ocds_release
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import grid_records


@pytest.mark.parametrize(
    ("example", "rate"), [("communaute-de-communes", "99"), ("petite-commune", "97,5")]
)
def test_the_rate_printed_in_the_cctp_is_the_minimum_of_the_answer(example: str, rate: str) -> None:
    selection = open_dossier(REPO / "examples" / example).selection
    grid = build_grid(selection)
    h02 = next(row for row in grid.rows if row.id == "H02")
    assert h02.answer_kind == "nombre" and h02.unit == "%"
    assert h02.minimum == Decimal(rate.replace(",", "."))
    assert f"au moins {rate} %" in _plain(h02.text)
    record = next(r for r in grid_records(grid) if r["Identifiant"] == "H02")
    assert record["Minimum exigé"] == f"{rate} %"
    release = ocds_release(selection, grid, build_document(selection))
    tender = release["releases"][0]["tender"]
    requirements = [
        r
        for criterion in tender["criteria"]
        for g in criterion["requirementGroups"]
        for r in g["requirements"]
    ]
    ocds = next(r for r in requirements if r["id"] == "H02")
    assert ocds["dataType"] == "number"
    assert ocds["minValue"] == float(rate.replace(",", "."))


def test_the_released_tender_is_open() -> None:
    selection = open_dossier(REPO / "examples" / "communaute-de-communes").selection
    release = ocds_release(selection, build_grid(selection), build_document(selection))
    first = release["releases"][0]
    assert first["tag"] == ["tender"] and first["tender"]["status"] == "active"
