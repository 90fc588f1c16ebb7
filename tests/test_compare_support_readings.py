"""``comparer`` reads G12's end-of-support dates as ``verifier`` does, and proposes no awardee
whose own answer gives a date before the limit until the analyst has decided (00:20 reading,
N1): a misreading, with what the offer really says, or the offer irregular."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import REPO, plain_text
from webpass.cli import cli

EXAMPLE = REPO / "examples" / "communaute-de-communes"
OFFER = "02-cooperative-communs-numeriques.xlsx"
BIDDER = "Coopérative des Communs Numériques (fictif)"
GIVEN = "PHP 8.5, support jusqu'au 31 décembre 2029"
EARLY = "PHP 8.5, support jusqu'au 30 novembre 2028"
MISREAD = (
    "L'offre livre PHP 8.5 jusqu'au 31 décembre 2029 ; le 30 novembre 2028 est celui de PHP 8.4."
)


@pytest.fixture
def early(tmp_path: Path) -> Path:
    """The groupement's dossier, its offer 02 answering G12 with PHP supported until
    30 November 2028, before the limit of 6 December 2029 (the reader's case)."""
    folder = tmp_path / "cc"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("rao-*"))
    path = folder / "offres" / OFFER
    book = openpyxl.load_workbook(path)
    cells = [
        cell
        for row in book["Exigences"].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and GIVEN in cell.value
    ]
    assert len(cells) == 1
    cells[0].value = cells[0].value.replace(GIVEN, EARLY)
    book.save(path)
    return folder


def _offers(folder: Path) -> list[str]:
    return [str(path) for path in sorted((folder / "offres").glob("*.xlsx"))]


def _compare(folder: Path, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["comparer", str(folder), *_offers(folder), *extra])


def _decide(folder: Path, status: str, reason: str) -> Path:
    notes = folder / "notes.yaml"
    text = notes.read_text(encoding="utf-8")
    head = f"  {BIDDER}:\n    renseignements_verifies: true\n"
    assert text.count(head) == 1
    record = f"    lectures:\n      G12:\n        statut: {status}\n        motif: {json.dumps(reason, ensure_ascii=False)}\n"
    notes.write_text(text.replace(head, head + record), encoding="utf-8")
    return notes


def _rao_text(folder: Path) -> str:
    from webpass.compare.run import compare_offers
    from webpass.documents.coherence import document_text
    from webpass.documents.rao import build_rao
    from webpass.dossier.opening import open_dossier

    comparison = compare_offers(open_dossier(folder), [Path(p) for p in _offers(folder)])
    return " ".join(plain_text(document_text(build_rao(comparison))).split())


def test_the_shipped_example_has_no_early_date() -> None:
    result = _compare(EXAMPLE, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["attributaire_propose"]["candidat"] == BIDDER
    assert all(o["lectures_fin_de_support"] is None for o in data["classement"])


def test_an_early_date_without_decision_stops_the_award(early: Path) -> None:
    result = _compare(early, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["attributaire_propose"] is None
    first = data["classement"][0]
    assert first["candidat"] == BIDDER
    assert first["lectures_fin_de_support"] == {
        "dates_lues": [
            {
                "passage": EARLY,
                "brique": "PHP 8.5",
                "fin_de_support": "2028-11-30",
                "limite": "2029-12-06",
            }
        ],
        "statut": None,
        "motif": None,
    }
    (blocker,) = data["conditions_attribution"]
    blocker = plain_text(blocker)
    assert f"la réponse de {BIDDER} à G12 écrit « {EARLY} »" in blocker
    assert "fin de support le 30 novembre 2028, avant le 6 décembre 2029" in blocker
    assert "« statut » : « irreguliere »" in blocker
    assert "« statut » : « lecture_erronee »" in blocker
    # The same in French on the terminal, and the RAO never says « complets » of this offer.
    shown = plain_text(" ".join(_compare(early).stdout.split()))
    assert "Aucun attributaire n'est proposé tant que l'analyste n'a pas consigné" in shown
    assert f"« {EARLY} »" in shown
    rao = _rao_text(early)
    assert "Il est proposé d'attribuer" not in rao
    assert "Fin de support lue par webpass dans la réponse à l'exigence G12" in rao
    assert rao.count("et complets") == 2  # the two other ranked offers
    assert "mais ils ne sont pas établis complets" in rao


def test_a_misreading_recorded_lifts_the_stop_and_is_quoted(early: Path) -> None:
    _decide(early, "lecture_erronee", MISREAD)
    data = json.loads(_compare(early, "--json").stdout)
    assert data["attributaire_propose"]["candidat"] == BIDDER
    assert data["conditions_attribution"] == []
    reading = data["classement"][0]["lectures_fin_de_support"]
    assert reading["statut"] == "lecture_erronee" and reading["motif"] == MISREAD
    rao = _rao_text(early)
    assert "Il est proposé d'attribuer le marché à " + BIDDER in rao
    assert f"tient cette lecture pour erronée. {MISREAD}" in rao
    assert rao.count("et complets") == 3


def test_an_irregular_reading_sets_the_offer_aside(early: Path) -> None:
    _decide(early, "irreguliere", "La date est bien celle de l'offre.")
    data = json.loads(_compare(early, "--json").stdout)
    assert BIDDER not in [o["candidat"] for o in data["classement"]]
    (eliminated,) = [e for e in data["offres_ecartees"] if e["candidat"] == BIDDER]
    (reason,) = eliminated["motifs"]
    assert reason["type"] == "fin_de_support_avant_delai" and not reason["regularisable"]
    assert f"Sa réponse écrit « {EARLY} »" in reason["motif"]
    assert reason["motif"].endswith("La date est bien celle de l'offre.")
    assert data["attributaire_propose"]["candidat"] == "Exemple Libre SCOP (fictif)"


@pytest.mark.parametrize(
    ("status", "reason", "item", "message"),
    [
        ("lecture_erronee", " ", "G12", "texte vide"),
        ("mal_lue", "x", "G12", "valeur « mal_lue » non reconnue"),
        (
            "lecture_erronee",
            "x",
            "G01",
            "webpass ne lit de dates que dans la réponse à l'exigence G12",
        ),
    ],
)
def test_a_wrong_reading_record_is_refused_at_its_line(
    early: Path, status: str, reason: str, item: str, message: str
) -> None:
    notes = _decide(early, status, reason)
    notes.write_text(
        notes.read_text(encoding="utf-8").replace(
            "    lectures:\n      G12:", f"    lectures:\n      {item}:"
        ),
        encoding="utf-8",
    )
    result = _compare(early)
    assert result.exit_code == 1
    lines = notes.read_text(encoding="utf-8").splitlines()
    field = "statut" if "valeur" in message else "motif" if "vide" in message else item
    start = lines.index("    lectures:")
    line = next(
        n for n, text in enumerate(lines, 1) if n > start and text.strip().startswith(f"{field}:")
    )
    stderr = " ".join(result.stderr.split())
    assert f"notes.yaml:{line}" in stderr and message in stderr


def test_a_reading_where_nothing_was_read_is_refused(tmp_path: Path) -> None:
    """On the shipped offer, whose dates are all beyond the limit, a decision quotes nothing."""
    folder = tmp_path / "cc"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("rao-*"))
    _decide(folder, "lecture_erronee", MISREAD)
    result = _compare(folder)
    assert result.exit_code == 1
    stderr = " ".join(result.stderr.split())
    assert f"webpass ne lit dans la réponse de {BIDDER} à G12 aucune fin de support" in stderr
    assert "retirez-la" in stderr


def test_an_unknown_offer_s_reading_is_refused(early: Path) -> None:
    notes = early / "notes.yaml"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(
        text.replace(
            "verifications:\n",
            "verifications:\n  Inconnue SARL:\n    lectures:\n      G12: {statut: irreguliere, motif: x}\n",
        ),
        encoding="utf-8",
    )
    result = _compare(early)
    assert result.exit_code == 1 and "offre « Inconnue SARL » inconnue" in result.stderr
