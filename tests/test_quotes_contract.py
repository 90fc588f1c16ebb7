"""The small commune's contract pieces as a lawyer and a small web agency read them.

The contractor's deadline is its own (delivery for verification, validations excluded) and the
penalty runs from it; one duration sentence everywhere; yearly prices paid for the months of
service; the offer's contents collected from the pieces; no advance checkbox under the
threshold, an interim payment instead; the pieces named as this procedure has them; one list of
precedence; only what goes beyond the CCTP is scored, one tie-break rule; the LISEZ-MOI informs;
the internal note justifies the procedure on one estimate; short pieces without cover.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import COMMUNE_EXAMPLE, dce_documents, example_dce
from tests.conftest import article_text as _article
from tests.conftest import plain_text as _plain
from webpass.catalog.model import AnswerKind
from webpass.compare.award import criteria_of, default_criteria
from webpass.compare.scoring import rank_offers
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import published_in_table
from webpass.documents.coherence import document_text
from webpass.documents.offer_contents import asks_in_offer, memo_headings, offer_elements
from webpass.documents.phases import build_floor, build_phase, delivery_rule, delivery_weeks
from webpass.documents.pieces import PieceKind
from webpass.documents.question import asked_answer
from webpass.documents.quotes import quotes_note_document
from webpass.documents.rc import TIE_DRAW, tie_draw
from webpass.documents.terms import dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.build import build_grid
from webpass.grid.export import export_grid
from webpass.render.dispatch import render_document
from webpass.render.styles import styles_for
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def pieces(commune: Selection) -> dict[PieceKind, str]:
    return {kind: _plain(document_text(doc)) for kind, doc in dce_documents(commune).items()}


@pytest.fixture(scope="module")
def group_pieces(groupement: Selection) -> dict[PieceKind, str]:
    return {kind: _plain(document_text(doc)) for kind, doc in dce_documents(groupement).items()}


def _with_project(selection: Selection, **changes: object) -> Selection:
    project = selection.answers.project.model_copy(update=changes)
    answers = selection.answers.model_copy(update={"project": project})
    return dataclasses.replace(selection, answers=answers)


# -- 1. the contractor's deadline ------------------------------------------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_the_deadline_is_the_delivery_and_ccap_cctp_say_it_alike(folder: Path) -> None:
    selection = open_dossier(folder).selection
    documents = dce_documents(selection)
    ccap, cctp = documents[PieceKind.CCAP], documents[PieceKind.CCTP]
    rule = _plain(delivery_rule(selection))
    assert rule in _article(ccap, CcapArticle.DURATION.number)
    assert rule in _article(cctp, "A08")
    penalties = _article(ccap, CcapArticle.PENALTIES.number)
    assert "délai de livraison pour vérification" in penalties
    assert f"article {CcapArticle.DURATION.number} du présent CCAP" in penalties
    # The going-online date follows the buyer's decision: it is a target, never a deadline.
    phase = _plain(build_phase(selection))
    assert "au plus tard" not in phase and "n'est pas un délai du titulaire" in phase


def test_the_weeks_follow_the_target_and_exclude_the_validations(commune: Selection) -> None:
    weeks = delivery_weeks(commune)
    later = _with_project(commune, go_live=commune.answers.project.go_live.replace(year=2028))
    assert delivery_weeks(later) > weeks
    assert delivery_weeks(_with_project(commune, go_live=None)) == 16
    # A target too close still leaves the contractor the floor of what the CCTP asks.
    soon = _with_project(commune, go_live=commune.answers.project.launch_date.replace(month=3))
    assert delivery_weeks(soon) == build_floor(commune).work_weeks == 16


# -- 2. duration, yearly prices, reversibility ------------------------------------------------------


def test_one_duration_sentence_in_every_piece(pieces: dict[PieceKind, str]) -> None:
    sentence = (
        "Le marché prend effet à sa notification pour une première période ferme de 24 mois, qui "
        "couvre la réalisation, les vérifications et au moins 12 mois de service du site en "
        "ligne ; il est ensuite reconduit tacitement par périodes de douze mois, deux fois au "
        "plus, sans que sa durée totale puisse dépasser 48 mois."
    )
    for kind in (PieceKind.CCAP, PieceKind.CCTP, PieceKind.LETTER, PieceKind.QUOTE_FORM):
        assert sentence in pieces[kind], kind
    assert "pour une durée de 48 mois" not in pieces[PieceKind.QUOTE_FORM]


def test_the_groupement_prints_the_same_sentence(group_pieces: dict[PieceKind, str]) -> None:
    sentence = "sans que sa durée totale puisse dépasser 48 mois."
    for kind in (PieceKind.CCAP, PieceKind.CCTP, PieceKind.RC, PieceKind.ACT):
        assert sentence in group_pieces[kind], kind


def test_the_prorata_rule_is_stated_once_in_the_prices_article(
    commune: Selection, pieces: dict[PieceKind, str]
) -> None:
    ccap = dce_documents(commune)[PieceKind.CCAP]
    prices = _article(ccap, CcapArticle.PRICES.number)
    assert "chaque mois entamé est payé un douzième du prix annuel" in prices
    assert pieces[PieceKind.CCAP].count("un douzième du prix annuel") == 1
    form = pieces[PieceKind.QUOTE_FORM]
    assert "un douzième" not in form
    assert f"selon l'article {CcapArticle.PRICES.number} du CCAP" in form


def test_reversibility_sits_in_the_last_months_of_the_term(pieces: dict[PieceKind, str]) -> None:
    for kind in (PieceKind.CCAP, PieceKind.CCTP):
        text = pieces[kind]
        assert "pendant ses 3 derniers mois" in text
        assert "après le terme du marché" not in text.replace(
            "exécutée ni payée après le terme", ""
        )


# -- 3. what the offer holds -----------------------------------------------------------------------


def test_the_letter_lists_what_the_pieces_require_in_the_offer(
    commune: Selection, pieces: dict[PieceKind, str]
) -> None:
    letter = pieces[PieceKind.LETTER]
    assert "quelques pages" not in letter
    for heading in memo_headings(commune):
        assert f"« {heading} »" in letter
    assert [leaf.name for leaf in criteria_of(commune).leaves() if leaf.judged] == memo_headings(
        commune
    )
    assert "formulaire DC4" in letter
    # What the grid asks in writing (the calendar, the hoster, the components, the
    # sub-processors) is not asked a second time in the mémoire, and the letter says so.
    for source in (
        "exigence A08 du CCTP",
        "exigence N01 du CCTP",
        "exigence J01 du CCTP",
        "le pays où ils traitent les données",
    ):
        assert source not in letter, source
    assert "réponses ouvertes du cadre de réponse" in letter
    assert "n'ont pas à être repris dans le mémoire technique" in letter


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_every_clause_that_asks_in_the_offer_is_listed(folder: Path) -> None:
    selection = open_dossier(folder).selection
    listed = {item for element in offer_elements(selection) for item in element.items}
    listed |= {
        m.group(1)
        for element in offer_elements(selection)
        for m in [re.search(r"exigence ([A-Z]\d{2})", element.what)]
        if m
    }
    asking = {
        s.item.id
        for s in selection.items
        if asks_in_offer(s.clause) and not published_in_table(selection, s.item)
    }
    # Asked once: in writing in the grid, or else in the mémoire.
    written = {
        s.item.id
        for s in selection.items
        if asked_answer(s.item, selection).kind is AnswerKind.TEXT
    }
    assert asking and asking <= listed | written
    assert not listed & written


def test_asks_in_offer_reads_the_clause_across_lines() -> None:
    assert asks_in_offer("Le titulaire indique dans\n      son offre la ville")
    assert asks_in_offer("Le titulaire joint à son offre un calendrier")
    assert not asks_in_offer("Le titulaire remet à la vérification d'aptitude sa grille")


def test_the_rc_lists_the_same_elements(group_pieces: dict[PieceKind, str]) -> None:
    rc = group_pieces[PieceKind.RC]
    assert "exigence I01 du CCTP" in rc and "formulaire DC4" in rc
    assert "réponses ouvertes du cadre de réponse" in rc
    assert "n'ont pas à être repris dans le mémoire technique" in rc


# -- 4. advance and interim payment ----------------------------------------------------------------


def test_no_advance_checkbox_under_the_threshold(
    commune: Selection, pieces: dict[PieceKind, str]
) -> None:
    assert commune.procedure.amount < 50000
    form = pieces[PieceKind.QUOTE_FORM]
    assert "renonce" not in form
    assert "ne prévoit pas d'avance, sauf dans le cas où l'article 6.1 du CCAP la rend due" in form
    ccap = dce_documents(commune)[PieceKind.CCAP]
    advance = _article(ccap, f"{CcapArticle.PAYMENT.number}.1")
    assert "ne prévoit pas d'avance" in advance
    assert str(commune.procedure.amount).split(".")[0] not in advance  # the estimate stays private
    schedule = _article(ccap, f"{CcapArticle.PAYMENT.number}.2")
    # Each acompte is the price of the phases its milestone completes, never a fixed share.
    assert "%" not in schedule.split("Deux acomptes")[0]
    assert "« Création graphique » à la validation des maquettes" in schedule
    assert "à la livraison du site en ordre de marche pour vérification" in schedule


def test_an_optional_advance_brings_back_the_waiver(commune: Selection) -> None:
    from webpass.dossier.contract import ContractTerms

    terms = ContractTerms.model_validate({"avance_facultative": True, "taux_avance": "10"})
    answers = commune.answers.model_copy(update={"contract": terms})
    documents = dce_documents(dataclasses.replace(commune, answers=answers))
    form = _plain(document_text(documents[PieceKind.QUOTE_FORM]))
    assert "renonce au bénéfice de l'avance" in form
    advance = _article(documents[PieceKind.CCAP], f"{CcapArticle.PAYMENT.number}.1")
    assert "ne l'impose pas" in advance and "10 %" in advance


def test_the_advance_stays_above_the_threshold(group_pieces: dict[PieceKind, str]) -> None:
    assert "Une avance est versée au titulaire" in group_pieces[PieceKind.CCAP]


# -- 5. the pieces this procedure has --------------------------------------------------------------


def test_no_piece_of_another_procedure_is_named(
    commune: Selection, pieces: dict[PieceKind, str]
) -> None:
    # The only unit prices are those of later changes, under the review clause (R2194-1).
    ccap = pieces[PieceKind.CCAP].replace("prix unitaires des évolutions", "")
    for word in ("DPGF", "BPU", "bon de commande", "prix unitaires", "bordereau"):
        assert word not in ccap, word
    assert "lignes « forfait » du formulaire de devis" in ccap
    # No PSE, hence neither a base solution nor a base offer (review of 1 December 2026, M10).
    assert "solution de base" not in ccap and "offre de base" not in ccap
    grid = export_grid(build_grid(commune), "xlsx")
    with zipfile.ZipFile(io.BytesIO(grid)) as archive:
        strings = " ".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/") and name.endswith(".xml")
        )
    assert "Total des prix annuels HT" in strings
    # Tabs, totals and instructions name the quote form, never a DPGF, a BPU or a DQE.
    for word in ("DQE", "DPGF", "BPU", "bordereau"):
        assert word not in strings, word
    assert "formulaire de devis" in strings
    # No PSE: no base solution to set apart, and a total of the whole offer.
    assert "Total des prix forfaitaires HT" in strings
    assert "HT (solution de base)" not in strings
    assert "Total HT du devis (à reporter au formulaire de devis)" in strings
    assert "offre de base" not in strings.replace("’", "'")
    book = openpyxl.load_workbook(io.BytesIO(grid))
    # A quote request has providers, not candidates; its only unit prices are yearly ones.
    assert book.sheetnames == ["Prestataire", "Exigences", "Prix annuels", "Dossier"]
    assert "«\u00a0Prix annuels\u00a0»" in str(book.worksheets[0]["A2"].value)


def test_the_declared_yearly_total_is_still_read(commune: Selection, tmp_path: Path) -> None:
    import openpyxl

    from webpass.grid.read_tables import read_xlsx_grid

    path = tmp_path / "offre.xlsx"
    path.write_bytes(export_grid(build_grid(commune), "xlsx"))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[2]
    row = next(
        r
        for r in sheet.iter_rows()
        if str(r[4].value or "").startswith("Total des prix annuels HT")
    )
    row[5].value = 1234.5
    workbook.save(path)
    assert read_xlsx_grid(path).declared_totals["dqe"] == "1234.5"


def test_the_groupement_keeps_its_dpgf_and_bpu(group_pieces: dict[PieceKind, str]) -> None:
    assert "(DPGF)" in group_pieces[PieceKind.CCAP] and "BPU" in group_pieces[PieceKind.CCAP]


def test_the_groupement_grid_keeps_its_dpgf_and_bpu() -> None:
    grid = export_grid(build_grid(open_dossier(GROUPEMENT).selection), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(grid))
    assert book.sheetnames == ["Candidat", "Exigences", "BPU", "Dossier"]
    assert "«\u00a0BPU\u00a0»" in str(book.worksheets[0]["A2"].value)
    assert "DPGF-BPU prévalent" in str(book.worksheets[0]["A3"].value)
    labels = [c.value for row in book["Exigences"].iter_rows() for c in row if c.value]
    assert "Total DPGF HT (solution de base)" in labels


# -- 6. precedence ---------------------------------------------------------------------------------


def test_ccap_2_is_the_only_list_and_ranks_the_buyer_form(pieces: dict[PieceKind, str]) -> None:
    ccap = pieces[PieceKind.CCAP]
    assert "le formulaire de devis du dossier de consultation, complété et signé" in ccap
    assert "avec le détail de ses prix" not in ccap
    assert "Aucun document propre au titulaire" in ccap
    refer = f"article {CcapArticle.PIECES.number} du CCAP"
    assert refer in pieces[PieceKind.LETTER] and refer in pieces[PieceKind.QUOTE_FORM]
    assert "vaut marché avec le CCAP et le CCTP" not in pieces[PieceKind.LETTER]
    assert "conformément au CCTP et au CCAP" not in pieces[PieceKind.QUOTE_FORM]


def test_the_groupement_act_refers_to_ccap_2(group_pieces: dict[PieceKind, str]) -> None:
    act = group_pieces[PieceKind.ACT]
    assert f"ordre de priorité par l'article {CcapArticle.PIECES.number} du CCAP" in act


# -- 7. award --------------------------------------------------------------------------------------


def test_support_scores_what_goes_beyond_the_cctp(pieces: dict[PieceKind, str]) -> None:
    support = next(
        s
        for c in default_criteria(False).criteria
        for s in c.sub_criteria
        if "Accompagnement" in s.name
    )
    assert support.description and "délais de réponse" not in support.description
    assert "au-delà" in support.description
    assert "ne rapporte pas de points" in pieces[PieceKind.LETTER]


def test_one_tie_break_rule(
    pieces: dict[PieceKind, str], group_pieces: dict[PieceKind, str]
) -> None:
    # A quote request has providers, not candidates (review of 1 December 2026, small commune N15).
    assert _plain(tie_draw(quotes=True)) in pieces[PieceKind.LETTER]
    assert "candidats concernés" not in pieces[PieceKind.LETTER]
    assert _plain(TIE_DRAW) in group_pieces[PieceKind.RC]
    for text in (pieces[PieceKind.LETTER], group_pieces[PieceKind.RC]):
        assert "meilleure valeur technique" not in text
        assert "négociation si elle est prévue" not in text
    d = Decimal
    # Equal totals and prices: the first sub-criterion decides, never the technical total alone.
    assert rank_offers(
        [(d(80), d(900), d(39), (d(19), d(20))), (d(80), d(900), d(39), (d(20), d(19)))]
    ) == [2, 1]


# -- 8. the LISEZ-MOI informs, the letter rules -----------------------------------------------------


def test_the_notice_sets_no_rule_and_the_letter_does(pieces: dict[PieceKind, str]) -> None:
    output = example_dce(COMMUNE_EXAMPLE)
    with zipfile.ZipFile(io.BytesIO(output.data)) as archive:
        notice = _plain(archive.read("LISEZ-MOI.txt").decode("utf-8"))
    assert "refusé" not in notice and "Facultatif" in notice
    assert "il ne fixe aucune règle" in notice
    letter = pieces[PieceKind.LETTER]
    assert "LISEZ-MOI" in letter
    assert "onglet masqué « Dossier »" in letter and "est irrégulière" in letter
    # The grid asks for no label, so the letter speaks of none.
    assert "label" not in letter.lower()


# -- 9. the internal note --------------------------------------------------------------------------


def test_the_note_justifies_the_procedure_on_one_estimate(commune: Selection) -> None:
    note = _plain(document_text(quotes_note_document(dce_terms(commune))))
    assert "R2121-1" in note and "48 mois" in note
    assert "Le budget prévu (25 000,00 € HT) dépasse l'estimation" in note
    assert "l'écart ne change pas la procédure" in note


# -- 10. layout ------------------------------------------------------------------------------------


def test_short_pieces_have_no_cover_nor_contents(commune: Selection) -> None:
    import docx
    from pypdf import PdfReader

    form = dce_documents(commune)[PieceKind.QUOTE_FORM]
    assert form.toc_depth == 0
    styles = styles_for(None)
    pdf = PdfReader(io.BytesIO(render_document(form, "pdf", styles, None)))
    # Three pages at most: the signature row is 3 cm high (review of 1 December 2026, N16).
    assert len(pdf.pages) <= 3
    assert "Table des matières" not in pdf.pages[0].extract_text()
    word = docx.Document(io.BytesIO(render_document(form, "docx", styles, None)))
    assert "TOC" not in word.element.body.xml


def test_a_short_table_keeps_its_rows_together_in_docx(commune: Selection) -> None:
    import docx
    from docx.oxml.ns import qn

    letter = dce_documents(commune)[PieceKind.LETTER]
    word = docx.Document(io.BytesIO(render_document(letter, "docx", styles_for(None), None)))
    criteria = word.tables[0]
    rows = criteria._tbl.tr_lst
    assert len(rows) <= 11
    for tr in rows[:-1]:
        assert all(
            p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in tr.iter(qn("w:p"))
        )
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows[1:])
