"""A small commune's quote leaves no price outside the contract: the unit prices of later
changes rest on a review clause of the CCAP (R2194-1) and no licence or fee may be due beyond
the prices of the form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webpass.documents.ccap import build_ccap
from webpass.documents.coherence import document_text
from webpass.documents.quotes import quote_form_document
from webpass.documents.terms import DceTerms, dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune"
GROUPEMENT = REPO / "examples" / "communaute-de-communes"


def _plain(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def terms() -> DceTerms:
    return dce_terms(open_dossier(SMALL).selection)


@pytest.fixture(scope="module")
def ccap(terms: DceTerms) -> str:
    return _plain(document_text(build_ccap(terms.selection)))


def test_the_ccap_has_a_review_clause_for_the_unit_prices(terms: DceTerms, ccap: str) -> None:
    assert "Clause de réexamen (article R2194-1" in ccap
    # Its scope is the form's unit prices, each named, and nothing else.
    for price in terms.data.complementary:
        assert price.designation.lower() in ccap
    assert "et elles seules" in ccap
    # How they are ordered, at which prices, up to which ceiling.
    assert "ordre de service écrit" in ccap
    assert "10 % du montant total hors taxes du marché" in ccap
    assert "prix unitaires des évolutions portés au formulaire de devis sont établis" in ccap
    assert "révisables dans les mêmes conditions" in ccap


def test_the_form_sends_the_unit_prices_to_the_review_clause(terms: DceTerms) -> None:
    form = _plain(document_text(quote_form_document(terms)))
    assert "clause de réexamen de l'article 5 du CCAP" in form.replace("’", "'")
    # The form no longer claims that the grid holds the same unit prices.
    assert "ne figurent que dans ce formulaire" in form
    assert not any(row.title.startswith("Journée") for row in build_grid(terms.selection).rows)


def test_a_groupement_has_no_review_clause() -> None:
    ccap = document_text(build_ccap(open_dossier(GROUPEMENT).selection))
    assert "Clause de réexamen" not in ccap


def test_no_licence_or_fee_is_due_outside_the_prices(terms: DceTerms, ccap: str) -> None:
    flat = ccap.replace("’", "'")
    assert "sans autre redevance que celles indiquées dans l'offre" not in flat
    assert "aucune licence ni redevance n'est due en dehors de ces prix" in flat
    assert (
        "Aucune licence, aucun abonnement ni aucune redevance n'est dû au titulaire en dehors"
        in flat
    )
    grid = {row.id: _plain(row.text).replace("’", "'") for row in build_grid(terms.selection).rows}
    # G01's proprietary tool and N01's pre-existing elements: their fees sit inside the prices.
    assert "qu'il comprend dans ses prix annuels" in grid["G01"]
    assert "Aucune licence ni redevance n'est due en dehors des prix du marché" in grid["G01"]
    assert "comprise dans les prix du marché" in grid["N01"]
