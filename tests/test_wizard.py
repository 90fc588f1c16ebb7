from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from webpass.catalog import load_catalog
from webpass.cli import cli
from webpass.dossier.answers import load_answers
from webpass.dossier.questionnaire import answers_as_data, contract_questions
from webpass.selection.engine import select

# Answers typed by a secrétaire de mairie, one per question, in the wizard's order.
SCRIPT = [
    "1",  # commune
    "Andel",  # found in the reference: Andel (22), code INSEE 22002
    "o",  # it is the right one
    "",  # the legal population is accepted
    "9",
    "38 000",
    "2 place de la Mairie",
    "mairie@andel.fr",
    "devis@andel.fr",  # the mailbox kept for the quotes, opened after the deadline
    "Marie Exemple",  # the signatory of the consultation letter
    "La maire",
    "andel.fr",
    "2",  # refonte
    "https://www.andel.fr",
    "1",
    "3",
    "48",
    "15 000",
    "2",  # heures par semaine consacrées au site
    "11/01/2030",
    "30/06/2030",
    "2027-SITE-01",
    "n",  # publication électronique des actes
    "n",  # séances filmées
    "n",  # logiciel libre exigé
    "27/06/2022",  # the deliberation that chose how the acts are published (not online)
    "",  # the mode it chose: posting, as proposed
    "n",  # the proposed contract terms are kept
    "1",  # first option offered in section Y
    "-",  # no option in the next section offering some
    "n",  # do not remove recommendations
    "n",  # no advance: under 50 000 € HT the Code does not require one
    "n",  # keep proposed values
    "o",  # save
]

# A groupement found by its SIREN, up to the question of its members' own sites.
PROJECT_AT = SCRIPT.index("andel.fr") + 1  # the first answer about the project
PLOERMEL_COMMUNAUTE = [
    "2",  # communauté de communes
    "200066777",  # CC Ploërmel Communauté
    "o",
    "",  # population of the reference
    "62",
    "410 000",
    "-",
    "-",  # no e-mail address yet: the letter of a consultation by quotes will ask for it
    "-",  # nor a mailbox for the quotes
    "-",  # no signatory yet
    "ploermelcommunaute.bzh",
]


def wizard(runner: CliRunner, folder: Path, catalog: Path, lines: list[str]) -> object:
    return runner.invoke(
        cli,
        ["nouveau", str(folder), "--catalogue", str(catalog)],
        input="\n".join(lines) + "\n",
        env={"WEBPASS_INTERACTIF": "1"},
    )


def test_scripted_wizard_then_replay_gives_same_selection(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier"
    result = wizard(runner, folder, options_catalog, SCRIPT)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    answers, _ = load_answers(folder)
    assert answers.collectivity.department == "Côtes-d'Armor"
    assert (answers.collectivity.name, answers.collectivity.insee) == ("Andel", "22002")
    assert answers.collectivity.population == 1180
    assert answers.project.reference == "2027-SITE-01"
    assert answers.options.chosen == ["Y03"]
    assert answers.project.staff_hours == 2  # one of the inputs of the project's size
    assert answers.collectivity.email == "mairie@andel.fr"
    assert answers.collectivity.offers_email == "devis@andel.fr"
    # Acts not published online: the deliberation that chose the posting (review M1).
    publicity = answers.collectivity.acts_publicity
    assert publicity is not None and publicity.deliberation == date(2022, 6, 27)
    assert publicity.mode.value == "affichage"
    signatory = answers.collectivity.signatory
    assert signatory is not None and (signatory.name, signatory.quality) == (
        "Marie Exemple",
        "La maire",
    )
    catalog = load_catalog(options_catalog)
    first = select(catalog, answers)

    replay = tmp_path / "replay"
    result = runner.invoke(
        cli,
        [
            "nouveau",
            str(replay),
            "--reponses",
            str(folder / "webpass.yaml"),
            "--catalogue",
            str(options_catalog),
        ],
    )
    assert result.exit_code == 0, result.output
    again = select(catalog, load_answers(replay)[0])
    assert again.ids == first.ids
    assert again.estimate == first.estimate


def test_wrong_answers_are_asked_again(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    lines[1:2] = ["22100", "Andell", "22002"]  # a postal code, a misspelt name, then the code
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "c'est un code postal" in output and "Dinan (22, code INSEE 22050)" in output
    assert "vouliez-vous dire" in output and "Andel (22, code INSEE 22002)" in output


def test_rerun_offers_previous_answers(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier"
    assert wizard(runner, folder, options_catalog, SCRIPT).exit_code == 0  # type: ignore[attr-defined]
    before = (folder / "webpass.yaml").read_text(encoding="utf-8")
    result = wizard(runner, folder, options_catalog, [""] * 60)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert (folder / "webpass.yaml").read_text(encoding="utf-8") == before


def test_interrupted_wizard_writes_nothing(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier"
    result = wizard(runner, folder, options_catalog, SCRIPT[:5])  # input ends mid-way (like Ctrl-D)
    assert result.exit_code != 0  # type: ignore[attr-defined]
    assert not (folder / "webpass.yaml").exists()


def test_ctrl_c_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    def interrupt(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("webpass.cli.wizard.click.prompt", interrupt)
    result = wizard(runner, tmp_path / "d", options_catalog, SCRIPT)
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert "rien n'a été écrit" in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "d").exists()


def test_no_terminal_exits_2_at_once(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["nouveau", str(tmp_path / "nouveau-dossier")])
    assert result.exit_code == 2
    assert "--reponses" in result.output
    assert not (tmp_path / "nouveau-dossier").exists()


def test_defaults_without_previous_answers_name_the_question(
    runner: CliRunner, tmp_path: Path, mini_catalog: Path
) -> None:
    result = runner.invoke(
        cli, ["nouveau", str(tmp_path / "d"), "--defaut", "--catalogue", str(mini_catalog)]
    )
    assert result.exit_code == 2
    assert "Nom ou code INSEE de la commune" in result.output


def test_defaults_on_existing_dossier_keep_answers(
    runner: CliRunner, dossier: Path, options_catalog: Path
) -> None:
    before = load_answers(dossier)[0]
    result = runner.invoke(
        cli, ["nouveau", str(dossier), "--defaut", "--catalogue", str(options_catalog)]
    )
    assert result.exit_code == 0, result.output
    after = load_answers(dossier)[0]
    # the questions the file left unanswered now carry their recorded default
    assert after.facts == {
        "publication_electronique_actes": False,
        "seances_conseil_filmees": False,
        "logiciel_libre_exige": False,
    }
    assert after.model_copy(update={"facts": {}}) == before


def test_answers_file_with_mistakes_reports_all(
    runner: CliRunner, tmp_path: Path, dossier: Path, mini_catalog: Path
) -> None:
    bad = (
        (dossier / "webpass.yaml")
        .read_text(encoding="utf-8")
        .replace("population: 1200", "population: zéro")
    )
    bad = bad.replace("niveau_vise: 3", "niveau_vise: 0")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "nouveau",
            str(tmp_path / "out"),
            "--reponses",
            str(tmp_path / "bad.yaml"),
            "--catalogue",
            str(mini_catalog),
        ],
    )
    assert result.exit_code == 1
    assert "population" in result.output
    assert "niveau_vise" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("typed", ["Ploërmel", "56165"])
def test_commune_found_by_name_or_code_fills_the_rest(
    runner: CliRunner, options_catalog: Path, tmp_path: Path, typed: str
) -> None:
    lines = list(SCRIPT)
    lines[1] = typed
    lines[SCRIPT.index("andel.fr")] = "ploermel.bzh"
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output.replace("\u00a0", " ")  # type: ignore[attr-defined]
    assert "10 163 habitants (population légale" in output
    body = load_answers(tmp_path / "d")[0].collectivity
    assert (body.name, body.insee, body.siren) == ("Ploërmel", "56165", "200086791")
    assert (body.department, body.population, body.postal_code) == ("Morbihan", 10163, "56800")


def test_population_typed_over_the_reference_is_said(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    lines[3] = "1 250"
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output.replace("\u00a0", " ")  # type: ignore[attr-defined]
    assert "population déclarée (1 250 habitants), qui remplace" in output
    assert load_answers(tmp_path / "d")[0].collectivity.population == 1250


def test_groupement_by_its_siren_gets_its_members(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = [
        *PLOERMEL_COMMUNAUTE,
        "1,4",  # Ploërmel and Josselin keep their own site
        "ploermel.bzh",
        # Its current site, taken over by the contractor (K02): what a bidder prices it from.
        "https://www.ploermel.bzh",
        "0",  # refused: at least one page
        "180",
        "250",
        "un outil libre",
        "",  # the host left out
        "-",
        "josselin.com",
        "-",  # Josselin has no site yet
        *SCRIPT[PROJECT_AT:ACTS_AT],
        *SCRIPT[ACTS_AT + 2 :],
    ]
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "30 communes membres" in result.output  # type: ignore[attr-defined]
    body = load_answers(tmp_path / "d")[0].collectivity
    assert body.siren == "200066777"
    assert len(body.members) == 30
    assert all(m.population for m in body.members)
    assert [m.name for m in body.members if m.own_identity] == ["Ploërmel", "Josselin"]
    site = body.members[0].current_site
    assert site is not None and (site.url, site.pages, site.documents) == (
        "https://www.ploermel.bzh",
        180,
        250,
    )
    assert (site.tool, site.host, site.registrar) == ("un outil libre", None, None)
    assert body.members[3].current_site is None


def test_collectivity_absent_from_the_reference_entered_by_hand(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    lines[1:4] = ["manuel", "Kerbriac-sur-Lié", "22987", "-", "22", "1200"]
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    body = load_answers(tmp_path / "d")[0].collectivity
    assert body.manual and body.insee == "22987" and body.population == 1200


# After the reference, the three facts and the deliberation on the acts' publicity and its mode.
CONTRACT_AT = SCRIPT.index("2027-SITE-01") + 6
# An EPCI is not asked the deliberation on its acts' publicity, a commune's question.
ACTS_AT = SCRIPT.index("27/06/2022")
EPCI_SCRIPT = SCRIPT[:ACTS_AT] + SCRIPT[ACTS_AT + 2 :]
EPCI_CONTRACT_AT = CONTRACT_AT - 2


def test_staff_hours_are_checked_and_asked_again(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    at = lines.index("2")  # the first "2" is the redesign; the staff hours come later
    at = lines.index("2", at + 1)
    lines[at : at + 1] = ["401", "beaucoup", "-"]
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "Heures par semaine que vos agents consacreront au site" in output
    assert "au plus 400" in output and "« beaucoup » n'est pas un nombre entier" in output
    assert load_answers(tmp_path / "d")[0].project.staff_hours is None  # « - »: not known


def test_a_commune_sets_its_contract_terms(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = list(SCRIPT)
    lines[CONTRACT_AT : CONTRACT_AT + 1] = [
        "o",  # change the contract terms
        "3",  # cession exclusive
        "40",  # refused: 5 to 30
        "12,5 %",
        "24 000",
        "0,125",  # refused: two decimals at most
        "0,2",
        "Service de gestion comptable de Dinan",
        "200",  # refused: 30 to 180 days
        "45",
    ]
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "Qui achète" not in output  # a commune buys for itself
    assert "le nombre doit être entre 5 et 30 %" in output
    assert "deux décimales au plus" in output
    terms = load_answers(tmp_path / "d")[0].contract
    assert terms is not None
    assert terms.intellectual_property.value == "cession_exclusive"
    assert (terms.advance_rate, terms.order_maximum, terms.fixed_share) == (
        Decimal("12.5"),
        Decimal("24000"),
        Decimal("0.2"),
    )
    assert terms.accountant == "Service de gestion comptable de Dinan"
    # No imputation is asked: each price line has its account (2051 never for running costs).
    assert "Imputation" not in output
    assert terms.offer_validity_days == 45
    # Proposed again as they were typed, and kept when the wizard is run again.
    recorded = answers_as_data(load_answers(tmp_path / "d")[0])
    proposed = {q.key: q.proposed(recorded, date.today()) for q in contract_questions(recorded)}
    assert (proposed["taux_avance"], proposed["part_fixe"]) == ("12,5", "0,2")
    assert proposed["maximum_bons"] == "24 000,00"
    again = wizard(runner, tmp_path / "d", options_catalog, [""] * 80)
    assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
    assert load_answers(tmp_path / "d")[0].contract == terms


def test_a_groupement_says_who_joins_its_groupement_de_commandes(
    runner: CliRunner, options_catalog: Path, tmp_path: Path
) -> None:
    lines = [
        *PLOERMEL_COMMUNAUTE,
        "-",  # no member keeps its own site
        *EPCI_SCRIPT[PROJECT_AT:EPCI_CONTRACT_AT],
        "o",
        "1",  # groupement de commandes
        "Ploërmel, Paris",  # Paris is not a member: asked again
        "ploermel ; JOSSELIN",
        "",  # the family portal serves only the communes' competences
        *[""] * 6,  # the other terms as proposed
        *EPCI_SCRIPT[EPCI_CONTRACT_AT + 1 :],
    ]
    result = wizard(runner, tmp_path / "d", options_catalog, lines)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "« Paris » n'est pas une commune membre du groupement" in result.output  # type: ignore[attr-defined]
    terms = load_answers(tmp_path / "d")[0].contract
    assert terms is not None
    assert terms.setup.value == "groupement_de_commandes"
    assert terms.joining_members == ["Ploërmel", "Josselin"]
    assert (terms.advance_rate, terms.fixed_share) == (Decimal(5), Decimal("0.15"))


def test_a_rerun_keeps_the_contract_terms_and_the_criteria_it_does_not_ask(
    runner: CliRunner, dossier: Path, options_catalog: Path
) -> None:
    answers = dossier / "webpass.yaml"
    answers.write_text(
        answers.read_text(encoding="utf-8")
        + "marche:\n  propriete_intellectuelle: regime_ccag\n  taux_avance: '20'\n"
        + "criteres:\n  date_limite_offres: 2027-02-20\n  liste:\n"
        + "    - {nom: Technique, poids: 70, nature: note_analyste}\n"
        + "    - {nom: Prix, poids: 30, nature: prix}\n",
        encoding="utf-8",
    )
    before = load_answers(dossier)[0]
    result = runner.invoke(
        cli, ["nouveau", str(dossier), "--defaut", "--catalogue", str(options_catalog)]
    )
    assert result.exit_code == 0, result.output
    after = load_answers(dossier)[0]
    assert after.contract == before.contract and after.contract is not None
    assert after.contract.advance_rate == Decimal(20)
    assert after.award == before.award and after.award is not None
