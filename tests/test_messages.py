"""Messages that used to mislead (issue 22, item 5): right place, right unit, the remedy, grammar."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from test_grid import export, fill_xlsx, verify

from webpass.core.errors import ValidationFailed
from webpass.core.validation import french_message
from webpass.documents.typography import of_name
from webpass.dossier import answer_parsers as parse
from webpass.grid.check import Anomaly, Severity
from webpass.grid.report import findings_heading


def _anomalies(report: dict) -> list[dict]:  # type: ignore[type-arg]
    return list(report["anomalies"])


def test_a_bpu_price_error_names_the_bpu_cell(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    book = openpyxl.load_workbook(offer)
    sheet = book.worksheets[2]
    headers = [c.value for c in sheet[1]]
    column = headers.index("Prix unitaire HT")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value and len(str(r[0].value)) == 3)
    row[column].value = "cinq cents"
    cell = row[column].coordinate
    book.save(offer)
    _, report = verify(str(offer), "--catalogue", str(options_catalog))
    found = [a for a in _anomalies(report) if a["type"] == "prix_illisible"]
    assert found, report
    assert found[0]["ou"] == f"onglet Prix annuels et unitaires, cellule {cell}"


def test_a_value_that_is_not_a_number_is_not_called_an_amount(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path), {"Z02": ("Conforme", "six", "")})
    _, report = verify(str(offer), "--catalogue", str(options_catalog))
    found = [a for a in _anomalies(report) if a["type"] == "valeur_illisible"]
    assert found and "nombre" in found[0]["message"]
    assert "€" not in found[0]["message"] and "montant" not in found[0]["message"]


def test_an_altered_requirement_says_how_to_fix_it(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    book = openpyxl.load_workbook(offer)
    sheet = book["Exigences"]
    sheet["C2"].value = str(sheet["C2"].value).replace("toutes les pages", "la page d'accueil")
    book.save(offer)
    _, report = verify(str(offer), "--catalogue", str(options_catalog))
    found = [a for a in _anomalies(report) if a["type"] == "texte_modifie"]
    assert "reprenez le texte du DCE pour l'exigence Z01" in found[0]["message"]
    assert "empreinte" not in found[0]["message"]


def test_information_is_a_remark_not_an_anomaly() -> None:
    info = Anomaly(None, "solution_non_labellisee", "…", Severity.INFO)
    fault = Anomaly("A01", "prix_manquant", "…", Severity.BLOCKING)
    assert findings_heading([info]) == "1 remarque"
    assert findings_heading([fault, fault, info]) == "2 anomalies et 1 remarque"


def test_an_offer_without_solution_is_not_called_question_mark(
    dossier: Path, options_catalog: Path, tmp_path: Path
) -> None:
    offer = fill_xlsx(export(dossier, options_catalog, tmp_path))
    book = openpyxl.load_workbook(offer)
    for row in book.worksheets[0].iter_rows(min_row=1):
        if row[0].value in ("Solution", "Numéro de label"):
            row[1].value = None
    book.save(offer)
    _, report = verify(str(offer), "--catalogue", str(options_catalog))
    assert not any("« ? »" in a["message"] for a in _anomalies(report))


@pytest.mark.parametrize(
    ("parser", "fragment"),
    [(parse.insee, "indiquez le code INSEE"), (parse.integer(1), "indiquez un nombre entier")],
)
def test_empty_fields_are_asked_for_not_misdescribed(parser: object, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parser("")  # type: ignore[operator]
    assert fragment in str(info.value)
    assert "« »" not in str(info.value)


def test_a_pattern_error_never_shows_a_regular_expression() -> None:
    error = {
        "type": "string_pattern_mismatch",
        "input": "réf. n°1 !",
        "ctx": {"pattern": r"^[\w./ -]+$"},
    }
    message = french_message(error)
    assert "^[" not in message and "2027-WEB-01" in message


def test_a_reference_with_a_forbidden_character_is_explained(options_catalog: Path) -> None:
    from webpass.catalog import load_catalog
    from webpass.dossier.answers import parse_answers
    from webpass.untrusted.safe_yaml import load_yaml_text

    text = (
        'version_catalogue: "2026.1"\ncollectivite: {nom: X, type: commune, code_insee: "22987", '
        "departement: 22, population: 100}\nprojet: {nature: creation, niveau_vise: 1, "
        'duree_marche_mois: 12, date_lancement: 2027-01-11, reference: "réf #1 !"}\n'
    )
    load_catalog(options_catalog)
    with pytest.raises(ValidationFailed) as info:
        parse_answers(load_yaml_text(text, "webpass.yaml"))
    assert "^[" not in info.value.message and "2027-WEB-01" in info.value.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Exemple Libre SCOP", "d'Exemple Libre SCOP"),
        ("Hennebont Web", "d'Hennebont Web"),
        ("Breizh Logiciels", "de Breizh Logiciels"),
        ("Atelier", "d'Atelier"),
    ],
)
def test_of_name_elides_before_a_vowel(name: str, expected: str) -> None:
    assert of_name(name) == expected
