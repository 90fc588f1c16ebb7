"""One fingerprint per requirement: the same in the CCTP, its DOCX, the grid and the OCDS file."""

from __future__ import annotations

from pathlib import Path

import pytest

from webpass.documents.cctp import Note, build_document, wording_fingerprint
from webpass.documents.dce import ocds_release
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.render.dispatch import render
from webpass.render.docx import FINGERPRINTS_PROPERTY_PREFIX, read_docx_properties

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_cctp_docx_grid_and_ocds_print_the_same_fingerprint(example: str, tmp_path: Path) -> None:
    selection = open_dossier(REPO / "examples" / example).selection
    document = build_document(selection)
    grid = build_grid(selection)
    ocds = ocds_release(selection, grid, document)

    in_grid = {row.id: row.fingerprint for row in grid.rows}
    in_ocds = {
        requirement["id"]: requirement["webpass"]["empreinte"]
        for criterion in ocds["releases"][0]["tender"]["criteria"]
        for group in criterion["requirementGroups"]
        for requirement in group["requirements"]
    }
    printed = {}
    for article in document.walk():
        if article.item_id:
            badge = next(b for b in article.blocks if isinstance(b, Note) and b.kind == "exigence")
            printed[article.item_id] = "".join(run.text for run in badge.runs).rsplit(" ", 1)[-1]
    docx = tmp_path / "cctp.docx"
    docx.write_bytes(render(document, "docx").data)
    properties = read_docx_properties(docx)
    stored = "".join(
        v for k, v in sorted(properties.items()) if k.startswith(FINGERPRINTS_PROPERTY_PREFIX)
    )
    in_docx = dict(pair.split("=") for pair in stored.split(";"))

    items = [s.item.id for s in selection.items]
    assert len(items) > 50
    for item_id in items:
        expected = document.fingerprints[item_id]
        assert in_grid[item_id] == in_ocds[item_id] == in_docx[item_id] == expected
        # An item stated as a row of a table of needs prints no badge; its fingerprint is in the
        # document's properties and the grid.
        assert printed.get(item_id, expected) == expected
    assert printed, "no requirement of the CCTP prints its fingerprint"


def test_the_fingerprint_is_of_the_rendered_wording() -> None:
    selection = open_dossier(REPO / "examples" / "petite-commune").selection
    row = build_grid(selection).rows[0]
    assert row.fingerprint == wording_fingerprint(row.id, row.title, row.text, row.question)
    # The collectivity's name is part of the printed wording, so of the fingerprint.
    assert "Tonquédec" in row.text
    assert row.fingerprint != selection.catalog.fingerprint(selection.items[0].item)
