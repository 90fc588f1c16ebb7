"""The CCTP prints as facts only what the collectivity said; the rest is asked or worded as a need.

A catalogue default may propose a choice (a deadline, a number of drafts), never the buyer's
situation (how many documents its site holds, its workstations, a convention it signed); and a
legal duty is cited only where the dossier's answers make it one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from webpass.catalog import load_shipped_catalog
from webpass.catalog.model import Strength
from webpass.core.errors import InputError
from webpass.documents.cctp import item_wording
from webpass.documents.dce import refuse_holes
from webpass.dossier.answers import Answers
from webpass.dossier.opening import build_dossier, open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
EXAMPLES = (COMMUNE, ROOT / "examples" / "communaute-de-communes")


def _reselect(answers: Answers) -> Selection:
    return build_dossier(load_shipped_catalog(), answers, COMMUNE).selection


def _text(selection: Selection, item_id: str) -> str:
    selected = selection.selected(item_id)
    assert selected is not None, item_id
    return " ".join(item_wording(selected.item, selection).text.split())


def test_the_number_of_documents_to_take_over_is_asked_never_proposed() -> None:
    item = load_shipped_catalog().item("L01")
    parameter = next(p for p in item.parameters if p.key == "nombre_documents_repris")
    assert parameter.default is None
    assert all("nombre_documents_repris" not in v.values for v in item.proportion)
    answers = open_dossier(COMMUNE).answers
    values = {k: v for k, v in answers.values.items() if k != "L01"}
    selection = _reselect(answers.model_copy(update={"values": values}))
    assert "à compléter : nombre de documents téléchargeables à reprendre" in _text(
        selection, "L01"
    )
    with pytest.raises(InputError, match=r"valeurs\.L01\.nombre_documents_repris"):
        refuse_holes(selection)


# What only the collectivity knows about its current site and its documents: never proposed.
SITUATION = {
    "A03": ("nombre_pages", "outil_actuel", "hebergeur_actuel", "visites_mensuelles"),
    "L01": ("nombre_pages", "nombre_documents_repris"),
}


def test_the_current_site_is_described_by_the_collectivity_only() -> None:
    catalog = load_shipped_catalog()
    for item_id, keys in SITUATION.items():
        item = catalog.item(item_id)
        for parameter in item.parameters:
            if parameter.key in keys:
                assert parameter.default is None, (item_id, parameter.key)
        assert not any(set(keys) & set(v.values) for v in item.proportion), item_id


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_no_invented_workstation_nor_payfip_convention(example: Path) -> None:
    selection = open_dossier(example).selection
    assert "Windows" not in _text(selection, "G02")
    payment = _text(selection, "F02")
    assert "adhère" not in payment
    assert "restauration scolaire" not in payment or example == COMMUNE
    # A communauté de communes has no mairie nor secrétariat de mairie.
    assert "secrétariat de mairie" not in _text(selection, "I04")
    assert "à la mairie" not in _text(selection, "M07")


def test_acts_published_by_choice_say_posting_remains_the_legal_publicity() -> None:
    selection = open_dossier(COMMUNE).selection
    assert selection.answers.facts["publication_electronique_actes"] is False
    selected = selection.selected("D05")
    assert selected is not None and selected.strength is Strength.RECOMMENDED
    text = _text(selection, "D05")
    assert text.startswith("Par choix de la collectivité")
    # No rule of electronic publication is cited: the rubric informs, posting publishes
    # (review of 1 December 2026), and individual acts go online occulted.
    assert "R2131" not in text
    assert "pour information" in text
    assert "affichage, mode choisi par la délibération du 27 juin 2022 (article L2131-1" in text
    assert "occultation des données personnelles" in text


def test_acts_published_by_law_cite_the_code() -> None:
    answers = open_dossier(COMMUNE).answers
    facts = {**answers.facts, "publication_electronique_actes": True}
    selection = _reselect(answers.model_copy(update={"facts": facts}))
    selected = selection.selected("D05")
    assert selected is not None and selected.strength is Strength.LEGAL
    text = _text(selection, "D05")
    assert "article R2131-1 du CGCT" in text and "Par choix" not in text
