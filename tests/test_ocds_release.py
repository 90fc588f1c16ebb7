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


def test_the_release_names_the_buyer_and_each_member_of_the_groupement() -> None:
    """Review of 1 December 2026, groupement N15: the coordinator runs the procedure and buys; each
    member that joins buys its own share."""
    from webpass.documents.terms import dce_terms

    selection = open_dossier(REPO / "examples" / "communaute-de-communes").selection
    terms = dce_terms(selection)
    release = ocds_release(
        selection, build_grid(selection), build_document(selection), terms.joining_members
    )
    first = release["releases"][0]
    parties = first["parties"]
    coordinator = parties[0]
    assert coordinator["roles"] == ["buyer", "procuringEntity"]
    # Review R11 (4th reading): an identifier names its org-id.guide list.
    assert coordinator["identifier"] == {
        "scheme": "FR-RCS",
        "id": "242900660",
        "legalName": "Communauté de communes du Pays Fouesnantais",
    }
    assert first["buyer"]["id"] == coordinator["id"] == first["tender"]["procuringEntity"]["id"]
    members = [p for p in parties[1:] if p["roles"] == ["buyer"]]
    assert len(members) == len(terms.joining_members) == 7
    # Review R11: each commune carries the SIREN the members annex gives it.
    fouesnant = next(p for p in members if p["name"] == "Commune de Fouesnant")
    assert fouesnant["identifier"] == {
        "scheme": "FR-RCS",
        "id": "212900583",
        "legalName": "Commune de Fouesnant",
    }
    assert all(p["identifier"]["scheme"] == "FR-RCS" for p in members)
    assert len({p["id"] for p in parties}) == len(parties)
    # The estimate stays the buyer's: published, it would pull the prices up.
    assert "value" not in first["tender"]
