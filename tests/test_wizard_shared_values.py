"""A field shared by several items is one value in the terminal wizard (`webpass nouveau`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ANSWERS, REPO, append_items
from test_wizard import SCRIPT, wizard

from webpass.cli import cli
from webpass.dossier.answers import load_answers

# Two retained items with the same field, which has no proposed value (as A03 and L01).
SHARED_ITEMS = """\
  - id: Z03
    titre: État des lieux
    niveau: 1
    profil: tous
    exigence: minimum_webpass
    clause: Le site actuel compte environ {{ nombre_pages }} pages.
    parametres:
      - {cle: nombre_pages, libelle: Nombre de pages du site actuel, type: entier, min: 1}
    reponse: {type: conformite}
  - id: Z04
    titre: Reprise des contenus
    niveau: 1
    profil: tous
    exigence: minimum_webpass
    clause: Le titulaire reprend les {{ nombre_pages }} pages du site actuel.
    parametres:
      - {cle: nombre_pages, libelle: Nombre de pages du site actuel, type: entier, min: 1}
    reponse: {type: conformite}
"""
LABEL = "Z03, Z04 — Nombre de pages du site actuel"


@pytest.fixture
def shared_catalog(options_catalog: Path) -> Path:
    append_items(options_catalog, SHARED_ITEMS)
    return options_catalog


def _html(runner: CliRunner, folder: Path, out: Path) -> dict[str, bytes]:
    result = runner.invoke(cli, ["generer", str(folder), "--format", "html", "--sortie", str(out)])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("example", ["petite-commune", "communaute-de-communes"])
def test_defaults_rerun_on_a_shipped_example_gives_the_same_documents(
    runner: CliRunner, tmp_path: Path, example: str
) -> None:
    folder = tmp_path / example
    shutil.copytree(REPO / "examples" / example, folder)
    before = _html(runner, folder, tmp_path / "avant")
    given = load_answers(folder)[0].values

    result = runner.invoke(cli, ["nouveau", str(folder), "--defaut"])
    assert result.exit_code == 0, result.output

    # A03 gives the number of pages L01 uses too: it stays written once, under A03.
    values = load_answers(folder)[0].values
    assert values["A03"]["nombre_pages"] == given["A03"]["nombre_pages"]
    assert "nombre_pages" not in values.get("L01", {})
    assert _html(runner, folder, tmp_path / "apres") == before


def test_a_customising_person_is_asked_a_shared_value_once(
    runner: CliRunner, shared_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier"
    # Customise the fields: Z02's delay (proposal kept), then the shared number of pages.
    lines = [*SCRIPT[:-2], "o", "", "35", "o"]
    result = wizard(runner, folder, shared_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert output.count("Nombre de pages du site actuel") == 1
    assert LABEL in output
    assert load_answers(folder)[0].values == {"Z03": {"nombre_pages": 35}}


def _dossier_with(tmp_path: Path, values: str) -> Path:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(ANSWERS + values, encoding="utf-8")
    return folder


def test_a_copy_of_the_value_under_another_item_is_folded_into_one(
    runner: CliRunner, shared_catalog: Path, tmp_path: Path
) -> None:
    folder = _dossier_with(
        tmp_path, "valeurs:\n  Z03: {nombre_pages: 35}\n  Z04: {nombre_pages: 35}\n"
    )
    result = runner.invoke(
        cli, ["nouveau", str(folder), "--defaut", "--catalogue", str(shared_catalog)]
    )
    assert result.exit_code == 0, result.output
    assert load_answers(folder)[0].values == {"Z03": {"nombre_pages": 35}}


def test_two_different_values_are_never_settled_without_the_person(
    runner: CliRunner, shared_catalog: Path, tmp_path: Path
) -> None:
    folder = _dossier_with(
        tmp_path, "valeurs:\n  Z03: {nombre_pages: 35}\n  Z04: {nombre_pages: 40}\n"
    )
    before = (folder / "webpass.yaml").read_text(encoding="utf-8")
    result = runner.invoke(
        cli, ["nouveau", str(folder), "--defaut", "--catalogue", str(shared_catalog)]
    )
    assert result.exit_code == 2, result.output
    assert LABEL in result.output and "Z03 : 35 ; Z04 : 40" in result.output
    assert (folder / "webpass.yaml").read_text(encoding="utf-8") == before

    # In a terminal the conflict is shown and the value the person gives serves both items.
    # Every other question has a recorded answer taken by an empty line; the conflict has none,
    # so the empty lines that reach it are asked again until « 40 » is typed.
    result = wizard(runner, folder, shared_catalog, [""] * 40 + ["40"] + [""] * 10)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Z03 : 35 ; Z04 : 40" in result.output  # type: ignore[attr-defined]
    assert load_answers(folder)[0].values == {"Z03": {"nombre_pages": 40}}
