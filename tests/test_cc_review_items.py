"""Findings of the review of the groupement's dossier (December 2026): the RAO names no aid that
does not apply and no place from nowhere, the training covers every administrator K03 counts,
and no connector cost lies outside the price pieces."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from webpass.compare.run import compare_offers
from webpass.documents.cctp import CctpDocument, Paragraph, build_document, item_wording
from webpass.documents.rao import build_rao
from webpass.dossier.opening import Dossier, open_dossier
from webpass.grid.build import build_grid
from webpass.untrusted.safe_yaml import load_yaml_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "communaute-de-communes"


def _flat(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


@pytest.fixture(scope="module")
def opened() -> Dossier:
    return open_dossier(EXAMPLE)


def _texts(document: CctpDocument) -> list[tuple[str, str]]:
    """(article title, paragraph text) of every paragraph."""
    return [
        (article.title, "".join(run.text for run in block.runs))
        for article in document.walk()
        for block in article.blocks
        if isinstance(block, Paragraph)
    ]


def test_an_aid_that_does_not_apply_is_no_section_of_the_rao(opened: Dossier) -> None:
    comparison = compare_offers(opened, sorted((EXAMPLE / "offres").glob("*.xlsx")))
    texts = _texts(build_rao(comparison))
    assert not [t for _, t in texts if "Île-de-France" in t]
    # The aids the dossier declares (DSIL, Département) keep their section.
    assert any("DSIL" in t for _, t in texts)
    without = dataclasses.replace(comparison, financing=None)
    document = build_rao(without)
    assert "Aides publiques et reste à charge" not in [a.title for a in document.walk()]
    lines = [t for _, t in _texts(document) if t.startswith("Aucune aide publique ne s")]
    assert len(lines) == 1


def test_the_analyst_notes_name_only_places_of_the_dossier(opened: Dossier) -> None:
    """A real groupement's report quotes the notes: a place they name is one of its members
    (« permanence à Plouvenan » named a commune that exists nowhere)."""
    notes = load_yaml_file(EXAMPLE / "notes.yaml").data
    text = " ".join(
        str(mark["commentaire"]) for offer in notes["offres"].values() for mark in offer.values()
    )
    places = set(re.findall(r"\b(?:à|au|en|sur|vers|depuis) ([A-ZÉÈ][\w'-]+)", text))
    members = {m.name for m in opened.selection.answers.collectivity.members}
    known = members | {"France", "Bretagne", "Finistère"}
    assert {p for p in places if not p.isupper()} <= known


def test_the_training_covers_an_administrator_per_commune_with_its_own_site(
    opened: Dossier,
) -> None:
    selection = opened.selection
    l03 = item_wording(selection.catalog.item("L03"), selection).text
    k03 = item_wording(selection.catalog.item("K03"), selection).text
    assert "au moins un administrateur par commune dotée d'un site propre" in _flat(k03)
    flat = _flat(l03)
    assert "Fouesnant, Bénodet, Saint-Évarzec" in flat
    assert "soit cinq administrateurs formés en tout" in flat


def test_connector_costs_are_in_the_price_of_their_own_line(opened: Dossier) -> None:
    selection = opened.selection
    f08 = _flat(item_wording(selection.catalog.item("F08"), selection).text)
    assert "à part" not in f08
    assert "aucun coût de connecteur n'est facturé à l'acheteur en dehors de ce prix" in f08
    row = next(r for r in build_grid(selection).rows if r.id == "F08")
    assert row.price == "dpgf"
    assert any("coûts de connecteur" in t for _, t in _texts(build_document(selection)))
