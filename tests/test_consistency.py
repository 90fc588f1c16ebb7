"""Contradictions inside the catalogue and inside a dossier: each one is found on a crafted case.

The shipped catalogue and both examples must pass with no finding; every contradiction named by
the December 2026 clause review is rebuilt here on purpose and must be reported, with the items
involved.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import answers_from_text
from webpass.catalog import load_catalog
from webpass.catalog.loaded import Catalog
from webpass.cli import cli
from webpass.core.errors import InputError
from webpass.core.resources import shipped_catalog_dir
from webpass.selection.consistency import (
    Finding,
    catalog_findings,
    dossier_findings,
    ensure_consistent,
)
from webpass.selection.engine import Selection, select

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "examples" / "petite-commune" / "webpass.yaml"
GROUPEMENT = REPO / "examples" / "communaute-de-communes" / "webpass.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(shipped_catalog_dir())


def crafted_catalog(tmp_path: Path, edit: dict[str, tuple[str, str]]) -> Catalog:
    """A copy of the shipped catalogue with textual edits: file → (old text, new text)."""
    root = tmp_path / "catalogue"
    shutil.copytree(shipped_catalog_dir(), root)
    for name, (old, new) in edit.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_catalog(root)


def dossier(catalog: Catalog, base: Path, change: dict[str, object]) -> Selection:
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        target = data
        *path, last = dotted.split(".")
        for key in path:
            target = target.setdefault(key, {})
        target[last] = value
    return select(catalog, answers_from_text(yaml.safe_dump(data, allow_unicode=True)))


def rules(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    return {f.rule: f.items for f in findings}


# --- the shipped data is coherent ------------------------------------------------------------


def test_shipped_catalogue_has_no_contradiction(catalog: Catalog) -> None:
    assert catalog_findings(catalog) == []


@pytest.mark.parametrize("example", [SMALL, GROUPEMENT], ids=["petite-commune", "groupement"])
def test_examples_have_no_contradiction(catalog: Catalog, example: Path) -> None:
    assert dossier_findings(dossier(catalog, example, {})) == []


# --- dossier rules ---------------------------------------------------------------------------


def test_page_count_entered_once_and_reused(catalog: Catalog) -> None:
    selection = dossier(catalog, SMALL, {})
    from webpass.documents.cctp import render_clause

    # L01 takes the 35 pages entered under A03 instead of its own default of 50.
    assert "35" in render_clause(catalog.item("L01"), selection)
    assert "50" not in render_clause(catalog.item("L01"), selection)


def test_page_count_entered_twice_is_found(catalog: Catalog) -> None:
    selection = dossier(catalog, SMALL, {"valeurs.L01": {"nombre_pages": 50}})
    found = rules(dossier_findings(selection))
    assert found["valeur-saisie-deux-fois"] == ("A03", "L01")


def test_contributors_entered_twice_is_found(catalog: Catalog) -> None:
    selection = dossier(catalog, SMALL, {"valeurs.L04": {"nb_contributeurs": 5}})
    found = rules(dossier_findings(selection))
    assert found["valeur-saisie-deux-fois"] == ("A02", "L04")


def test_free_software_is_decided_by_one_answer(catalog: Catalog) -> None:
    from webpass.documents.cctp import render_clause

    free = dossier(catalog, SMALL, {"faits.logiciel_libre_exige": True})
    assert "N02" in free.ids
    assert "exige un logiciel libre" in " ".join(render_clause(catalog.item("G01"), free).split())
    open_choice = dossier(catalog, SMALL, {})
    assert "N02" not in open_choice.ids
    assert "n'impose aucun outil" in " ".join(
        render_clause(catalog.item("G01"), open_choice).split()
    )


def test_free_software_demanded_against_the_answer_is_found(catalog: Catalog) -> None:
    selection = dossier(catalog, SMALL, {"options.retenues": ["N02"]})
    found = rules(dossier_findings(selection))
    assert "N02" in found["selection-contradictoire"]


def test_five_teleservices_resting_on_options_are_found(catalog: Catalog) -> None:
    selection = dossier(
        catalog,
        GROUPEMENT,
        {"options.fermes": [], "options.retenues": ["E02", "E06", "F03", "F04", "F06"]},
    )
    found = rules(dossier_findings(selection))
    assert found["teleservices-insuffisants"][0] == "F01"
    assert {"E02", "E06", "F03", "F04", "F06"} <= set(found["teleservices-insuffisants"])


def test_mandatory_requirement_resting_on_a_pse_is_found(catalog: Catalog) -> None:
    selection = dossier(
        catalog,
        GROUPEMENT,
        {"options.fermes": ["E02", "E06", "F03", "F04", "F06"], "options.retenues": ["F05"]},
    )
    found = rules(dossier_findings(selection))
    assert found["exigence-sur-option"] == ("F03", "F05")


def test_missing_environmental_condition_is_found(catalog: Catalog) -> None:
    selection = dossier(
        catalog,
        SMALL,
        {"options.exclues": [{"id": "G13", "justification": "essai"}]},
    )
    found = rules(dossier_findings(selection))
    assert "G13" in found["sans-condition-environnementale"]


# --- catalogue rules -------------------------------------------------------------------------


def test_hosting_zone_stated_twice_is_found(tmp_path: Path) -> None:
    # J01 given its own, different, hosting field: the same value would be entered twice.
    crafted = crafted_catalog(
        tmp_path,
        {
            "items/10-donnees-juridique.yaml": (
                "      - cle: delai_destruction_jours\n",
                "      - cle: zone_hebergement\n"
                "        libelle: Zone des transferts admis\n"
                "        type: choix\n"
                '        choix: ["dans l\'Union européenne", "hors de l\'Union avec accord"]\n'
                "        defaut: hors de l'Union avec accord\n"
                "      - cle: delai_destruction_jours\n",
            )
        },
    )
    found = rules(catalog_findings(crafted))
    assert set(found["champ-partage-divergent"]) >= {"H01", "J01"}


def test_mandatory_item_requiring_an_option_is_found(tmp_path: Path) -> None:
    crafted = crafted_catalog(
        tmp_path,
        {
            "items/01-cadre.yaml": (
                "    exigence: minimum_webpass\n    clause: |\n      Par le présent marché",
                "    exigence: minimum_webpass\n    requiert: [D07]\n    clause: |\n      Par le présent marché",
            )
        },
    )
    assert rules(catalog_findings(crafted))["obligatoire-requiert-option"] == ("A01", "D07")


def test_unit_price_without_bpu_line_is_found(tmp_path: Path) -> None:
    crafted = crafted_catalog(
        tmp_path,
        {
            "items/12-accompagnement.yaml": (
                "{{ marche.reprise_au_dela }}.",
                "{{ marche.reprise_au_dela }}. Les pages en plus sont payées au prix unitaire.",
            )
        },
    )
    assert rules(catalog_findings(crafted))["prix-unitaire-sans-bpu"] == ("L01",)


def test_legal_duty_dropped_for_a_small_project_is_found(tmp_path: Path) -> None:
    crafted = crafted_catalog(
        tmp_path,
        {
            "items/03-contenus.yaml": (
                "    titre: Page « Mentions légales »\n",
                "    titre: Page « Mentions légales »\n"
                "    proportion:\n"
                "      - tailles: [petit]\n"
                "        intensite: allegee\n"
                "        ecartee: true\n"
                "        explication: Essai d'une obligation écartée.\n",
            )
        },
    )
    assert rules(catalog_findings(crafted))["obligation-allegee"] == ("C04",)


def test_reference_written_twice_is_found(tmp_path: Path) -> None:
    crafted = crafted_catalog(
        tmp_path,
        {
            "items/09-accessibilite.yaml": (
                "      - ref: LOI-2005-102\n",
                "      - ref: LOI-2005-102\n        precision: article 47\n",
            )
        },
    )
    found = rules(catalog_findings(crafted))
    assert found["reference-repetee"][0].startswith("I")


def test_catalogue_valider_reports_contradictions(runner: CliRunner, tmp_path: Path) -> None:
    crafted_catalog(
        tmp_path,
        {
            "items/01-cadre.yaml": (
                "    exigence: minimum_webpass\n    clause: |\n      Par le présent marché",
                "    exigence: minimum_webpass\n    requiert: [D07]\n    clause: |\n      Par le présent marché",
            )
        },
    )
    result = runner.invoke(cli, ["catalogue", "valider", str(tmp_path / "catalogue")])
    assert result.exit_code == 1
    assert "obligatoire-requiert-option" in result.output and "01-cadre.yaml" in result.output


# --- generer refuses a contradictory CCTP unless forced ----------------------------------------


def test_generer_refuses_then_forces(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["valeurs"]["L01"] = {"nombre_pages": 50}
    (folder / "webpass.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = runner.invoke(cli, ["generer", str(folder), "--format", "html"])
    assert refused.exit_code == 1
    assert "valeur-saisie-deux-fois" in refused.output
    assert not list(folder.glob("*.html"))
    forced = runner.invoke(cli, ["generer", str(folder), "--format", "html", "--forcer"])
    assert forced.exit_code == 0, forced.output
    assert list(folder.glob("*.html"))
    assert "valeur-saisie-deux-fois" in forced.output


def test_ensure_consistent_raises_with_the_items(catalog: Catalog) -> None:
    selection = dossier(catalog, SMALL, {"valeurs.L01": {"nombre_pages": 50}})
    with pytest.raises(InputError, match="A03, L01"):
        ensure_consistent(selection)
    assert ensure_consistent(selection, force=True)
