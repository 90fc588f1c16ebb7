"""Comparing offers: regularity gate, analyst levels, PSE rule, ties, formulas, notes, RAO, CLI."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ANSWERS, MINI_ITEMS, REPO
from webpass.cli import cli
from webpass.compare.notes import AnalystNotes, Mark, load_notes
from webpass.compare.price_scoring import PriceFormula
from webpass.compare.scoring import (
    Comparison,
    OfferFile,
    rank_offers,
    read_offers,
    score_offers,
)
from webpass.core.errors import ValidationFailed
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.price_phases import phase_groups
from webpass.documents.rao import build_rao
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.grid.labels import load_labels

EXAMPLE = REPO / "examples" / "communaute-de-communes"
EXAMPLE_OFFERS = sorted((EXAMPLE / "offres").glob("*.xlsx"))
SMALL_EXAMPLE = REPO / "examples" / "petite-commune"
SMALL_EXAMPLE_OFFERS = sorted((SMALL_EXAMPLE / "offres").glob("*.xlsx"))

ITEMS = """\
section:
  id: comparaison
  lettre: X
  titre: Section de comparaison
items:
  - id: X01
    titre: Charte graphique
    niveau: 1
    profil: tous
    exigence: minimum_webpass
    clause: Le titulaire conçoit une charte graphique.
    reponse: {type: conformite}
    cout: {min: "2000.00", max: "4000.00", nature: investissement, periodicite: ponctuel}
  - id: X02
    titre: Agenda
    niveau: 2
    profil: tous
    exigence: recommande
    clause: Le site publie un agenda.
    reponse: {type: conformite}
    cout: {min: "500.00", max: "2000.00", nature: investissement, periodicite: ponctuel}
  - id: X03
    titre: Forum
    niveau: 3
    profil: tous
    exigence: optionnel
    clause: Le site offre un forum.
    reponse: {type: conformite}
    cout: {min: "500.00", max: "1000.00", nature: investissement, periodicite: ponctuel}
  - id: X04
    titre: Hébergement
    niveau: null
    profil: tous
    exigence: optionnel
    clause: Le titulaire héberge le site.
    reponse: {type: conformite}
    cout: {min: "300.00", max: "600.00", nature: fonctionnement, periodicite: annuel}
"""

# Two PSE (X03, X04); the buyer retains X04 only. One level is worth 6, 4 and 2 points.
CRITERIA = """\
options:
  retenues: [X03, X04]
criteres:
  formule_prix: classique
  pse:
    decision: avant_analyse
    retenues: [X04]
  liste:
    - nom: Valeur technique
      poids: 50
      sous_criteres:
        - {nom: Méthodologie, poids: 30, nature: note_analyste}
        - {nom: Accessibilité, poids: 20, nature: note_analyste}
    - {nom: Environnement, poids: 10, nature: environnement}
    - {nom: Prix, poids: 40, nature: prix}
"""

NOTES = """\
offres:
  Alpha (fictif):
    Méthodologie: {note: 3, commentaire: Planning sommaire.}
    Accessibilité: {note: 2, commentaire: Aucun audit prévu.}
    Environnement: {note: 2, commentaire: Engagement général sans indicateur.}
  Bêta (fictif):
    Méthodologie: {note: 4, commentaire: Démarche détaillée.}
    Accessibilité: {note: 4, commentaire: Audit par un tiers.}
    Environnement: {note: 3, commentaire: Grille RGESN remplie.}
"""

# id → (conformity, value, justification, price): a DPGF price, or a BPU unit price for X04.
Answers = dict[str, tuple[str, str, str, str]]
ALPHA: Answers = {
    "Z01": ("Conforme", "", "", ""),
    "Z02": ("Conforme", "2", "", "1000"),
    "X01": ("Conforme", "", "", "3000"),
    "X02": ("Conforme", "", "", "1500"),
    "X03": ("Conforme", "", "", "500"),
    "X04": ("Conforme", "", "", "300"),
}
BETA: Answers = {
    "Z01": ("Conforme", "", "", ""),
    "Z02": ("Conforme", "1", "", "1500"),
    "X01": ("Conforme", "", "", "4000"),
    "X02": ("Conforme", "", "", "2000"),
    "X03": ("Conforme", "", "", "1000"),
    "X04": ("Conforme", "", "", "400"),
}
GAMMA: Answers = {**BETA, "X01": ("Non conforme", "", "Charte reprise de l'existant.", "100")}
DELTA: Answers = {**BETA, "X04": ("Non conforme", "", "Hébergement par la collectivité.", "0")}


def compare_dossier(tmp_path: Path, mini_catalog: Path) -> tuple[Path, Path]:
    """A dossier with two PSE and analyst-marked criteria, with its catalogue."""
    (mini_catalog / "items" / "02-comparaison.yaml").write_text(ITEMS, encoding="utf-8")
    folder = tmp_path / "petit"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(ANSWERS + CRITERIA, encoding="utf-8")
    return folder, mini_catalog


@pytest.fixture
def small(tmp_path: Path, mini_catalog: Path) -> tuple[Path, Path]:
    """A dossier with two PSE and analyst-marked criteria, with its catalogue."""
    return compare_dossier(tmp_path, mini_catalog)


def write_offer(folder: Path, catalog: Path, name: str, answers: Answers) -> Path:
    """Export the dossier's grid as YAML and fill it as a bidder would."""
    selection = open_dossier(folder, catalog).selection
    grid = build_grid(selection)
    # A commune's quotes are priced by phase: the phase's line carries the sum of its
    # requirements' prices, so the hand computations below hold.
    phases = {group.carrier: group.item_ids for group in phase_groups(selection)}
    document = yaml.safe_load(export_grid(grid, "yaml"))
    document["candidat"].update({"Raison sociale": name, "Date de l'offre": "2027-02-01"})
    for row in document["exigences"]:
        conformity, value, justification, price = answers[row["Identifiant"]]
        row.update({"Conformité": conformity, "Valeur": value, "Justification": justification})
        if row["Prix HT"] != "—":
            covered = phases.get(row["Identifiant"], (row["Identifiant"],))
            row["Prix HT"] = str(sum(Decimal(answers[i][3] or "0") for i in covered))
        if row["Prix unitaire HT"] != "—":
            row["Prix unitaire HT"] = price
    path = folder / f"offre-{name.split()[0].lower()}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def checked_offers(folder: Path, catalog: Path, offers: list[Path]) -> list[OfferFile]:
    opened = open_dossier(folder, catalog)
    grid = build_grid(opened.selection)
    return read_offers(offers, grid, load_labels(catalog), today=opened.answers.project.launch_date)


def run_comparison(
    folder: Path, catalog: Path, offers: list[Path], notes: str | None = NOTES
) -> Comparison:
    marks = None
    if notes is not None:
        (folder / "notes.yaml").write_text(notes, encoding="utf-8")
        marks = load_notes(folder / "notes.yaml")
    selection = open_dossier(folder, catalog).selection
    return score_offers(selection, checked_offers(folder, catalog, offers), marks)


def three_offers(small: tuple[Path, Path]) -> list[Path]:
    folder, catalog = small
    return [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Bêta (fictif)", BETA),
        write_offer(folder, catalog, "Gamma (fictif)", GAMMA),
    ]


def test_scores_match_the_hand_computation(small: tuple[Path, Path]) -> None:
    comparison = run_comparison(*small, three_offers(small))

    # Gamma answers « Non conforme » to X01, a mandatory requirement: irregular, not scored,
    # and no regularisation could cure it.
    assert [e.name for e in comparison.eliminated] == ["Gamma (fictif)"]
    gamma = comparison.eliminated[0]
    assert any("X01" in reason for reason in gamma.reasons)
    assert not gamma.regularity.regularisable

    alpha, beta = (
        next(o for o in comparison.ranked if o.name == n)
        for n in ("Alpha (fictif)", "Bêta (fictif)")
    )
    points = {o.name: {s.leaf.name: s.points for s in o.scores} for o in (alpha, beta)}
    # No criterion is computed from the conformity declarations: Alpha's partial X03 (a PSE
    # not retained) costs it nothing.
    assert set(points["Alpha (fictif)"]) == {
        "Méthodologie",
        "Accessibilité",
        "Environnement",
        "Prix",
    }
    # Levels on 0–5: Alpha 3 × 30/5 = 18, 2 × 20/5 = 8, 2 × 10/5 = 4; Bêta 24, 16, 6.
    assert [
        points["Alpha (fictif)"][n] for n in ("Méthodologie", "Accessibilité", "Environnement")
    ] == [
        Decimal(18),
        Decimal(8),
        Decimal(4),
    ]
    assert beta.technical_total == Decimal(46)
    # Prices: base + the retained X04 only (X03 is left out); the market lasts 4 years.
    # Alpha: 1000 + 3000 + 1500 + 300 × 4 = 6700; Bêta: 1500 + 4000 + 2000 + 400 × 4 = 9100.
    assert comparison.retained == ("X04",)
    assert alpha.price == Decimal("6700.00") and beta.price == Decimal("9100.00")
    # Classic: Alpha 40; Bêta 40 × 6700 / 9100 = 29.450… → 29.45.
    assert points["Bêta (fictif)"]["Prix"] == Decimal("29.45")
    assert alpha.total == Decimal(70) and beta.total == Decimal("75.45")
    assert [o.name for o in comparison.ranked] == ["Bêta (fictif)", "Alpha (fictif)"]
    assert comparison.winner is beta

    # Linear: Bêta is the dearest → 0 → 46; Alpha keeps 70 and wins.
    assert beta.price_scores[PriceFormula.LINEAR].points == 0
    assert alpha.ranks[PriceFormula.LINEAR] == 1
    # Relative gap: 40 × (1 − 2400 / 6700) = 25.671… → 25.67 → Bêta 71.67, first again.
    assert beta.price_scores[PriceFormula.RELATIVE_GAP].points == Decimal("25.67")
    assert comparison.formula_effect.startswith("La formule de prix décide du lauréat")

    # The reason, the level and the working are shown.
    method = next(s for s in alpha.scores if s.leaf.name == "Méthodologie")
    assert method.level == 3 and method.level_label == "Satisfaisant"
    assert "Planning sommaire" in method.justification and "30 × 3 ÷ 5" in method.justification


def test_a_retained_option_not_offered_makes_the_offer_irregular(
    small: tuple[Path, Path],
) -> None:
    folder, catalog = small
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Delta (fictif)", DELTA),
    ]
    comparison = run_comparison(folder, catalog, offers, notes=None)
    assert [e.name for e in comparison.eliminated] == ["Delta (fictif)"]
    # Every PSE is exigé from every bidder, retained or not.
    assert comparison.eliminated[0].regularity.reasons[0].code == "obligatoire_non_conforme"


def test_options_decided_after_the_analysis_stop_at_the_budget(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    answers = folder / "webpass.yaml"
    text = answers.read_text(encoding="utf-8").replace(
        "    decision: avant_analyse\n    retenues: [X04]\n",
        "    decision: apres_analyse\n    priorite: [X04, X03]\n",
    )
    # Every regular offer proposes both PSE (each is exigé from every bidder).
    # With X04: min(6700, 9100) = 6700. With X03 too: min(7200, 10100) = 7200.
    answers.write_text(text.replace("  date_lancement:", '  budget: "7000"\n  date_lancement:'))
    offers = three_offers(small)[:2]
    assert run_comparison(folder, catalog, offers).retained == ("X04",)
    answers.write_text(text.replace("  date_lancement:", '  budget: "7200"\n  date_lancement:'))
    both = run_comparison(folder, catalog, offers)
    assert both.retained == ("X04", "X03")
    # Retaining a PSE never eliminates an offer: both were priced by every regular offer.
    assert not both.eliminated


def test_ties_go_to_the_lower_price_then_the_sub_criteria_in_order() -> None:
    d = Decimal
    # With the same total and the same price, the technical value is the same too: the announced
    # rule goes from the price straight to the sub-criteria, in the order of the table.
    entries = [
        (d(80), d(1000), d(40), (d(20), d(20))),
        (d(80), d(900), d(39), (d(19), d(20))),
        (d(80), d(900), d(39), (d(20), d(19))),
        (d(70), d(500), d(60), (d(30), d(30))),
        (d(80), d(900), d(39), (d(20), d(19))),
        (d(80), d(900), d(39), (d(20), d(19))),
    ]
    # Same total: cheaper first (900 before 1000); same price too: the better first
    # sub-criterion (20 before 19); same everything: the same rank (ex aequo, lots drawn), and the
    # next ranks are skipped.
    assert rank_offers(entries) == [5, 4, 1, 6, 1, 1]


def test_a_perfect_tie_has_no_winner_and_is_explained(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Delta (fictif)", ALPHA),
    ]
    same = "{note: 3, commentaire: Réponse adaptée.}"
    notes = (
        "offres:\n"
        f"  Alpha (fictif): {{Méthodologie: {same}, Accessibilité: {same}, Environnement: {same}}}\n"
        f"  Delta (fictif): {{Méthodologie: {same}, Accessibilité: {same}, Environnement: {same}}}\n"
    )
    comparison = run_comparison(folder, catalog, offers, notes)
    assert [o.rank for o in comparison.ranked] == [1, 1]
    assert comparison.winner is None
    assert "ex aequo" in comparison.ties[0]


def test_equal_totals_are_decided_by_price_and_said_so(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    # Epsilon: 7500 + 218.75 × 4 = 8375 € → 40 × 6700 / 8375 = 32 price points exactly; with
    # levels 3, 4, 2 (18 + 16 + 4 = 38) it totals 70, like Alpha (30 + 40). Alpha is cheaper.
    epsilon = {**BETA, "X04": ("Conforme", "", "", "218.75")}
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Epsilon (fictif)", epsilon),
    ]
    notes = NOTES.split("  Bêta (fictif):")[0] + (
        "  Epsilon (fictif):\n"
        "    Méthodologie: {note: 3, commentaire: Démarche adaptée.}\n"
        "    Accessibilité: {note: 4, commentaire: Audit par un tiers.}\n"
        "    Environnement: {note: 2, commentaire: Engagement général.}\n"
    )
    comparison = run_comparison(folder, catalog, offers, notes)
    assert [o.total for o in comparison.ranked] == [Decimal(70), Decimal(70)]
    assert [o.name for o in comparison.ranked] == ["Alpha (fictif)", "Epsilon (fictif)"]
    assert "son prix comparé est plus bas" in comparison.ties[0]


def test_missing_marks_make_a_provisional_ranking(small: tuple[Path, Path]) -> None:
    comparison = run_comparison(*small, three_offers(small), notes=None)
    assert comparison.provisional
    assert "Alpha (fictif) — Méthodologie" in comparison.missing_marks
    assert all(s.points == 0 for o in comparison.ranked for s in o.scores if s.missing)


ALPHA_ENV = "    Environnement: {note: 2, commentaire: Engagement général sans indicateur.}"


@pytest.mark.parametrize(
    ("notes", "message", "line"),
    [
        (NOTES.replace("Bêta (fictif):", "Bêtâ SARL:"), "offre « Bêtâ SARL » inconnue", 7),
        (
            NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("Environnement", "Ergonomie")),
            "sous-critère « Ergonomie » inconnu",
            5,
        ),
        (
            NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("Environnement", "Prix")),
            "sous-critère « Prix » inconnu",
            5,
        ),
        (NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("note: 2", "note: 6")), "hors du barème", 5),
        (NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("note: 2", "note: 2.5")), "hors du barème", 5),
        (NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("note: 2", "note: -1")), "est négative", 5),
        (
            NOTES.replace(ALPHA_ENV, ALPHA_ENV.replace("note: 2", "note: beaucoup")),
            "n'est pas une note lisible",
            5,
        ),
        (NOTES.replace(ALPHA_ENV, "    Environnement: 2"), "n'est pas motivée", 5),
        (
            NOTES.replace(ALPHA_ENV, "    Environnement: {note: 2, commentaire: '  '}"),
            "n'est pas motivée",
            5,
        ),
        ("bareme: 10\n" + NOTES, "n'est pas celui du règlement de la consultation", 4),
    ],
)
def test_wrong_notes_are_refused_in_french_with_their_line(
    small: tuple[Path, Path], notes: str, message: str, line: int
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        run_comparison(*small, three_offers(small), notes)
    assert message in str(caught.value)
    assert caught.value.problems[0].line == line  # the mark's own line in the notes file


def test_notes_from_a_spreadsheet(small: tuple[Path, Path], tmp_path: Path) -> None:
    folder, catalog = small
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Offre", "Critère", "Note", "Commentaire", "Barème"])
    sheet.append(["Alpha (fictif)", "methodologie", 3, "Planning sommaire.", 5])
    sheet.append(["offre-alpha", "Accessibilité", 2, "Aucun audit prévu.", None])
    sheet.append(["Alpha (fictif)", "Environnement", 2, "Engagement général.", None])
    path = tmp_path / "notes.xlsx"
    book.save(path)
    selection = open_dossier(folder, catalog).selection
    offers = checked_offers(folder, catalog, three_offers(small))
    comparison = score_offers(selection, offers, load_notes(path))
    alpha = next(o for o in comparison.ranked if o.name == "Alpha (fictif)")
    assert alpha.total == Decimal(70)  # the same marks as the YAML file
    sheet.append(["Bêta (fictif)", "Méthodologie", 4, "", None])
    book.save(path)
    with pytest.raises(ValidationFailed) as caught:
        load_notes(path)
    assert caught.value.problems[0].line == 5
    assert "n'est pas motivée" in str(caught.value)


def test_rao_has_the_sections_of_an_analysis_report(small: tuple[Path, Path]) -> None:
    comparison = run_comparison(*small, three_offers(small))
    document = build_rao(comparison)
    assert document.acronym == "RAO" and document.running_title.startswith("RAO — ")
    titles = [article.title for article in document.articles]
    assert titles == [
        "Objet et déroulement de la consultation",
        "Critères de jugement des offres",
        "Offres reçues",
        "Offres irrégulières écartées",
        "Prestations supplémentaires éventuelles",
        "Analyse des offres régulières",
        "Effet de la formule de notation du prix",
        "Classement et proposition d'attribution",
        "Visa",
    ]
    # The aid scheme does not cover this dossier and it declares no other: no section, one line.
    text = json.dumps([repr(a) for a in document.walk()], ensure_ascii=False)
    assert text.count("Aucune aide publique ne s") == 1
    assert "Gamma (fictif)" in text and "X01" in text and "non régularisable" in text
    # Bêta, first, is priced below the low estimate: no award is proposed before the bidder has
    # justified its price (L2152-5, R2152-3); the report says the exchange comes first.
    winner = comparison.winner
    assert winner is not None and winner.name == "Bêta (fictif)" and winner.possibly_abnormally_low
    assert "Il est proposé d’attribuer" not in text
    assert "L2152-5 et R2152-3" in text and "Bêta (fictif), est d’un prix inférieur" in text
    assert comparison.as_json()["attributaire_propose"] is None
    assert comparison.as_json()["echange_prix_anormalement_bas"] == "Bêta (fictif)"
    assert comparison.pse.sentence.replace("'", "\\'")[:60] in text or "PSE" in text
    assert "3 — Satisfaisant" in text  # Alpha's level on Méthodologie, with its name


# --- one level more is worth exactly the sub-criterion's weight ÷ 5 ----------------------


@pytest.fixture(scope="module")
def level_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[OfferFile]]:
    """The small dossier and its two regular offers, read once for the property test."""
    root = tmp_path_factory.mktemp("levels")
    catalog = root / "catalogue"
    (catalog / "items").mkdir(parents=True)
    for path in shipped_catalog_dir().glob("*.yaml"):
        shutil.copy(path, catalog / path.name)
    (catalog / "items" / "01-essai.yaml").write_text(MINI_ITEMS, encoding="utf-8")
    (catalog / "items" / "02-comparaison.yaml").write_text(ITEMS, encoding="utf-8")
    folder = root / "petit"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(ANSWERS + CRITERIA, encoding="utf-8")
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Bêta (fictif)", BETA),
    ]
    return open_dossier(folder, catalog).selection, checked_offers(folder, catalog, offers)


LEAVES = (("Méthodologie", 30), ("Accessibilité", 20), ("Environnement", 10))


def _notes(levels: dict[tuple[str, str], int]) -> AnalystNotes:
    marks = tuple(
        Mark(offer, leaf, Decimal(level), None, "Motif.", "notes.yaml", 1)
        for (offer, leaf), level in levels.items()
    )
    return AnalystNotes("notes.yaml", marks)


@settings(max_examples=25, deadline=None)
@given(
    levels=st.lists(st.integers(0, 5), min_size=6, max_size=6),
    which=st.integers(0, 5),
    step=st.sampled_from([-1, 1]),
)
def test_one_level_changes_the_total_by_exactly_its_weighted_value(
    level_setup: tuple[Any, list[OfferFile]], levels: list[int], which: int, step: int
) -> None:
    selection, offers = level_setup
    keys = [(offer, leaf) for offer in ("Alpha (fictif)", "Bêta (fictif)") for leaf, _ in LEAVES]
    before = dict(zip(keys, levels, strict=True))
    key = keys[which]
    if not 0 <= before[key] + step <= 5:
        step = -step
    after = {**before, key: before[key] + step}
    totals = [
        {o.name: o.total for o in score_offers(selection, offers, _notes(marks)).ranked}
        for marks in (before, after)
    ]
    weight = dict(LEAVES)[key[1]]
    assert totals[1][key[0]] - totals[0][key[0]] == Decimal(weight) * step / 5
    other = next(name for name in totals[0] if name != key[0])
    assert totals[1][other] == totals[0][other]


# --- the example dossier, end to end through the command line ----------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_example_offers_answer_the_current_catalogue() -> None:
    """The committed offers carry the fingerprints of the wording they answered."""
    from webpass.grid.check import check_offer
    from webpass.grid.read import read_filled_grid

    opened = open_dossier(EXAMPLE)
    grid = build_grid(opened.selection)
    labels = load_labels(opened.catalog.root)
    stale = {
        path.name: sorted({a.item or "" for a in report.anomalies})
        for path in EXAMPLE_OFFERS
        if (report := check_offer(read_filled_grid(path), labels, grid))
        and any(a.code in ("texte_modifie", "manquante", "inconnue") for a in report.anomalies)
    }
    assert not stale, (
        "le catalogue a changé depuis la production des offres d'exemple : relancez "
        f".venv/bin/python scripts/make_example_offers.py ({stale})"
    )


def test_example_offers_cite_only_parts_the_memoire_has() -> None:
    """Review of 1 December 2026, M4: the mémoire has one part per sub-criterion; an example
    answer never sends to a « partie 11 », and the contract information is in the grid."""
    from webpass.documents.question import ALSO_INFORMATION, CONTRACT_INFORMATION
    from webpass.grid.read import read_filled_grid

    for dossier, offers in ((EXAMPLE, EXAMPLE_OFFERS), (SMALL_EXAMPLE, SMALL_EXAMPLE_OFFERS)):
        grid = build_grid(open_dossier(dossier).selection)
        # A scored answer that is also information (H01) sends to its sub-criterion's part.
        scored = {row.id: row.scored.removesuffix(ALSO_INFORMATION) for row in grid.rows}
        for path in offers:
            for row in read_filled_grid(path).rows:
                answer = row.justification
                if "partie" in answer:
                    assert f"partie « {scored[row.id]} »" in answer, (path.name, row.id, answer)
                if scored.get(row.id) == CONTRACT_INFORMATION and answer:
                    assert "mémoire" not in answer, (path.name, row.id, answer)


def test_example_offers_give_every_contract_information_the_cctp_asks() -> None:
    """Review of 1 December 2026, B1: the regular example quotes answer each rubric G01, J01,
    N01 and N03 ask « dans son offre » — licences, support, three other users, the days of
    assistance N03 fixes — so the example teaches an answer that is regular."""
    from webpass.grid.read import read_filled_grid

    for path in SMALL_EXAMPLE_OFFERS[:2]:
        answers = {row.id: row.justification for row in read_filled_grid(path).rows}
        tool = answers["G01"]
        assert "licence " in tool and "support de sécurité" in tool and "jusqu'au " in tool
        users = tool.split("Autres utilisateurs : ")[1]
        assert users.count(",") + users.count(" et ") >= 3, users
        assert "Extensions prévues" in tool and tool.count("(") >= 4  # each with its licence
        assert "2 jours d'assistance au nouveau prestataire" in answers["N03"]
        assert "une journée" not in answers["N03"]
        assert "licence de leur éditeur" not in answers["N01"] and "(" in answers["N01"]
        for rubric in ("Mesures de sécurité", "Sous-traitant ultérieur", "Droits des personnes"):
            assert rubric in answers["J01"], (path.name, rubric)
        assert "Restitution" in answers["J01"] and "destruction" in answers["J01"]
    # 22:25 reading, B1 and M3: G12 gives the delivered version of each extension G01 plans and
    # the target version of each upgrade; each tool has its own other users.
    users_of: dict[str, set[str]] = {}
    for path in [*SMALL_EXAMPLE_OFFERS, *EXAMPLE_OFFERS]:
        filled = read_filled_grid(path)
        answers = {row.id: row.justification for row in filled.rows}
        if not answers.get("G12"):
            continue
        versions = answers["G12"]
        assert "dernière version" not in versions, path.name
        planned = answers["G01"].split("Extensions prévues : ")[1].split(". ")[0]
        for extension in re.findall(r"(?:^|, |modules )(\w+) \(", planned):
            assert re.search(rf"{extension} \d+\.\d+", versions), (path.name, extension)
        upgrades = versions.split("Montées de version avant le terme du marché : ")[1]
        for upgrade in upgrades.split(". ")[0].split(" ; "):
            assert re.search(r" vers .*\d+.* en \w+ 20\d\d$", upgrade), (path.name, upgrade)
        users = answers["G01"].split("Autres utilisateurs : ")[1]
        users_of.setdefault(filled.candidate["Solution"], set()).add(users)
    assert all(len(users) == 1 for users in users_of.values()), users_of
    every = [users for users in users_of.values() for users in users]
    assert len(set(every)) == len(every) >= 6, users_of


def compare_json(dossier: Path, offers: list[Path]) -> dict[str, Any]:
    result = invoke("comparer", str(dossier), *map(str, offers), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def example_json() -> dict[str, Any]:
    """``webpass comparer`` on the groupement example and its seven offers, as JSON."""
    assert len(EXAMPLE_OFFERS) == 7
    return compare_json(EXAMPLE, EXAMPLE_OFFERS)


def test_example_offers_are_compared_end_to_end(example_json: dict[str, Any]) -> None:
    data = example_json
    assert data["offres_recues"] == 7
    assert [c["nature"] for c in data["criteres"]].count("prix") == 1
    assert all(c["nature"] in ("note_analyste", "environnement", "prix") for c in data["criteres"])
    # Options decided after the analysis, F13 first: the cheapest regular offer proposing F13
    # fits in the 110 000 € figure that serves that choice only.
    assert data["pse"]["retenues"] == ["F13"]
    eliminated = {e["candidat"]: e for e in data["offres_ecartees"]}
    assert set(eliminated) == {
        "Breizh Logiciels Libres SARL (fictif)",
        "Agence Pixel Ouest SAS (fictif)",
        "Studio Web Trégor EURL (fictif)",
        "Ouest Intégration SAS (fictif)",
    }
    # E07, the council sessions bought on purchase orders, is base work: « Non conforme » is a
    # non-conformity to a base requirement, never a PSE left out.
    ouest = eliminated["Ouest Intégration SAS (fictif)"]
    assert [m["type"] for m in ouest["motifs"]] == ["obligatoire_non_conforme"]
    assert "I09" in ouest["motifs"][0]["motif"] and not ouest["regularisable"]
    assert data["pse"]["prevues"] == ["F13"]
    breizh = eliminated["Breizh Logiciels Libres SARL (fictif)"]
    assert [m["type"] for m in breizh["motifs"]] == ["obligatoire_non_conforme"]
    assert not breizh["regularisable"]
    pixel = eliminated["Agence Pixel Ouest SAS (fictif)"]
    assert any("N02" in m["motif"] and "Non conforme" in m["motif"] for m in pixel["motifs"])
    assert not pixel["regularisable"]
    studio = eliminated["Studio Web Trégor EURL (fictif)"]
    assert any("Aucune réponse" in m["motif"] for m in studio["motifs"])
    # Scored answers missing in substance: completing them would change the offer (R2152-2).
    assert not studio["regularisable"]
    ranking = [(o["rang"], o["candidat"]) for o in data["classement"]]
    assert ranking == [
        (1, "Coopérative des Communs Numériques (fictif)"),
        (2, "Exemple Libre SCOP (fictif)"),
        (3, "Numérique Rural SCIC (fictif)"),
    ]
    assert not data["provisoire"]  # the dossier's notes.yaml was found
    # Decided by real differences: the winner leads by more than two levels of the heaviest
    # sub-criterion under the announced formula.
    totals = [Decimal(o["note_totale"]) for o in data["classement"]]
    # (One level since the offers were rescaled without E07, review n° 24: the cheaper second
    # offer closed part of the gap on price.)
    assert totals[0] - totals[1] > Decimal(15) / 5
    assert data["formules"]["classique"][0]["candidat"] == (
        "Coopérative des Communs Numériques (fictif)"
    )
    first = data["classement"][0]
    # The investment part only (the council sessions bought on order are running costs); the
    # Île-de-France scheme of 2009 does not cover a Breton groupement in 2027: 0 €, never a
    # figure deducted from what the groupement pays.
    simulation = first["subvention_simulation"]
    eligible = Decimal(simulation["base_eligible"])
    assert eligible < Decimal(first["prix_compare"])
    assert (simulation["statut_calcul"], simulation["non_applicable"]) == ("non_applicable", True)
    assert any("hors territoire" in r for r in simulation["motifs_simulation"])
    assert Decimal(simulation["subvention"]) == 0
    assert Decimal(simulation["reste_a_charge"]) == Decimal(first["prix_compare"])
    for offer in data["classement"]:
        for mark in offer["notes"]:
            if mark["nature"] != "prix":
                assert mark["niveau"] in range(6) and mark["libelle_niveau"] and mark["motif"]


def test_the_example_marks_judge_only_what_exceeds_the_cctp_and_no_place() -> None:
    """Review of 1 December 2026, groupement N2, N3 and N4: a motif cites what the offer brings
    beyond the CCTP, never a minimum it restates nor a shortfall the CCTP forbids (an offer
    whose mémoire contradicts a requirement is irregular, not marked); no criterion nor motif
    rests on where the bidder or its hoster is."""
    import yaml

    criteria = yaml.safe_load((EXAMPLE / "webpass.yaml").read_text(encoding="utf-8"))
    described = " ".join(
        sub["description"].lower()
        for criterion in criteria["criteres"]["liste"]
        for sub in criterion.get("sous_criteres", [])
    )
    places = ("proximité", "breton", "permanence", "locale", "fouesnant")
    assert not any(word in described for word in places)
    for dossier in (EXAMPLE, SMALL_EXAMPLE):
        offers = yaml.safe_load((dossier / "notes.yaml").read_text(encoding="utf-8"))["offres"]
        for name, marks in offers.items():
            for criterion, mark in marks.items():
                motif = " ".join(mark["commentaire"].lower().split())
                assert not any(word in motif for word in places), (name, criterion)
                for shortfall in (
                    "sans tutoriels",
                    "session de formation collective",
                    "moins immédiat",
                ):
                    assert shortfall not in motif, (name, criterion)
                if criterion == "Accompagnement et formation":
                    assert "au-delà" in motif or "en plus" in motif, (name, motif)


def test_the_pse_amount_never_makes_an_offer_inacceptable() -> None:
    """Review of 1 December 2026, n° 7: the RC says the PSE amount (110 000 €) only orders the PSE; an offer above
    it is not called inacceptable under L2152-3. A budget that orders nothing keeps the warning."""
    from webpass.compare.scoring import _budget_remarks

    groupement = open_dossier(EXAMPLE).selection
    (remark,) = _budget_remarks(Decimal("115000"), groupement)
    assert "fixé pour le choix des PSE ; ce montant n'est pas le crédit alloué" in remark
    assert "ne rend pas l'offre inacceptable" in remark and "est inacceptable" not in remark
    assert not _budget_remarks(Decimal("105000"), groupement)
    commune = open_dossier(REPO / "examples" / "petite-commune").selection
    (hedged,) = _budget_remarks(Decimal("90000"), commune)
    assert "si ce budget correspond aux crédits alloués au marché" in hedged


def test_example_hand_check_of_two_offers(example_json: dict[str, Any]) -> None:
    by_name = {o["candidat"]: o for o in example_json["classement"]}
    cooperative = by_name["Coopérative des Communs Numériques (fictif)"]
    rural = by_name["Numérique Rural SCIC (fictif)"]
    # Technical value: levels 5, 5, 5, 5, 4, 4 on 15, 10, 10, 10, 5, 10 points
    # → 15 + 10 + 10 + 10 + 4 + 8 = 57.
    assert cooperative["note_technique"] == "57.00"
    # Price: base + F13. Numérique Rural is the cheapest regular offer, so
    # 40 × P(rural) / P(coopérative), rounded to the hundredth.
    low, price = Decimal(rural["prix_compare"]), Decimal(cooperative["prix_compare"])
    expected = (40 * low / price).quantize(Decimal("0.01"))
    assert cooperative["note_prix"] == f"{expected}"
    assert Decimal(cooperative["note_totale"]) == 57 + expected
    assert rural["note_prix"] == "40.00"


def test_small_commune_example_is_compared_end_to_end() -> None:
    assert len(SMALL_EXAMPLE_OFFERS) == 4
    data = compare_json(SMALL_EXAMPLE, SMALL_EXAMPLE_OFFERS)
    assert data["pse"]["prevues"] == [] and data["pse"]["retenues"] == []
    assert "aucune prestation supplémentaire éventuelle" in data["pse"]["regle"]
    # Default criteria without téléservices: five sub-criteria judged on the mémoire technique.
    assert [c["critere"] for c in data["criteres"]] == [
        "Valeur technique — Méthodologie et planning",
        "Valeur technique — Équipe et moyens",
        "Valeur technique — Accessibilité",
        "Valeur technique — Performance environnementale",
        "Valeur technique — Accompagnement et formation",
        "Prix",
    ]
    # Studio Web Trégor declares « Conforme » everywhere, but its mémoire contradicts four
    # requirements: the analyst's notes make it irregular, not marked low (review of
    # 1 December 2026, N2).
    eliminated = {e["candidat"]: e for e in data["offres_ecartees"]}
    assert list(eliminated) == [
        "Studio Web Trégor EURL (fictif)",
        "Agence Pixel Ouest SAS (fictif)",
    ]
    contradicted = eliminated["Studio Web Trégor EURL (fictif)"]
    # No A08: a missing calendar is scored, not eliminated (review of 1 December 2026, I1).
    assert [m["motif"][:3] for m in contradicted["motifs"]] == ["L03", "L04", "L05"]
    assert not contradicted["regularisable"]
    # The analyst recorded that each ranked quote's contract information is complete, and the
    # signed form's total: the award is proposed (review B1, M4).
    assert all(o["renseignements_verifies"] and o["total_signe"] for o in data["classement"])
    assert data["attributaire_propose"]["candidat"] == "Exemple Libre SCOP (fictif)"
    assert data["conditions_attribution"] == []
    ranking = [o["candidat"] for o in data["classement"]]
    assert ranking == ["Exemple Libre SCOP (fictif)", "Breizh Logiciels Libres SARL (fictif)"]
    totals = [Decimal(o["note_totale"]) for o in data["classement"]]
    # The dearest offer wins on its technical value.
    assert totals[0] > totals[1]
    notes = (SMALL_EXAMPLE / "notes.yaml").read_text(encoding="utf-8")
    # Meeting a requirement earns no points: no motif rests on it, nor on the hosting, which
    # « Équipe et moyens » no longer judges.
    assert "hébergement" not in notes.split("irregularites:")[0].split("offres:")[1]
    assert "règlement de la consultation" not in notes and "7.3" not in notes
    # Each motif fits the published scale (review of 1 December 2026, M5): « générique » is the
    # level 1 answer, never a 2 or a 3.
    import yaml

    offers = yaml.safe_load(notes)["offres"]
    for criteria in offers.values():
        for mark in criteria.values():
            if "générique" in mark["commentaire"].lower():
                assert mark["note"] <= 1, mark


def test_the_rao_of_a_quote_request_cites_the_letter_and_its_providers(tmp_path: Path) -> None:
    """Review of 1 December 2026, N3: a consultation by letter has no RC nor article 7, no
    DPGF nor BPU, no candidates."""
    from io import BytesIO

    from pypdf import PdfReader

    pdf = tmp_path / "rao.pdf"
    result = invoke(
        "comparer", str(SMALL_EXAMPLE), *map(str, SMALL_EXAMPLE_OFFERS), "--rapport", str(pdf)
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(BytesIO(pdf.read_bytes()))
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert "annoncés dans la lettre de consultation (rubrique « Jugement des devis »)" in text
    assert "somme des montants du formulaire de devis" in text
    assert "prix annuels comptés sur 3,4167 années de service prévues (41 mois ÷ 12)" in text
    assert "Écart avec l’estimation" in text
    # Review of 1 December 2026: every piece the letter asks of the awardee (M6); no « trois
    # devis » when four offers came (M8).
    assert "des pièces énumérées par la lettre de consultation (« Pièces à remettre" in text
    assert "l’attestation d’assurance de l’article" in text or "l'attestation d'assurance" in text
    assert "trois devis" not in text and "Offres reçues : 4" in text
    absents = ("règlement de la consultation", "article 7", "DPGF", "BPU", "candidat", "de base")
    for absent in absents:
        assert absent not in text.replace("Candidat", "candidat"), absent
    # Review of 1 December 2026, M6: no PSE article without PSE; the report is dated when it is
    # drawn up, never with the deadline for the offers. M4: the signed form's total is recorded.
    assert "Prestations supplémentaires éventuelles" not in text
    assert "Rapport établi le ………" in text and "Rapport établi le 10 février" not in text
    assert "Total du formulaire signé HT" in text and "le prix du formulaire est seul noté" in text
    # B1: the analyst's check of each ranked quote's contract information.
    assert (
        text.count(
            "Renseignements du marché (les exigences G01, G12, H01, J01, N01 et N03) : vérifiés"
        )
        == 2
    )


def test_no_award_without_the_analyst_s_checks(tmp_path: Path) -> None:
    """Review of 1 December 2026, B1 and M4: a ranked offer whose contract information the
    analyst has not recorded as checked stops the award; the signed form's total, when it
    differs from the grid's, is the price judged, with a warning."""
    folder = tmp_path / "pc"
    shutil.copytree(SMALL_EXAMPLE, folder, ignore=shutil.ignore_patterns("offres", "rao-*"))
    notes = folder / "notes.yaml"
    text = notes.read_text(encoding="utf-8")
    breizh = text.index("  Breizh Logiciels Libres SARL (fictif):\n    renseignements_verifies")
    notes.write_text(
        text[:breizh].replace('total_signe: "21060.00"', 'total_signe: "21000.00"'),
        encoding="utf-8",
    )
    result = invoke("comparer", str(folder), *map(str, SMALL_EXAMPLE_OFFERS), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["attributaire_propose"] is None
    (blocker,) = data["conditions_attribution"]
    assert "pour Breizh Logiciels Libres SARL (fictif), qu'il a vérifié" in blocker
    first = data["classement"][0]
    assert first["prix_compare"] == "21000.00" and first["totaux_offre"]["total"] == "21060.00"
    assert any("c'est son total qui est noté" in remark for remark in first["remarques"])
    assert "Exemple Libre SCOP (fictif) — Le total du formulaire de devis signé" in result.stderr
    # 22:25 reading, B1: « complets » only of what the analyst wrote he saw, requirement by
    # requirement; an information without its constat stops the award too, and the RAO names it.
    h01 = text.index("      H01: >-\n")
    j01 = text.index("      J01:", h01)
    notes.write_text(text[:h01] + text[j01:], encoding="utf-8")
    result = invoke("comparer", str(folder), *map(str, SMALL_EXAMPLE_OFFERS), "--json")
    data = json.loads(result.stdout)
    assert data["attributaire_propose"] is None
    (blocker,) = data["conditions_attribution"]
    assert "aucun constat pour l'exigence H01 d'Exemple Libre SCOP (fictif)" in blocker
    first = data["classement"][0]
    assert list(first["constat_renseignements"]) == ["G01", "G12", "J01", "N01", "N03"]
    from tests.conftest import plain_text
    from webpass.compare.run import compare_offers
    from webpass.documents.coherence import document_text
    from webpass.documents.rao import build_rao
    from webpass.dossier.opening import open_dossier

    comparison = compare_offers(open_dossier(folder), SMALL_EXAMPLE_OFFERS)
    rao = " ".join(plain_text(document_text(build_rao(comparison))).split())
    assert "l'analyste n'a écrit aucun constat pour l'exigence H01 ; ils ne sont pas" in rao
    assert rao.count("et complets") == 1  # Breizh's, each of its six written
    # A constat in one text, or on a requirement that is no contract information, is refused
    # at its line.
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line == "    constat:\n")
    stray = "".join(lines[: start + 1]) + "      G99: vu\n" + "".join(lines[start + 1 :])
    notes.write_text(stray, encoding="utf-8")
    result = invoke("comparer", str(folder), *map(str, SMALL_EXAMPLE_OFFERS))
    assert result.exit_code == 1
    assert f"notes.yaml:{start + 2} " in result.stderr and "G99" in result.stderr
    # The constat of old, one text claiming every requirement at once.
    single = text.replace("    constat:\n      G01: >-\n", "    constat: >-\n      G01 :\n", 1)
    notes.write_text(single, encoding="utf-8")
    result = invoke("comparer", str(folder), *map(str, SMALL_EXAMPLE_OFFERS))
    assert result.exit_code == 1 and "exigence par exigence" in " ".join(result.stderr.split())


def test_a_heavier_price_weight_changes_the_example_winner(tmp_path: Path) -> None:
    folder = tmp_path / "pc"
    shutil.copytree(SMALL_EXAMPLE, folder, ignore=shutil.ignore_patterns("offres", "rao-*"))
    answers = folder / "webpass.yaml"
    answers.write_text(
        answers.read_text(encoding="utf-8")
        + """criteres:
  liste:
    - nom: Valeur technique
      poids: 20
      sous_criteres:
        - {nom: Méthodologie et planning, poids: 4, nature: note_analyste}
        - {nom: Équipe et moyens, poids: 4, nature: note_analyste}
        - {nom: Accessibilité, poids: 4, nature: note_analyste}
        - {nom: Performance environnementale, poids: 4, nature: environnement}
        - {nom: Accompagnement et formation, poids: 4, nature: note_analyste}
    - {nom: Prix, poids: 80, nature: prix}
""",
        encoding="utf-8",
    )
    data = compare_json(folder, SMALL_EXAMPLE_OFFERS)
    # With 80 points on the price, the cheapest regular offer wins.
    assert data["classement"][0]["candidat"] == "Breizh Logiciels Libres SARL (fictif)"


@pytest.mark.parametrize("example", [EXAMPLE, SMALL_EXAMPLE], ids=["groupement", "commune"])
def test_example_offers_price_what_the_estimate_counts(example: Path) -> None:
    """The example offers price their yearly lines on what the estimate says they pay
    (subscriptions and member sites included) and every regular offer lies inside the
    estimate's range, the cheapest under the budget that decides the PSE (review of 1 December
    2026, groupement R1)."""
    import openpyxl

    dossier = open_dossier(example)
    estimate = dossier.selection.estimate
    data = compare_json(example, sorted((example / "offres").glob("*.xlsx")))
    budget = dossier.answers.project.budget
    prices = [Decimal(offer["prix_compare"]) for offer in data["classement"]]
    assert budget is not None and min(prices) <= budget
    for offer, price in zip(data["classement"], prices, strict=True):
        assert estimate.total.low <= price <= estimate.total.high
        sheet = openpyxl.load_workbook(offer["fichier"], read_only=True).worksheets[2]
        yearly = sum(
            Decimal(str(row[4]))
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if row[0] in ("H08", "M04")
        )
        # Each line is the bidder's position in the estimate, spread by at most 10 %.
        assert (
            estimate.yearly.low * Decimal("0.9") <= yearly <= estimate.yearly.high * Decimal("1.1")
        )


def test_rao_files_are_written_and_read_like_a_report(tmp_path: Path) -> None:
    from io import BytesIO

    import docx
    from pypdf import PdfReader

    pdf, word = tmp_path / "rao.pdf", tmp_path / "rao.docx"
    result = invoke(
        "comparer",
        str(EXAMPLE),
        *map(str, EXAMPLE_OFFERS),
        "--rapport",
        str(pdf),
        "--rapport",
        str(word),
    )
    assert result.exit_code == 0, result.output
    # The first offer is proposed, or first heard on its price when it is below the low
    # estimate, computed on the same quantities as the price (review of 1 December 2026, N1).
    # Every regular offer lies inside the estimate's range: the first is proposed outright.
    assert "Attributaire proposé : Coopérative des Communs Numériques (fictif)" in result.stdout
    # The Île-de-France scheme of 2009-2010 does not cover a Breton groupement: the console says
    # nothing of it, as the RAO (review of 1 December 2026, n° 23).
    assert "Île-de-France" not in result.stdout
    reader = PdfReader(BytesIO(pdf.read_bytes()))
    # Justified lines come out of the PDF with doubled spaces.
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Rapport d’analyse des offres",
        "Offres irrégulières écartées",
        "Agence Pixel Ouest SAS (fictif)",
        "Coopérative des Communs Numériques (fictif)",
        "PSE retenues : F13",
        "régularisable",
        "DSIL : 7 000,00 € (sollicitée",
        "RAO — Communauté de communes du Pays Fouesnantais",
        # The members each pay their share: the plan is the coordinator's, on its own share
        # (review of 1 December 2026, groupement N6).
        "Part de chaque membre dans l’investissement de l’offre proposée",
        "Commune de Saint-Évarzec",
        "sollicitées par le coordonnateur",
        "sur sa part de l’investissement",
        "Le plan respecte la participation minimale",
        # The estimate counts the same quantities as the prices compared (N1, N10).
        "prix annuels comptés sur 3,3333 années de service prévues (40 mois ÷ 12)",
        "Écart avec l’estimation",
        "annoncés dans le règlement de la consultation (article 7)",
    ):
        assert expected in text, expected
    assert "Plan de financement à revoir" not in text
    assert "Île-de-France" not in text
    # Another region's aid is never computed into a reste à charge, in the report or the CLI.
    assert "20 646" not in text and "Simulation de la subvention" not in text
    assert "20 646" not in result.stdout
    assert "analyse-des-offres.json" in reader.attachments
    document = docx.Document(str(word))
    assert document.sections[0].header.paragraphs[0].text.startswith("RAO — ")
    assert document.core_properties.category == "Rapport d’analyse des offres"


def test_exit_codes(tmp_path: Path, small: tuple[Path, Path]) -> None:
    folder, catalog = small
    gamma = write_offer(folder, catalog, "Gamma (fictif)", GAMMA)
    only_irregular = invoke(
        "comparer", str(folder), str(gamma), "--catalogue", str(catalog), "--json"
    )
    assert only_irregular.exit_code == 1
    assert "Aucune offre régulière" in only_irregular.stderr
    assert json.loads(only_irregular.stdout)["classement"] == []
    garbage = tmp_path / "offre.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook")
    unreadable = invoke("comparer", str(folder), str(garbage), "--catalogue", str(catalog))
    assert unreadable.exit_code == 2, unreadable.output
    assert "Traceback" not in unreadable.output
    (folder / "notes.yaml").write_text(
        "offres:\n  Inconnue: {Méthodologie: {note: 5, commentaire: Très bon.}}\n",
        encoding="utf-8",
    )
    bad_notes = invoke("comparer", str(folder), str(gamma), "--catalogue", str(catalog))
    assert bad_notes.exit_code == 1
    assert "offre « Inconnue » inconnue" in bad_notes.stderr


def test_library_calls_the_cli_and_the_web_share() -> None:
    """verify_offer and compare_offers are what verifier, comparer and the web page run."""
    from webpass import compare_offers as public_compare
    from webpass import verify_offer
    from webpass.compare.run import find_notes, rao_paths

    opened = open_dossier(SMALL_EXAMPLE)
    pixel = SMALL_EXAMPLE / "offres" / "04-agence-pixel-ouest.xlsx"
    against_dossier = verify_offer(pixel, opened.selection)
    alone = verify_offer(pixel)  # a bidder checking its own grid
    assert against_dossier.irregular and alone.irregular
    assert against_dossier.reference == alone.reference == "2027-SITE-01"
    assert find_notes(opened.folder) == SMALL_EXAMPLE / "notes.yaml"
    assert [p.name for p in rao_paths(opened)] == [
        "rao-tonquedec.docx",
        "rao-tonquedec.pdf",
    ]
    comparison = public_compare(opened, SMALL_EXAMPLE_OFFERS)  # the dossier's notes are found
    assert not comparison.provisional
    assert comparison.winner is not None


def test_a_noted_contradiction_names_a_known_offer_and_requirement(tmp_path: Path) -> None:
    """An unknown offer or requirement is refused, and so is the absence of a scored answer
    noted as an irregularity (review of 1 December 2026, I1): the letter scores the
    sub-criterion without it. An absent contract information is an irregularity."""
    folder = tmp_path / "pc"
    shutil.copytree(SMALL_EXAMPLE, folder, ignore=shutil.ignore_patterns("offres", "rao-*"))
    notes = folder / "notes.yaml"
    text = notes.read_text(encoding="utf-8")
    absent = "    - {exigence: A08, nature: renseignement_manquant, motif: aucun calendrier}\n"
    notes.write_text(
        text.replace("    - exigence: L05\n", "    - exigence: Z99\n")
        .replace(
            "irregularites:\n",
            "irregularites:\n  Inconnue SARL:\n    - {exigence: L01, nature: contradiction, motif: x}\n",
        )
        .replace(
            "  Studio Web Trégor EURL (fictif):\n", "  Studio Web Trégor EURL (fictif):\n" + absent
        )
        .replace(
            "verifications:\n", "verifications:\n  Autre SAS:\n    renseignements_verifies: true\n"
        ),
        encoding="utf-8",
    )
    result = invoke("comparer", str(folder), *map(str, SMALL_EXAMPLE_OFFERS))
    assert result.exit_code == 1
    assert "offre « Inconnue SARL » inconnue" in result.stderr
    assert "l'exigence Z99 n'est pas dans le CCTP" in result.stderr
    assert "A08 est une réponse notée (« Méthodologie et planning ») : son absence n'est pas" in (
        " ".join(result.stderr.split())
    )
    # Each problem at its own line of the notes.
    written = notes.read_text(encoding="utf-8").splitlines()
    for marker in ("{exigence: L01, nature: contradiction", "exigence: Z99", "exigence: A08"):
        line = next(n for n, text in enumerate(written, 1) if marker in text)
        assert f"notes.yaml:{line} " in result.stderr, marker


def test_the_groupement_s_investment_is_shared_among_its_members(
    example_json: dict[str, Any],
) -> None:
    """Each member pays its share; the financing plan is the coordinator's, on its share
    (review of 1 December 2026, groupement N6)."""
    shares = example_json["investissement_par_membre"]
    assert len(shares) == 8 and shares[0]["coordonnateur"]
    assert not any(share["coordonnateur"] for share in shares[1:])
    own = Decimal(shares[0]["montant"])
    total = sum((Decimal(share["montant"]) for share in shares), Decimal(0))
    plan = example_json["plan_de_financement_simulation"]
    assert plan is not None
    assert own < total
    assert str(own) in json.dumps(plan)
    # 22:25 reading, I1: `subvention --offre` draws the plan on the same base as the RAO, by
    # the same function, titled as the coordinator's share, with every member's share.
    winner = next(o["fichier"] for o in example_json["classement"] if o["rang"] == 1)
    result = invoke("subvention", str(EXAMPLE), "--offre", winner, "--json")
    data = json.loads(result.stdout)
    assert Decimal(data["financement"]["cout"]) == own
    assert data["financement"]["cout_part_de"] == (
        "part du coordonnateur, Communauté de communes du Pays Fouesnantais"
    )
    assert [(s["membre"], s["part_investissement"]) for s in data["parts_membres"]] == [
        (share["membre"], share["montant"]) for share in shares
    ]
    assert data["pse_comptees"] == example_json["pse"]["retenues"]
    text = " ".join(invoke("subvention", str(EXAMPLE), "--offre", winner).stdout.split())
    assert "Coût du projet (part du coordonnateur, Communauté de communes du Pays " in text
    assert "Commune de Saint-Évarzec" in text.split("Parts des membres")[1]
