"""The shipped catalogue itself: size, coverage of the levels, currency, and the law."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import answers_from_text
from webpass.catalog import load_shipped_catalog
from webpass.catalog.model import AnswerKind, Strength
from webpass.core.resources import shipped_catalog_dir
from webpass.selection.engine import Reason, select

CATALOG = load_shipped_catalog()

BASE = """\
version_catalogue: "2026.1"
collectivite:
  nom: Essai
  type: commune
  saisie_manuelle: true  # a made-up commune: its population varies from test to test
  code_insee: "35238"
  departement: Ille-et-Vilaine
  population: {population}
  effectif: {staff}
  recettes_annuelles: "{receipts}"
projet:
  nature: creation
  niveau_vise: {level}
  date_lancement: 2027-01-11
"""


def selection_for(population: int = 1200, staff: int = 10, receipts: str = "0", level: int = 3):  # type: ignore[no-untyped-def]
    text = BASE.format(population=population, staff=staff, receipts=receipts, level=level)
    return select(CATALOG, answers_from_text(text))


def reason_of(selection, item_id: str):  # type: ignore[no-untyped-def]
    return next((s.reason for s in selection.items if s.item.id == item_id), None)


def test_size_and_levels() -> None:
    assert len(CATALOG.items) >= 120
    per_level = Counter(item.level for item in CATALOG.items)
    for level in range(1, 6):
        assert per_level[level] >= 8, f"niveau {level} : {per_level[level]} exigences"
    assert len(CATALOG.sections) == 14
    assert sum(item.teleservice for item in CATALOG.items) >= 7


def test_level_aliases_of_the_observatories() -> None:
    for name, number in [
        ("portail local citoyen", 5),
        ("Portail de ville", 5),
        ("coopératif et interactif", 4),
        ("Collaboratif et interactif", 4),
        ("dynamique et d'actualité", 3),
        ("vitrine enrichie", 2),
        ("vitrine", 1),
    ]:
        level = CATALOG.level_named(name)
        assert level is not None and level.number == number, name


def test_every_clause_is_a_real_paragraph() -> None:
    for item in CATALOG.items:
        words = len(item.clause.split())
        assert words >= 25, f"{item.id} : clause de {words} mots"
        assert "TODO" not in item.clause and "lorem" not in item.clause.lower()
        # An information the contract needs is asked by quoting its text (AnswerSpec).
        if item.answer.kind not in (AnswerKind.CONFORMITY, AnswerKind.INFORMATION):
            assert item.answer.information or (
                item.answer.question is not None and item.answer.question.strip()
            )


OBSOLETE = re.compile(
    r"code des march[ée]s publics|ccag[- ]tic\s*(de\s*)?2009|rgaa\s*(v|version\s*)?[23](?![.\d])|dsfr|syst[èe]me de design de l'[ée]tat",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path",
    [*sorted(shipped_catalog_dir().rglob("*.yaml")), shipped_catalog_dir() / "GUIDE.md"],
    ids=lambda p: p.name,
)
def test_no_obsolete_reference(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name == "catalogue.yaml":
        text = text.split("references_obsoletes:")[0]  # the list of banned wordings itself
    text = " ".join(text.split()).replace(STATE_BRAND_BAN, "")
    assert not OBSOLETE.search(text), OBSOLETE.search(text)


# The only sentence that may name the State's design system forbids it (rev7, 1).
STATE_BRAND_BAN = (
    "Le titulaire n'utilise ni la marque de l'État, ni la police Marianne, ni le Système de "
    "design de l'État (DSFR), réservés aux services de l'État."
)


def test_every_dossier_forbids_the_state_brand() -> None:
    # N01 is in every CCTP: a commune's site never takes the State's identity.
    assert STATE_BRAND_BAN in " ".join(CATALOG.item("N01").clause.split())
    assert CATALOG.item("N01").level is None
    mentions = [
        i.id for i in CATALOG.items if "marianne" in i.clause.lower() or "dsfr" in i.clause.lower()
    ]
    assert mentions == ["N01"]


def test_publication_of_acts_follows_the_population() -> None:
    assert reason_of(selection_for(population=1200), "D05") is Reason.TARGET_LEVEL
    assert reason_of(selection_for(population=4000), "D05") is Reason.LEGAL
    # a legal duty whatever the target level
    assert reason_of(selection_for(population=4000, level=1), "D05") is Reason.LEGAL
    assert reason_of(selection_for(population=1200, level=1), "D05") is None


def test_open_data_needs_3500_inhabitants_and_50_agents() -> None:
    assert reason_of(selection_for(population=4000, staff=60), "D13") is Reason.LEGAL
    assert reason_of(selection_for(population=4000, staff=20), "D13") is None
    assert reason_of(selection_for(population=1200, staff=60), "D13") is None


def test_online_payment_from_5000_euros_of_receipts() -> None:
    assert reason_of(selection_for(receipts="5000"), "F02") is Reason.LEGAL
    assert reason_of(selection_for(receipts="4999.99"), "F02") is None


def test_accessibility_and_legal_notice_for_everyone() -> None:
    for level in (1, 5):
        chosen = selection_for(level=level)
        for item_id in ("C04", "C05", "I01"):
            assert reason_of(chosen, item_id) is Reason.LEGAL, (item_id, level)


def test_webpass_minimum_of_a_groupement() -> None:
    groupement = [
        i.id
        for i in CATALOG.items
        if i.strength is Strength.WEBPASS_MINIMUM and i.profile.value == "groupement"
    ]
    assert {"K02", "K03"} <= set(groupement)
