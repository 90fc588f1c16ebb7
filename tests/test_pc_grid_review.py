"""The response grid, the quote form's lines and the items after the review of the small commune's
DCE (1 December 2026): each test reads what a bidder reads, in both shipped examples.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import plain_text, sessions_groupement
from webpass.catalog.load import load_catalog
from webpass.compare.award import criteria_of
from webpass.core.resources import shipped_catalog_dir
from webpass.documents.coherence import document_text
from webpass.documents.question import ALSO_INFORMATION
from webpass.documents.quotes import quote_form_document, quotes_note_document
from webpass.documents.terms import dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.check import check_offer
from webpass.grid.export import export_grid
from webpass.grid.labels import load_labels
from webpass.grid.read import read_filled_grid
from webpass.selection.engine import Selection
from webpass.selection.quantities import quantities

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"


@pytest.fixture(scope="module")
def groupement() -> Selection:
    return open_dossier(sessions_groupement()).selection


def _book(selection: Selection) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_grid(build_grid(selection), "xlsx")))


def _strings(book: openpyxl.Workbook, *sheets: str) -> str:
    return plain_text(
        " ".join(
            str(cell.value)
            for name in sheets
            for row in book[name].iter_rows()
            for cell in row
            if cell.value is not None
        )
    ).replace("’", "'")


def _with(tmp_path: Path, old: str, new: str) -> Selection:
    folder = tmp_path / "dossier"
    folder.mkdir()
    text = (COMMUNE / "webpass.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "webpass.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return open_dossier(folder).selection


def test_yearly_lines_count_the_planned_years_of_service(
    commune: Selection, tmp_path: Path
) -> None:
    """Notification about 10 March 2027, going online 15 October 2027, term 48 months after the
    notification: 41 months started, 41/12 years to four decimals, not the market's 4 (finding
    9; groupement review N5: to the tenth, the AE's periods did not add up to it)."""
    found = quantities(commune)
    assert found["H08"].value == found["M04"].value == Decimal("3.4167")
    assert "15 octobre 2027" in found["H08"].nature_label.replace("\xa0", " ")
    # Computed from the dossier's dates: a later going online leaves fewer years.
    later = _with(tmp_path, "mise_en_ligne: 2027-10-15", "mise_en_ligne: 2028-03-15")
    assert quantities(later)["H08"].value == Decimal("3.0")
    yearly = _book(commune)["Prix annuels"]
    assert Decimal(str(yearly["D2"].value)) == Decimal("3.4167")


def test_a_quote_request_speaks_to_providers_and_offers_conforme_alone(
    commune: Selection,
) -> None:
    """No RC, no PSE, no desired requirement: « prestataire », no « Sans objet » trap, no base
    solution, and a total of the whole offer (finding 14)."""
    book = _book(commune)
    assert book.sheetnames == ["Prestataire", "Exigences", "Prix annuels", "Dossier"]
    text = _strings(book, "Prestataire", "Exigences", "Prix annuels")
    assert "candidat" not in text.lower()
    assert "Sans objet" not in text and "PSE" not in text
    assert "(solution de base)" not in text
    assert "règlement de la consultation" not in text
    sheet = book["Exigences"]
    assert sheet.data_validations.dataValidation[0].formula1 == '"Conforme"'
    labels = {row[9].value: row[10].value for row in sheet.iter_rows() if row[9].value}
    last = sheet.max_row
    assert labels["Total des prix forfaitaires HT"].startswith("=SUM(K2:")
    whole = labels["Total HT du devis (à reporter au formulaire de devis)"]
    assert whole.startswith("=K") and "'Prix annuels'!F" in whole
    assert last > len(build_grid(commune).rows)


def test_the_groupement_keeps_candidates_pse_and_the_base_solution(groupement: Selection) -> None:
    book = _book(groupement)
    assert book.sheetnames[:3] == ["Candidat", "Exigences", "BPU"]
    text = _strings(book, "Candidat", "Exigences", "BPU")
    assert "Le candidat déclare" in text
    assert "Total DPGF HT (solution de base)" in text
    assert "Total des PSE HT (hors solution de base)" in text
    assert "Total HT de l'offre de base" in text
    assert "Sans objet" in book["Exigences"].data_validations.dataValidation[0].formula1


def test_a_small_commune_writes_at_most_fifteen_answers_each_named_with_its_use(
    commune: Selection,
) -> None:
    """Written answers only where the award scores them or the contract needs them; the column
    « Sous-critère noté » says which (finding 5); the warranty and the acts rubric are declared
    conform (findings 16 and 8). The support's organisation (M04) and the administrators'
    training (L03) feed the sub-criteria that judge them (groupement review N6)."""
    grid = build_grid(commune)
    written = {row.id: row.scored for row in grid.rows if row.answer_kind == "texte"}
    # And G12's end-of-support dates, information the contract needs (review I2): fifteen.
    assert 0 < len(written) <= 15
    assert written["M04"] == "Équipe et moyens"
    assert written["L03"] == written["L04"] == "Accompagnement et formation"
    assert written["A08"] == "Méthodologie et planning"
    assert written["I06"] == "Accessibilité"
    assert written["J01"].startswith("Non noté")
    judged = {leaf.name for leaf in criteria_of(commune).leaves() if leaf.judged}
    assert all(
        use.removesuffix(ALSO_INFORMATION) in judged or use.startswith("Non noté")
        for use in written.values()
    )
    kinds = {row.id: row.answer_kind for row in grid.rows}
    assert kinds["M03"] == kinds["D05"] == kinds["H02"] == "conformite"
    assert "nombre" not in kinds.values()
    headers = [cell.value for cell in _book(commune)["Exigences"][1]]
    assert headers[-1] == "Sous-critère noté"


def test_a_procedure_with_an_rc_keeps_its_descriptions_and_says_they_are_not_scored(
    groupement: Selection,
) -> None:
    grid = build_grid(groupement)
    scored = {row.id: row.scored for row in grid.rows if row.answer_kind == "texte"}
    assert scored["H03"] == "Non noté : décrit la conformité"
    assert scored["F07"] == "Téléservices"
    # Each answer feeds the sub-criterion the RC says judges its object (review of 1 December
    # 2026, groupement N6): the support's organisation is « Équipe et moyens », both trainings
    # « Accompagnement et formation »; the communes' identity is no part of « Méthodologie et
    # planning », and the supervision only describes how H02's availability is met.
    assert scored["M04"] == "Équipe et moyens"
    assert scored["L03"] == scored["L04"] == "Accompagnement et formation"
    assert scored["K02"] == scored["H02"] == "Non noté : décrit la conformité"
    described = {leaf.name: leaf.description for leaf in criteria_of(groupement).leaves()}
    assert "support" in described["Équipe et moyens"]


def test_the_acts_rubric_of_a_small_commune_is_information_only(commune: Selection) -> None:
    row = next(row for row in build_grid(commune).rows if row.id == "D05")
    text = plain_text(row.text)
    assert "pour information" in text and "article L2131-1" in text
    assert "occultation des données personnelles" in text
    assert "dans son intégralité" not in text
    # The posting is stated with the deliberation that chose it, and only then (review M1):
    # without a deliberation the electronic publication applies by default.
    assert "reste assurée par affichage, mode choisi par la délibération du 27 juin 2022" in text
    body = commune.answers.collectivity.model_copy(update={"acts_publicity": None})
    undated = dataclasses.replace(
        commune, answers=commune.answers.model_copy(update={"collectivity": body})
    )
    row = next(row for row in build_grid(undated).rows if row.id == "D05")
    assert "affichage" not in plain_text(row.text)
    assert "pour information" in plain_text(row.text)


def test_the_wizard_asks_the_deliberation_only_when_acts_are_not_online() -> None:
    from webpass.dossier.questionnaire import project_questions

    questions = {
        q.key: q
        for q in project_questions(load_catalog(shipped_catalog_dir()), dt.date(2026, 12, 1))
    }
    asked = questions["publicite-actes-deliberation"]
    assert asked.path == ("collectivite", "publicite_actes", "deliberation")
    commune_data = {"collectivite": {"type": "commune"}}
    assert asked.applies({**commune_data, "faits": {"publication_electronique_actes": False}})
    assert not asked.applies({**commune_data, "faits": {"publication_electronique_actes": True}})
    # A communauté publishes its acts online: nothing is asked.
    assert not asked.applies(
        {
            "collectivite": {"type": "communaute_de_communes"},
            "faits": {"publication_electronique_actes": False},
        }
    )
    assert asked.parse("27/06/2022") == dt.date(2022, 6, 27)


def test_the_accounts_stay_with_the_buyer(commune: Selection) -> None:
    """The quote form names no account; the buyer's note does (finding 17)."""
    terms = dce_terms(commune)
    form = plain_text(document_text(quote_form_document(terms)))
    note = plain_text(document_text(quotes_note_document(terms)))
    assert "imputation" not in form and "6184" not in form
    # 6184 on the same condition as the groupement's pieces (22:25 reading, M4); the training
    # a phase of its own, the documentation (2051) another (rev11b § 3).
    assert (
        "Imputation de la phase « Formation » (L03, L04) : compte 6184 si le titulaire est un "
        "organisme de formation déclaré, sinon compte 611 ; la formation n'est pas immobilisable"
        in note
    )
    # The review clause's ceiling counts in the estimated value (finding 29).
    assert "clause de réexamen" in note and "options comprises" in note


def test_no_pse_is_mentioned_where_there_is_none(commune: Selection) -> None:
    """Not in the CCTP, not in the form (finding 25), nor in the CCAP (review M10)."""
    terms = dce_terms(commune)
    form = plain_text(document_text(quote_form_document(terms)))
    assert "supplémentaire éventuelle" not in form
    a06 = next(row for row in build_grid(commune).rows if row.id == "A06")
    assert "PSE" not in a06.text


def test_the_signature_page_names_the_quote_it_signs(commune: Selection) -> None:
    """Review of 1 December 2026, M11: the honour statement and the signatures, which may fall
    alone on the last page, come right after a recall of the consultation, the provider and the
    total, so that the signed page cannot be detached from its prices."""
    terms = dce_terms(commune)
    engagement = next(a for a in quote_form_document(terms).walk() if a.title == "Engagement")
    signatures = engagement.blocks[-1]
    assert getattr(signatures, "caption", None) == "Signatures"
    provider_cell = plain_text(document_text(quote_form_document(terms))).split(
        "Signature du prestataire"
    )[-1]
    assert f"Devis {terms.reference} — prestataire :" in provider_cell
    assert "total HT (article 2) :" in provider_cell


@pytest.mark.parametrize("name", ["commune", "groupement"])
def test_a_presentation_asks_no_answer_and_is_not_checked(
    name: str, commune: Selection, groupement: Selection, tmp_path: Path
) -> None:
    """A01, A02, A04, A05, A06 and A09 present; declaring « Conforme » to a population makes
    no sense (finding 15): « Information », cells closed, and an offer that leaves them is
    regular."""
    selection = commune if name == "commune" else groupement
    grid = build_grid(selection)
    rows = {row.id: row for row in grid.rows}
    assert {i for i, row in rows.items() if row.informative} == {
        "A01", "A02", "A04", "A05", "A06", "A09"
    }  # fmt: skip
    assert rows["A02"].strength_label == "Information"
    assert rows["A03"].answer_kind == ("conformite" if name == "commune" else "texte")
    book = _book(selection)
    sheet = book["Exigences"]
    headers = [cell.value for cell in sheet[1]]
    line = next(cells for cells in sheet.iter_rows(min_row=2) if cells[0].value == "A02")
    for column in ("Conformité", "Justification"):
        cell = line[headers.index(column)]
        assert cell.protection.locked and cell.value == "Sans réponse"
    # An offer that answers nothing on these rows is checked like any other, both ways.
    folder = ROOT / "examples" / _FOLDERS[name]
    offer = sorted((folder / "offres").glob("*.xlsx"))[1]
    reference = build_grid(open_dossier(folder).selection)
    report = check_offer(read_filled_grid(offer), load_labels(shipped_catalog_dir()), reference)
    assert not any(a.item in rows and rows[a.item].informative for a in report.anomalies)
    alone = check_offer(read_filled_grid(offer), load_labels(shipped_catalog_dir()))
    assert alone.as_json() == report.as_json()


_FOLDERS = {"commune": "petite-commune", "groupement": "communaute-de-communes"}


def test_a_contract_information_left_out_makes_the_quote_irregular(
    commune: Selection, tmp_path: Path
) -> None:
    """Review of 1 December 2026, N5: the pre-existing knowledge (N01), the sub-processors
    (J01) are what the contract needs; a quote without them is irregular, a scored answer left
    out is a warning; the report of a quote request speaks of a quote and shows no PSE."""
    from webpass.grid.report import report_text
    from webpass.grid.verify import verify_offer

    book = openpyxl.load_workbook(COMMUNE / "offres" / "01-exemple-libre-scop.xlsx")
    sheet = book["Exigences"]
    headers = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value in ("J01", "N01", "L04"):
            cells[headers.index("Justification")].value = None
    emptied = tmp_path / "devis.xlsx"
    book.save(emptied)
    report = verify_offer(emptied, commune)
    found = {(a.item, a.code, a.severity.value) for a in report.anomalies}
    assert ("J01", "renseignement_manquant", "bloquant") in found
    assert ("N01", "renseignement_manquant", "bloquant") in found
    assert ("L04", "reponse_notee_absente", "information") in found
    assert report.irregular
    text = report_text(report)
    assert text.startswith("Devis : ") and "IRRÉGULIER —" in text
    assert "PSE" not in text and "solution de base" not in text
    # The quote form's total has no unit price in it (review of 1 December 2026, M10).
    assert "prix annuels " in text and "unitaires" not in text
    untouched = verify_offer(COMMUNE / "offres" / "01-exemple-libre-scop.xlsx", commune)
    assert not untouched.irregular
    # The letter states the rule the check applies, on the same requirements.
    from webpass.documents.quotes import letter_document

    letter = plain_text(document_text(letter_document(dce_terms(commune), [])))
    assert (
        "qui ne donne pas les renseignements que demandent les exigences G01, G12, H01, J01, "
        "N01 et N03" in letter.replace("’", "'")
    )


def test_the_texts_annex_cites_only_what_the_published_texts_rest_on(
    commune: Selection, groupement: Selection
) -> None:
    """Review M6: the small commune's short G01 asks nothing about the SILL, so the annex of
    the texts of reference does not cite it; the groupement's full G01 does."""
    from webpass.documents.cctp import build_document

    def annex(selection: Selection) -> str:
        cctp = build_document(selection)
        found = next(a for a in cctp.articles if a.title == "Textes de référence")
        return plain_text(document_text(dataclasses.replace(cctp, articles=[found], annexes=[])))

    assert "Socle interministériel" not in annex(commune)
    assert "Socle interministériel de logiciels libres (DINUM), édition 2026 — exigences G01" in (
        annex(groupement)
    )


def test_every_information_row_asks_what_its_published_text_asks_in_the_offer(
    commune: Selection, groupement: Selection
) -> None:
    """Review I3 (rule) and I2 (G12), groupement R8 (H01): the grid quotes every phrase of
    « dans son offre » the published text holds; the letter, the RC and the grid's
    instructions name the same requirements, from one test of the « Sous-critère noté »."""
    from webpass.catalog.information import quoted_in
    from webpass.documents.question import contract_information_ids, is_contract_information

    for selection in (commune, groupement):
        grid = build_grid(selection)
        information = [row.id for row in grid.rows if is_contract_information(row.scored)]
        assert information == contract_information_ids(selection)
        assert {"G01", "G12", "H01", "J01", "N01", "N03"} <= set(information)
        for row in grid.rows:
            selected = selection.selected(row.id)
            assert selected is not None
            phrases = quoted_in(selected.item.answer.information, selected.clause)
            question = plain_text(row.question).replace("\u2019", "'")
            for phrase in phrases:
                assert plain_text(phrase) in question, (row.id, phrase)
        scored = {row.id: row.scored for row in grid.rows}
        assert scored["H01"] == "Performance environnementale, et renseignement du marché"
        g12 = next(row for row in grid.rows if row.id == "G12")
        assert "la date de fin de son support de sécurité" in plain_text(g12.question)
        assert "G12" in plain_text(g12.text) or "support de sécurité" in plain_text(g12.text)
    g01 = next(row for row in build_grid(commune).rows if row.id == "G01")
    # G01 sends the end of support to G12 instead of asking it twice (I2).
    assert "exigence G12" in plain_text(g01.text) and "durée du support" not in plain_text(g01.text)
