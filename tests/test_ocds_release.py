"""The OCDS release of the DCE (review of 1 December 2026, n° 26): the tender it publishes is open."""

from __future__ import annotations

from tests.conftest import REPO
from webpass.documents.cctp import build_document
from webpass.documents.dce import ocds_release
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid


def test_the_released_tender_is_open() -> None:
    selection = open_dossier(REPO / "examples" / "communaute-de-communes").selection
    release = ocds_release(selection, build_grid(selection), build_document(selection))
    first = release["releases"][0]
    assert first["tag"] == ["tender"] and first["tender"]["status"] == "active"
