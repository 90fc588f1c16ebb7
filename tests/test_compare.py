"""Comparing offers: elimination, scores recomputed by hand, ties, formulas, notes, RAO, CLI."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import ANSWERS, REPO
from webpass.cli import cli
from webpass.compare.notes import load_notes
from webpass.compare.price_scoring import PriceFormula
from webpass.compare.scoring import Comparison, compare_offers, rank_offers, read_offers
from webpass.core.errors import ValidationFailed
from webpass.documents.rao import build_rao
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.grid.labels import load_labels

EXAMPLE = REPO / "examples" / "communaute-de-communes"
EXAMPLE_OFFERS = sorted((EXAMPLE / "offres").glob("*.xlsx"))

# Six requirements with different weights (poids), so the conformity mark is worth checking.
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
    poids: 4
    clause: Le titulaire conçoit une charte graphique.
    reponse: {type: conformite, question: Le candidat conçoit la charte.}
    cout: {min: "2000.00", max: "4000.00", nature: investissement, periodicite: ponctuel}
  - id: X02
    titre: Agenda
    niveau: 2
    profil: tous
    exigence: recommande
    poids: 2
    clause: Le site publie un agenda.
    reponse: {type: conformite, question: Le candidat livre l'agenda.}
    cout: {min: "500.00", max: "2000.00", nature: investissement, periodicite: ponctuel}
  - id: X03
    titre: Forum
    niveau: 3
    profil: tous
    exigence: optionnel
    poids: 3
    clause: Le site offre un forum.
    reponse: {type: conformite, question: Le candidat livre le forum.}
    cout: {min: "500.00", max: "1000.00", nature: investissement, periodicite: ponctuel}
  - id: X04
    titre: Hébergement
    niveau: null
    profil: tous
    exigence: optionnel
    poids: 1
    clause: Le titulaire héberge le site.
    reponse: {type: conformite, question: Le candidat héberge le site.}
    cout: {min: "300.00", max: "600.00", nature: fonctionnement, periodicite: annuel}
"""

CRITERIA = """\
options:
  retenues: [X03, X04]
criteres:
  formule_prix: classique
  liste:
    - nom: Valeur technique
      poids: 50
      sous_criteres:
        - {nom: Conformité, poids: 30, nature: technique_conformite}
        - {nom: Méthodologie, poids: 20, nature: note_analyste}
    - {nom: Environnement, poids: 10, nature: environnement}
    - {nom: Prix, poids: 40, nature: prix}
"""

NOTES = """\
bareme: 10
offres:
  Alpha (fictif):
    Méthodologie: {note: 6, commentaire: Planning sommaire.}
    Environnement: 5
  Bêta (fictif):
    Méthodologie: {note: 8, commentaire: Démarche détaillée.}
    Environnement: {note: 7}
  Gamma (fictif):
    Méthodologie: 9
"""

# id → (conformity, value, justification, price): a DPGF price, or a BPU unit price for X04.
Answers = dict[str, tuple[str, str, str, str]]
ALPHA: Answers = {
    "Z01": ("Conforme", "", "", ""),
    "Z02": ("Conforme", "2", "", "1000"),
    "X01": ("Conforme", "", "", "3000"),
    "X02": ("Conforme", "", "", "1500"),
    "X03": ("Partiellement conforme", "", "Forum sans modération a priori.", "500"),
    "X04": ("Non conforme", "", "Hébergement par la collectivité.", "300"),
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


@pytest.fixture
def small(tmp_path: Path, mini_catalog: Path) -> tuple[Path, Path]:
    """A dossier whose items carry weights, with its catalogue."""
    (mini_catalog / "items" / "02-comparaison.yaml").write_text(ITEMS, encoding="utf-8")
    folder = tmp_path / "petit"
    folder.mkdir()
    (folder / "webpass.yaml").write_text(ANSWERS + CRITERIA, encoding="utf-8")
    return folder, mini_catalog


def write_offer(folder: Path, catalog: Path, name: str, answers: Answers) -> Path:
    """Export the dossier's grid as YAML and fill it as a bidder would."""
    grid = build_grid(open_dossier(folder, catalog).selection)
    document = yaml.safe_load(export_grid(grid, "yaml"))
    document["candidat"].update({"Raison sociale": name, "Date de l'offre": "2027-02-01"})
    for row in document["exigences"]:
        conformity, value, justification, price = answers[row["Identifiant"]]
        row.update({"Conformité": conformity, "Valeur": value, "Justification": justification})
        if row["Prix HT"] != "—":
            row["Prix HT"] = price
        if row["Prix unitaire HT"] != "—":
            row["Prix unitaire HT"] = price
    path = folder / f"offre-{name.split()[0].lower()}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_comparison(
    folder: Path, catalog: Path, offers: list[Path], notes: str | None = NOTES
) -> Comparison:
    opened = open_dossier(folder, catalog)
    grid = build_grid(opened.selection)
    files = read_offers(
        offers, grid, load_labels(catalog), today=opened.answers.project.launch_date
    )
    marks = None
    if notes is not None:
        (folder / "notes.yaml").write_text(notes, encoding="utf-8")
        marks = load_notes(folder / "notes.yaml")
    return compare_offers(opened.selection, grid, files, marks)


def three_offers(small: tuple[Path, Path]) -> list[Path]:
    folder, catalog = small
    return [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Bêta (fictif)", BETA),
        write_offer(folder, catalog, "Gamma (fictif)", GAMMA),
    ]


def test_scores_match_the_hand_computation(small: tuple[Path, Path]) -> None:
    comparison = run_comparison(*small, three_offers(small))

    # Gamma answers « Non conforme » to X01, a mandatory requirement: irregular, not scored.
    assert [e.name for e in comparison.eliminated] == ["Gamma (fictif)"]
    assert any("X01" in reason for reason in comparison.eliminated[0].reasons)

    alpha, beta = (
        next(o for o in comparison.ranked if o.name == n)
        for n in ("Alpha (fictif)", "Bêta (fictif)")
    )
    points = {o.name: {s.leaf.name: s.points for s in o.scores} for o in (alpha, beta)}

    # Weights (poids): Z01 1, Z02 1, X01 4, X02 2, X03 3, X04 1 → 12 in all.
    # Alpha: 1 + 1 + 4 + 2 + 3 × 0.5 (partially) + 1 × 0 (not conforming) = 9.5 → 30 × 9.5 / 12 = 23.75
    # Bêta: everything conforming → 12 / 12 → 30.00
    assert points["Alpha (fictif)"]["Conformité"] == Decimal("23.75")
    assert points["Bêta (fictif)"]["Conformité"] == Decimal("30.00")
    # Analyst: Alpha 6/10 × 20 = 12.00 and 5/10 × 10 = 5.00; Bêta 8/10 × 20 = 16.00, 7/10 × 10 = 7.00
    assert points["Alpha (fictif)"]["Méthodologie"] == Decimal("12.00")
    assert points["Alpha (fictif)"]["Environnement"] == Decimal("5.00")
    assert points["Bêta (fictif)"]["Méthodologie"] == Decimal("16.00")
    assert points["Bêta (fictif)"]["Environnement"] == Decimal("7.00")
    # Prices (the market lasts 4 years, so the yearly X04 line counts 4 times):
    # Alpha: DPGF 1000 + 3000 + 1500 + 500 = 6000, DQE 300 × 4 = 1200 → 7200
    # Bêta:  DPGF 1500 + 4000 + 2000 + 1000 = 8500, DQE 400 × 4 = 1600 → 10100
    assert alpha.price == Decimal("7200.00") and beta.price == Decimal("10100.00")
    # Classic: Alpha 40 × 7200 / 7200 = 40.00; Bêta 40 × 7200 / 10100 = 28.514… → 28.51
    assert points["Alpha (fictif)"]["Prix"] == Decimal("40.00")
    assert points["Bêta (fictif)"]["Prix"] == Decimal("28.51")
    # Totals: Alpha 23.75 + 12 + 5 + 40 = 80.75; Bêta 30 + 16 + 7 + 28.51 = 81.51 → Bêta first.
    assert alpha.total == Decimal("80.75") and beta.total == Decimal("81.51")
    assert [o.name for o in comparison.ranked] == ["Bêta (fictif)", "Alpha (fictif)"]
    assert comparison.winner is beta

    # Linear: Bêta is the dearest → 0 → 53.00; Alpha keeps 80.75 and wins.
    assert beta.price_scores[PriceFormula.LINEAR].points == 0
    assert beta.ranks[PriceFormula.LINEAR] == 2
    # Relative gap: 40 × (1 − 2900 / 7200) = 23.888… → 23.89 → Bêta 76.89, Alpha first again.
    assert beta.price_scores[PriceFormula.RELATIVE_GAP].points == Decimal("23.89")
    assert alpha.ranks[PriceFormula.RELATIVE_GAP] == 1
    assert comparison.formula_effect.startswith("La formule de prix décide du lauréat")

    # The justification shows the working.
    conformity = next(s for s in alpha.scores if s.leaf.name == "Conformité")
    assert (
        "X03 (Forum)" in conformity.justification
        and "30 × 9,5 ÷ 12 = 23,75" in conformity.justification
    )
    assert (
        "Planning sommaire"
        in next(s for s in alpha.scores if s.leaf.name == "Méthodologie").justification
    )


def test_a_heavier_price_weight_ranks_the_cheaper_offer_first(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    offers = three_offers(small)
    before = run_comparison(folder, catalog, offers)
    assert before.ranked[0].name == "Bêta (fictif)"
    answers = folder / "webpass.yaml"
    text = answers.read_text(encoding="utf-8")
    heavier = (
        text.replace("poids: 50", "poids: 30")
        .replace("{nom: Conformité, poids: 30", "{nom: Conformité, poids: 20")
        .replace("{nom: Méthodologie, poids: 20", "{nom: Méthodologie, poids: 10")
        .replace("{nom: Prix, poids: 40", "{nom: Prix, poids: 60")
    )
    answers.write_text(heavier, encoding="utf-8")
    after = run_comparison(folder, catalog, offers)
    # Alpha: 20 × 9.5/12 = 15.83, 6/10 × 10 = 6, 5, 60 → 86.83
    # Bêta:  20, 8, 7, 60 × 7200/10100 = 42.77 → 77.77
    assert [(o.name, o.total) for o in after.ranked] == [
        ("Alpha (fictif)", Decimal("86.83")),
        ("Bêta (fictif)", Decimal("77.77")),
    ]


def test_ties_go_to_the_lower_price_then_the_technical_score() -> None:
    entries = [
        (Decimal(80), Decimal(1000), Decimal(40)),
        (Decimal(80), Decimal(900), Decimal(38)),
        (Decimal(80), Decimal(900), Decimal(39)),
        (Decimal(70), Decimal(500), Decimal(60)),
        (Decimal(80), Decimal(900), Decimal(39)),
    ]
    # Same total: cheaper first (900 before 1000); same price too: better technical (39 before 38);
    # same everything: the same rank (ex aequo), and the next rank is skipped.
    assert rank_offers(entries) == [4, 3, 1, 5, 1]


def test_a_perfect_tie_has_no_winner_and_is_explained(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Delta (fictif)", ALPHA),
    ]
    notes = (
        "offres:\n"
        "  Alpha (fictif): {Méthodologie: 6, Environnement: 5}\n"
        "  Delta (fictif): {Méthodologie: 6, Environnement: 5}\n"
    )
    comparison = run_comparison(folder, catalog, offers, notes)
    assert [o.rank for o in comparison.ranked] == [1, 1]
    assert comparison.winner is None
    assert "ex aequo" in comparison.ties[0]


def test_equal_totals_are_decided_by_price_and_said_so(small: tuple[Path, Path]) -> None:
    folder, catalog = small
    # Bêta's dearer offer makes up for it with its marks: 30 + 16 + 7 + 28.51 = 81.51.
    # Alpha gets 81.51 too with Méthodologie 6 → 12.76 (6.38/10) : 23.75 + 12.76 + 5 + 40 = 81.51.
    notes = NOTES.replace("Méthodologie: {note: 6,", "Méthodologie: {note: 6.38,")
    comparison = run_comparison(folder, catalog, three_offers(small), notes)
    assert [o.total for o in comparison.ranked] == [Decimal("81.51"), Decimal("81.51")]
    assert comparison.ranked[0].name == "Alpha (fictif)"
    assert "son prix est plus bas" in comparison.ties[0]


def test_missing_marks_make_a_provisional_ranking(small: tuple[Path, Path]) -> None:
    comparison = run_comparison(*small, three_offers(small), notes=None)
    assert comparison.provisional
    assert "Alpha (fictif) — Méthodologie" in comparison.missing_marks
    assert all(s.points == 0 for o in comparison.ranked for s in o.scores if s.missing)


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (NOTES.replace("Bêta (fictif):", "Bêtâ SARL:"), "offre « Bêtâ SARL » inconnue"),
        (NOTES.replace("Environnement: 5", "Ergonomie: 5"), "critère « Ergonomie » inconnu"),
        (NOTES.replace("Environnement: 5", "Prix: 5"), "« Prix » est calculé par webpass"),
        (NOTES.replace("Environnement: 5", "Environnement: 12"), "dépasse le barème"),
        (NOTES.replace("Environnement: 5", "Environnement: -1"), "est négative"),
        (
            NOTES.replace("Environnement: 5", "Environnement: beaucoup"),
            "n'est pas une note lisible",
        ),
    ],
)
def test_wrong_notes_are_reported_with_their_line(
    small: tuple[Path, Path], notes: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        run_comparison(*small, three_offers(small), notes)
    assert message in str(caught.value)
    assert caught.value.problems[0].line is not None


def test_notes_from_a_spreadsheet(small: tuple[Path, Path], tmp_path: Path) -> None:
    folder, catalog = small
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Offre", "Critère", "Note", "Commentaire", "Barème"])
    sheet.append(["Alpha (fictif)", "methodologie", 12, "Planning sommaire.", 20])
    sheet.append(["offre-alpha", "Environnement", "2,5", "", 5])
    sheet.append(["Bêta (fictif)", "Méthodologie", 8, "", None])
    sheet.append(["Bêta (fictif)", "Environnement", 7, "", None])
    path = tmp_path / "notes.xlsx"
    book.save(path)
    opened = open_dossier(folder, catalog)
    grid = build_grid(opened.selection)
    offers = read_offers(
        three_offers(small), grid, load_labels(catalog), today=opened.answers.project.launch_date
    )
    comparison = compare_offers(opened.selection, grid, offers, load_notes(path))
    alpha = next(o for o in comparison.ranked if o.name == "Alpha (fictif)")
    # 12/20 × 20 = 12.00 and 2.5/5 × 10 = 5.00: the same marks as the YAML file.
    assert alpha.total == Decimal("80.75")
    assert not comparison.provisional


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
        "Analyse des offres régulières",
        "Effet de la formule de notation du prix",
        "Classement et proposition d'attribution",
        "Subvention Webpass et reste à charge",
        "Visa",
    ]
    text = json.dumps([repr(a) for a in document.walk()], ensure_ascii=False)
    assert "Gamma (fictif)" in text and "X01" in text
    assert "Il est proposé d’attribuer le marché à Bêta (fictif)" in text


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


@pytest.fixture(scope="module")
def example_json() -> dict[str, Any]:
    """``webpass comparer`` on the example dossier and its seven offers, as JSON."""
    assert len(EXAMPLE_OFFERS) == 7
    result = invoke("comparer", str(EXAMPLE), *map(str, EXAMPLE_OFFERS), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_example_offers_are_compared_end_to_end(example_json: dict[str, Any]) -> None:
    data = example_json
    assert data["offres_recues"] == 7
    eliminated = {e["candidat"]: e["motifs"] for e in data["offres_ecartees"]}
    assert set(eliminated) == {"Agence Pixel Ouest SAS (fictif)", "Studio Web Trégor EURL (fictif)"}
    assert any(
        "N02" in m and "Non conforme" in m for m in eliminated["Agence Pixel Ouest SAS (fictif)"]
    )
    assert any("Aucune réponse" in m for m in eliminated["Studio Web Trégor EURL (fictif)"])
    assert any(
        "prix unitaire" in m or "Prix manquant" in m
        for m in eliminated["Studio Web Trégor EURL (fictif)"]
    )
    ranking = [(o["rang"], o["candidat"]) for o in data["classement"]]
    assert ranking == [
        (1, "Exemple Libre SCOP (fictif)"),
        (2, "Breizh Logiciels Libres SARL (fictif)"),
        (3, "Coopérative des Communs Numériques (fictif)"),
        (4, "Numérique Rural SCIC (fictif)"),
        (5, "Ouest Intégration SAS (fictif)"),
    ]
    assert not data["provisoire"]  # the dossier's notes.yaml was found
    assert data["attributaire_propose"]["candidat"] == "Exemple Libre SCOP (fictif)"
    # The cheapest regular offer wins under the two other formulas: the formula decides.
    linear = data["formules"]["lineaire"][0]["candidat"]
    assert linear == "Breizh Logiciels Libres SARL (fictif)"
    assert data["effet_formule"].startswith("La formule de prix décide du lauréat")
    first = data["classement"][0]
    assert first["subvention"]["subvention"] == "25000.00"  # 40 % of the investment, capped
    assert Decimal(first["subvention"]["reste_a_charge"]) == Decimal(first["prix_total"]) - 25000
    breizh = data["classement"][1]
    assert any("niveau 4" in r for r in breizh["remarques"])  # label covers level 4 only
    rural = next(o for o in data["classement"] if o["candidat"].startswith("Numérique Rural"))
    assert any("E07" in r for r in rural["remarques"])  # justification to regularise


def test_example_hand_check_of_two_offers(example_json: dict[str, Any]) -> None:
    by_name = {o["candidat"]: o for o in example_json["classement"]}
    # The cheapest regular offer is Breizh at 71 300 € HT; Exemple Libre asks 84 600 € HT.
    # classic: 40 × 71 300 / 84 600 = 33.711… → 33.71; Breizh 40 × 71 300 / 71 300 = 40
    assert by_name["Exemple Libre SCOP (fictif)"]["note_prix"] == "33.71"
    assert by_name["Breizh Logiciels Libres SARL (fictif)"]["note_prix"] == "40.00"
    # Exemple Libre's analyst marks 8, 8, 7 /10 on 15, 10, 5 points → 12 + 8 + 3.5 = 23.5,
    # conformity 29.90 (one option partially conforming) → 53.40 + 33.71 = 87.11
    assert by_name["Exemple Libre SCOP (fictif)"]["note_totale"] == "87.11"


def test_a_heavier_price_weight_changes_the_example_winner(tmp_path: Path) -> None:
    folder = tmp_path / "cc"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("offres", "rao-*"))
    answers = folder / "webpass.yaml"
    text = answers.read_text(encoding="utf-8")
    heavier = (
        text.replace("      poids: 60\n", "      poids: 40\n")
        .replace("    - nom: Prix\n      poids: 40", "    - nom: Prix\n      poids: 60")
        .replace("          poids: 30\n", "          poids: 20\n")
        .replace("          poids: 15\n", "          poids: 5\n")
    )
    assert heavier != text
    answers.write_text(heavier, encoding="utf-8")
    result = invoke("comparer", str(folder), *map(str, EXAMPLE_OFFERS), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # With 60 points on the price, the cheapest regular offer wins.
    assert data["classement"][0]["candidat"] == "Breizh Logiciels Libres SARL (fictif)"


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
    assert "Attributaire proposé : Exemple Libre SCOP (fictif)" in result.stdout
    reader = PdfReader(BytesIO(pdf.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Rapport d'analyse des offres",
        "Offres irrégulières écartées",
        "Agence Pixel Ouest SAS (fictif)",
        "Il est proposé d’attribuer le marché à Exemple Libre SCOP (fictif)",
        "RAO — Communauté de communes du Pays Fouesnantais",
    ):
        assert expected in text, expected
    assert "analyse-des-offres.json" in reader.attachments
    document = docx.Document(str(word))
    assert document.sections[0].header.paragraphs[0].text.startswith("RAO — ")
    assert document.core_properties.category == "Rapport d'analyse des offres"


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
        "bareme: 10\noffres:\n  Inconnue: {Méthodologie: 5}\n", encoding="utf-8"
    )
    bad_notes = invoke("comparer", str(folder), str(gamma), "--catalogue", str(catalog))
    assert bad_notes.exit_code == 1
    assert "offre « Inconnue » inconnue" in bad_notes.stderr
