"""``webpass subvention MONTANT``: JSON and French output, amounts as people type them, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_subsidy_rules import TWO_SCHEMES, write_rules
from webpass.cli import cli

# Inside the Webpass period, territory not given: a simulation with the rules' amount.
DATE = ["--date", "2010-06-01"]


def run_json(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["subvention", *args, *DATE, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_json_gives_the_issue_fields(runner: CliRunner) -> None:
    data = run_json(runner, "30000")
    assert {k: data[k] for k in ("base_eligible", "taux", "plafond", "subvention")} == {
        "base_eligible": "30000.00",
        "taux": "0.40",
        "plafond": "20000.00",
        "subvention": "12000.00",
    }
    assert data["reste_a_charge"] == "18000.00"
    assert data["eligible"] is True
    assert data["motifs"] == []
    assert data["eligibilite_verifiee"] is False
    assert data["profil"] == "commune"
    assert data["date"] == "2010-06-01"
    # the scheme's status and territory, and why the figure is only a simulation
    assert (data["statut_dispositif"], data["territoire"]) == ("historique", "Île-de-France")
    assert data["dispositif"]["id"] == "webpass"  # type: ignore[index]
    assert (data["statut_calcul"], data["simulation"]) == ("simulation", True)
    assert any("territoire non vérifié" in r for r in data["motifs_simulation"])  # type: ignore[attr-defined]
    steps = data["etapes"]
    assert isinstance(steps, list) and steps
    assert {"titre", "detail", "montant"} <= set(steps[0])


@pytest.mark.parametrize(
    ("typed", "base", "subsidy"),
    [
        ("30000", "30000.00", "12000.00"),
        ("30 000", "30000.00", "12000.00"),
        ("30 000,50", "30000.50", "12000.20"),
        ("30000.50", "30000.50", "12000.20"),
        ("30 000,50 €", "30000.50", "12000.20"),
        ("30\u00a0000,50\u00a0€", "30000.50", "12000.20"),
        ("0", "0.00", "0.00"),
    ],
)
def test_amounts_as_people_type_them(
    runner: CliRunner, typed: str, base: str, subsidy: str
) -> None:
    data = run_json(runner, typed)
    assert (data["base_eligible"], data["subvention"]) == (base, subsidy)


@pytest.mark.parametrize(
    ("profile", "typed", "subsidy", "cap", "capped"),
    [
        ("commune", "50000", "20000.00", "20000.00", False),
        ("commune", "100000", "20000.00", "20000.00", True),
        ("groupement", "62500", "25000.00", "25000.00", False),
        ("groupement", "80 000", "25000.00", "25000.00", True),
        ("GROUPEMENT", "30000", "12000.00", "25000.00", False),
    ],
)
def test_profiles_and_caps(
    runner: CliRunner, profile: str, typed: str, subsidy: str, cap: str, capped: bool
) -> None:
    data = run_json(runner, typed, "--profil", profile)
    assert (data["subvention"], data["plafond"], data["plafond_atteint"]) == (subsidy, cap, capped)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("-5000", "négatif"),
        ("", "aucun montant"),
        ("   ", "aucun montant"),
        ("trente mille", "pas un montant lisible"),
        ("NaN", "pas un montant lisible"),
        ("1e9999", "pas un montant lisible"),
        ("12,5,3", "pas un montant lisible"),
    ],
)
def test_bad_amounts_exit_1_in_french(runner: CliRunner, typed: str, fragment: str) -> None:
    result = runner.invoke(cli, ["subvention", typed, *DATE])
    assert result.exit_code == 1, result.output
    assert fragment in result.stderr
    assert result.stderr.startswith("Erreur : MONTANT")
    assert "Traceback" not in result.output


def test_an_empty_folder_is_not_a_dossier(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["subvention", str(tmp_path)])
    assert result.exit_code == 1
    assert "webpass nouveau" in result.stderr


def test_dossier_mode_checks_eligibility_and_financing(
    runner: CliRunner, dossier: Path, options_catalog: Path
) -> None:
    result = runner.invoke(
        cli, ["subvention", str(dossier), "--json", "--catalogue", str(options_catalog)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # one téléservice at most in the options catalogue: not eligible, 0 €, the reason given
    assert data["eligible"] is False
    assert data["subvention"] == "0.00"
    assert any("téléservice" in reason for reason in data["motifs"])
    # the central investment of the estimate: the level-3 socle's creation for 1,200
    # inhabitants, its initial training (an operating expense) set aside
    assert data["base_eligible"] == "10900.00"
    assert data["financement"]["problemes"] == []
    # a Breton commune in 2027: the Webpass scheme does not apply, with the reasons
    assert (data["non_applicable"], data["simulation"]) == (True, False)
    assert any("hors territoire" in r for r in data["motifs_simulation"])


def test_offer_mode_needs_a_dossier(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["subvention", "30000", "--offre", "x.xlsx"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("date", "code", "fragment"),
    [
        ("2026-02-30", 2, "n'est pas une date valide"),
        ("2026/06/01", 2, "AAAA-MM-JJ"),
    ],
)
def test_bad_dates(runner: CliRunner, date: str, code: int, fragment: str) -> None:
    result = runner.invoke(cli, ["subvention", "30000", "--date", date])
    assert result.exit_code == code, result.output
    assert fragment in result.stderr


def test_without_date_uses_today(runner: CliRunner) -> None:
    # Today lies outside the 2009-2010 scheme: not applicable, 0 €, the rules' figure kept apart.
    result = runner.invoke(cli, ["subvention", "30000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["subvention"], data["montant_calcule"]) == ("0.00", "12000.00")
    assert (data["statut_calcul"], data["reste_a_charge"]) == ("non_applicable", "30000.00")


def test_an_aid_of_another_region_is_never_counted(runner: CliRunner) -> None:
    args = ["subvention", "80 000", "--profil", "groupement", "--date", "2027-02-01"]
    text = flat(runner.invoke(cli, [*args, "--departement", "29"]).stdout)
    assert "NON APPLICABLE" in text and "hors territoire" in text and "Bretagne" in text
    assert "Non applicable 0,00 €" in text
    # No remaining cost printed as if computed from a scheme that covers nothing (00:20
    # reading, N7): the step says why there is none.
    assert "Reste à charge 80 000,00 € HT" not in text
    assert "Reste à charge : sans objet : ce dispositif ne couvre pas ce dossier" in text
    assert "Simulation" not in text


def test_a_groupement_s_whole_figures_are_labelled_as_such(
    runner: CliRunner, tmp_path: Path
) -> None:
    """00:20 reading, N7: `subvention --offre` on the groupement printed the whole groupement's
    remaining cost (95 088 €) above the coordinator's own plan, for a scheme « non applicable »."""
    from tests.conftest import REPO

    example = REPO / "examples" / "communaute-de-communes"
    offer = example / "offres" / "02-cooperative-communs-numeriques.xlsx"
    result = runner.invoke(cli, ["subvention", str(example), "--offre", str(offer)])
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "NON APPLICABLE" in text
    assert "95 088,00 € HT" not in text and "Reste à charge du groupement" not in text
    assert "Base éligible du groupement (toutes parts) 55 362,03 € HT" in text
    assert "l’investissement de l’offre du groupement (toutes parts) (55 362,03 € HT)" in text
    assert "Coût 18 373,11 € HT − aides 12 000,00 € = 6 373,11 €" in text
    # A scheme that may cover the dossier: its remaining cost is printed, as the groupement's.
    schemes = tmp_path / "dispositifs.yaml"
    schemes.write_text(FINISTERE, encoding="utf-8")
    args = ["--dispositifs", str(schemes), "--dispositif", "essai_29"]
    covered = runner.invoke(cli, ["subvention", str(example), "--offre", str(offer), *args])
    assert covered.exit_code == 0, covered.output
    text = flat(covered.stdout)
    assert "Montants du groupement (toutes parts)" in text
    assert "Simulation du groupement (toutes parts) 11 072,41 €" in text
    assert "Reste à charge du groupement (toutes parts) 84 015,59 € HT" in text


FINISTERE = """\
dispositifs:
  - id: essai_29
    intitule: Aide d'essai
    financeur: Département du Finistère
    statut: hypothese
    territoire: {departements: ["29"]}
    du: 2027-01-01
    sources: [essai]
    depenses:
      natures_eligibles: [investissement]
      exemples_eligibles: [réalisation du site]
    profils:
      groupement: {taux: "0.20", plafond: "30000.00"}
"""


def test_readable_french_explanation(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["subvention", "80 000", "--profil", "groupement", *DATE])
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "Webpass — aide régionale" in text and "groupement" in text
    assert "1er juin 2010" in text
    assert "SIMULATION" in text and "territoire non vérifié" in text
    assert "80 000,00 € HT × 40 % = 32 000,00 €" in text
    assert "ramené au plafond" in text
    assert "Simulation 25 000,00 €" in text
    assert "Reste à charge 55 000,00 € HT" in text
    assert "Non vérifiée" in text


AMOUNT = re.compile(r"\d{1,3}(?:\u00a0\d{3})*,\d{2,}\u00a0€(?:\u00a0HT)?")


def test_amounts_are_never_split_across_lines(runner: CliRunner) -> None:
    # Whatever the terminal width, "50 000,00 € HT" stays whole on one line.
    def amounts(columns: int) -> list[str]:
        result = runner.invoke(
            cli, ["subvention", "49 999,99", *DATE], env={"COLUMNS": str(columns)}
        )
        assert result.exit_code == 0
        return AMOUNT.findall(result.stdout)

    unwrapped = amounts(1000)
    assert "50\u00a0000,00\u00a0€\u00a0HT" in unwrapped
    for columns in range(40, 121, 3):
        assert amounts(columns) == unwrapped, columns


def test_another_catalogue_brings_its_own_rules(runner: CliRunner, tmp_path: Path) -> None:
    root = write_rules(tmp_path, TWO_SCHEMES)
    result = runner.invoke(
        cli,
        [
            *("subvention", "100000", "--catalogue", str(root)),
            *("--dispositif", "departemental", "--departement", "22"),
            *("--date", "2026-06-01", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["taux"], data["subvention"], data["simulation"]) == ("0.50", "30000.00", False)
    assert data["statut_calcul"] == "montant_maximal_sollicitable"


def test_an_ile_de_france_commune_in_2009_may_request_the_webpass_aid(runner: CliRunner) -> None:
    args = ["subvention", "30000", "--date", "2009-06-01", "--departement", "Essonne"]
    data = json.loads(runner.invoke(cli, [*args, "--json"]).stdout)
    assert (data["subvention"], data["simulation"]) == ("12000.00", False)
    assert data["statut_calcul"] == "montant_maximal_sollicitable"
    assert data["motifs_simulation"] == []
    text = flat(runner.invoke(cli, args).stdout)
    assert "Montant maximal sollicitable 12 000,00 €" in text
    assert "SIMULATION" not in text


def test_groupement_cap(runner: CliRunner) -> None:
    data = run_json(runner, "62500", "--profil", "groupement")
    assert data["subvention"] == "25000.00"


def test_unknown_scheme_or_department_is_explained(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["subvention", "30000", "--dispositif", "detr", *DATE])
    assert result.exit_code == 1
    assert "dispositifs connus : webpass" in flat(result.stderr)
    result = runner.invoke(cli, ["subvention", "30000", "--departement", "Atlantide", *DATE])
    assert result.exit_code == 1
    assert "--departement" in result.stderr


def test_help_is_french(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["subvention", "--help"])
    assert result.exit_code == 0
    assert "MONTANT" in result.output
    assert "--profil" in result.output
    assert "AAAA-MM-JJ" in result.output
