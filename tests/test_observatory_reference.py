"""The observatory with today's denominators, taken from the reference of communes and EPCI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO
from webpass.catalog import load_shipped_catalog
from webpass.cli import cli
from webpass.observatory.denominators import apply_reference
from webpass.observatory.report import build_report

SURVEY = """\
Collectivité;Type;Département;Niveau;Code
Tonquédec;commune;Côtes-d'Armor;Vitrine;22340
Andel;commune;22;Sans site;22002
Inventée;commune;22;Dynamique;22987
Concarneau;commune;22;Vitrine;29039
CC du Pays Fouesnantais;communauté de communes;Finistère;Vitrine;242900660
"""


def test_denominators_are_the_communes_of_each_departement(tmp_path: Path) -> None:
    survey = tmp_path / "releve.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    report = build_report(survey, load_shipped_catalog())
    assert report.types["commune"].collectivities == 4  # the survey's own rows
    apply_reference(report)
    communes = report.types["commune"]
    assert communes.collectivities == 344  # every commune of the Côtes-d'Armor today
    assert communes.with_site == 3
    assert communes.rate == "0.9"
    assert report.types["communaute"].collectivities == 21  # EPCI of the Finistère
    notes = " ".join(report.notes)
    assert "340 absentes" in notes.replace("\u00a0", " ")
    assert "22987" in notes and "aucune commune" in notes
    assert "29039 est celui de Concarneau" in notes
    assert "242900660" not in notes  # a SIREN that exists
    assert "1er janvier 2026" in report.as_json()["denominateurs"]


def test_the_2009_tables_are_unchanged_without_the_reference(runner: CliRunner) -> None:
    survey = REPO / "examples" / "observatoire-bretagne-2009.csv"
    plain = runner.invoke(cli, ["observatoire", "rapport", str(survey), "--json"])
    assert plain.exit_code == 0, plain.output
    data = json.loads(plain.stdout)
    assert data["types"]["commune"]["collectivites"] == 1269
    assert data["types"]["communaute"]["collectivites"] == 119
    assert "denominateurs" not in data

    today = runner.invoke(
        cli, ["observatoire", "rapport", str(survey), "--json", "--referentiel", "--annee", "2009"]
    )
    assert today.exit_code == 0, today.output
    data = json.loads(today.stdout)
    assert data["types"]["commune"]["collectivites"] == 1269  # more rows than communes today
    assert "1er janvier 2026" in today.stderr
