"""Shared fixtures: a small valid catalogue to break on purpose, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from webpass.resources import shipped_catalog_dir

REPO = Path(__file__).resolve().parent.parent

MINI_ITEMS = """\
# yaml-language-server: $schema=../schema/items.schema.json
section:
  id: essai
  lettre: Z
  titre: Section d'essai
items:
  - id: Z01
    titre: Mentions légales
    niveau: 1
    profil: tous
    exigence: obligation_legale
    clause: |
      Le site de {{ collectivite.designation }} comporte une page de mentions légales
      accessible depuis toutes les pages.
    reponse: {type: conformite, question: Le candidat livre la page de mentions légales.}
    normes: [{ref: LCEN, precision: article 6}]
  - id: Z02
    titre: Publication des actes
    niveau: 3
    profil: tous
    exigence: obligation_legale
    conditions:
      - un_parmi:
          - {critere: population, au_moins: 3500}
          - {fait: publication_electronique_actes}
    sinon: recommande
    requiert: [Z01]
    clause: |
      Les actes sont publiés sous {{ delai }} jours.
    parametres:
      - {cle: delai, libelle: Délai de publication, type: entier, defaut: 2}
    reponse: {type: nombre, question: Délai de mise en ligne, minimum: 1, unite: jours}
    cout: {min: "500.00", max: "1500.00", nature: investissement, periodicite: ponctuel}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mini_catalog(tmp_path: Path) -> Path:
    """A valid catalogue with the shipped reference files and two items of our own."""
    root = tmp_path / "catalogue"
    (root / "items").mkdir(parents=True)
    for name in ("catalogue.yaml", "levels.yaml", "normes.yaml"):
        shutil.copy(shipped_catalog_dir() / name, root / name)
    (root / "items" / "01-essai.yaml").write_text(MINI_ITEMS, encoding="utf-8")
    return root


def append_items(root: Path, text: str) -> None:
    """Add raw YAML items at the end of the mini catalogue's item file."""
    path = root / "items" / "01-essai.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
