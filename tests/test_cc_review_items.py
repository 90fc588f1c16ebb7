"""Findings of the review of the groupement's dossier (December 2026): the RAO names no aid that
does not apply and no place from nowhere, the training covers every administrator K03 counts,
and no connector cost lies outside the price pieces."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from webpass.compare.run import compare_offers
from webpass.documents.cctp import CctpDocument, Paragraph, item_wording
from webpass.documents.connectors import connector_rule
from webpass.documents.phases import delivery_rule
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
    """Review N3: the family portal's exchange was claimed by F03 and by F08, and the publisher's
    connector priced by a bidder who cannot know its tariff. F08 alone prices the exchanges; the
    publisher's licence is the buyer's, in one sentence both clauses would print."""
    selection = opened.selection
    f08 = _flat(item_wording(selection.catalog.item("F08"), selection).text)
    f03 = _flat(item_wording(selection.catalog.item("F03"), selection).text)
    assert "à part" not in f08
    assert "dont celui de l'espace famille (exigence F03)" in f08
    assert _flat(connector_rule(groupement=True)) in f08
    # Review R4: who buys the licence, by when, and a scheduled file import is conforming.
    assert "acquis par le coordonnateur du groupement" in f08
    assert "au plus tard à la validation des maquettes" in f08
    assert "ne court pas pour cet échange" in f08
    assert "importe de façon programmée, sans ressaisie par un agent" in f08
    assert "Cet échange est décrit et chiffré par l'exigence F08" in f03
    assert "coût du connecteur" not in f03 and _flat(connector_rule(groupement=True)) not in f03
    row = next(r for r in build_grid(selection).rows if r.id == "F08")
    assert row.price == "dpgf"


def test_without_f08_the_family_portal_prices_its_own_exchange(opened: Dossier) -> None:
    selection = opened.selection
    without = dataclasses.replace(
        selection, items=[s for s in selection.items if s.item.id != "F08"]
    )
    f03 = _flat(item_wording(selection.catalog.item("F03"), without).text)
    assert "exigence F08" not in f03
    assert "compris dans le prix de la présente exigence" in f03
    assert _flat(connector_rule(groupement=True)) in f03


def test_the_family_portal_pays_through_f02_and_leaves_integration_to_f13(
    opened: Dossier,
) -> None:
    """Review N4: the base asked the families to pay in their space, which is the PSE F13."""
    selection = opened.selection
    f03 = _flat(item_wording(selection.catalog.item("F03"), selection).text)
    assert "consultent et paient" not in f03
    assert "qu'ils paient en ligne par la page « Payer en ligne » de l'exigence F02" in f03
    assert "Le paiement intégré à l'espace famille relève de l'exigence F13" in f03


def test_the_going_online_waits_for_the_buyers_counter_audit(opened: Dossier) -> None:
    """Review N5: the buyer's RGAA audit had no place in time, and the five working days after
    the aptitude decision could run out while the contractor waited for the counter-audit."""
    selection = opened.selection
    rule = _flat(delivery_rule(selection))
    assert (
        "dans les 5 jours ouvrés qui suivent cette décision ou, si elle est postérieure, la remise "
        "du rapport de contre-audit d'accessibilité prévu par l'exigence I02 du CCTP" in rule
    )
    i02 = _flat(item_wording(selection.catalog.item("I02"), selection).text)
    assert i02.startswith("Pendant la vérification d'aptitude, la collectivité fait réaliser")
    a08 = _flat(item_wording(selection.catalog.item("A08"), selection).text)
    assert (
        "la vérification d'aptitude avec l'audit d'accessibilité, les corrections et le "
        "contre-audit de l'exigence I02, la mise en ligne" in a08
    )
    without = dataclasses.replace(
        selection, items=[s for s in selection.items if s.item.id != "I02"]
    )
    assert "contre-audit" not in delivery_rule(without)


def test_the_pledge_names_no_purchase_order_when_the_contract_issues_none(
    opened: Dossier,
) -> None:
    """Review n° 11: the AE's pledge kept « la totalité du bon de commande n° … »."""
    from webpass.documents.ae import build_ae
    from webpass.documents.terms import dce_terms

    assert not dce_terms(opened.selection).on_order
    pledge = next(a for a in build_ae(opened.selection).walk() if a.number == "F")
    text = " ".join(
        "".join(run.text for run in block.runs)
        for block in pledge.blocks
        if isinstance(block, Paragraph)
    )
    assert "la totalité du marché" in text
    assert "bon de commande" not in text
