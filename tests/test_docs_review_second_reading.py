"""The pieces' wording after the second reading of 1 December 2026 (16:40): the lawyer's and the
bidder's findings on the small commune (N4 to N16 and follow-ups) and on the groupement (N9 to
N15 and follow-up n° 5, 17), each checked on the shipped examples' pieces."""

from __future__ import annotations

import dataclasses
import io

import pytest

from tests.conftest import article_text as _article
from tests.conftest import dce_documents
from tests.conftest import document_plain_text as _text
from tests.conftest import plain_text as _plain
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import CctpDocument
from webpass.documents.pieces import PieceKind
from webpass.documents.question import asked_answer
from webpass.render.dispatch import render_document
from webpass.render.styles import styles_for
from webpass.selection.engine import Selection


@pytest.fixture(scope="module")
def pc(commune: Selection) -> dict[PieceKind, CctpDocument]:
    return dce_documents(commune)


@pytest.fixture(scope="module")
def cc(groupement: Selection) -> dict[PieceKind, CctpDocument]:
    return dce_documents(groupement)


def _requirement(cctp: CctpDocument, item_id: str) -> str:
    found = [a for a in cctp.walk() if a.item_id == item_id]
    assert found, item_id
    return _text(dataclasses.replace(cctp, object="", articles=found, annexes=[]))


def test_the_late_penalty_says_what_v_is(
    pc: dict[PieceKind, CctpDocument], cc: dict[PieceKind, CctpDocument]
) -> None:
    """Small commune N12 and I1, groupement R3: V is the value of what is late, the build's whole
    lump sum since an undelivered site is unusable: neither a phase price a bidder can make tiny,
    nor the balance after the acomptes, nor the platform's DPGF for a commune's own site."""
    rule = (
        "V est la valeur hors taxes des prestations en retard : un site qui n'est pas livré pour "
        "vérification ou pas mis en ligne ne pouvant pas être utilisé, c'est le prix global et "
        "forfaitaire de sa réalisation, sans déduction des acomptes déjà réglés"
    )
    quotes = _article(pc[PieceKind.CCAP], CcapArticle.PENALTIES.number)
    formal = _article(cc[PieceKind.CCAP], CcapArticle.PENALTIES.number)
    for text in (quotes, formal):
        assert rule in text
        assert "somme des prix des phases" not in text
        assert "diminué des acomptes" not in text
    assert "site propre d'une commune" not in quotes
    assert (
        "pour le seul site propre d'une commune, ce sont les prix unitaires de ce site (K02, "
        "K09) appliqués à ses quantités : le site, et les pages confirmées de l'inventaire "
        "qu'elle a validé ou, avant cette validation, leur estimation dans l'annexe A2 du présent "
        "CCAP" in formal
    )


def test_the_derogations_list_the_results_definition_and_reversibility(
    pc: dict[PieceKind, CctpDocument], cc: dict[PieceKind, CctpDocument]
) -> None:
    """Small commune N6, groupement n° 5 and N10: every departure from the CCAG is listed, by a
    verified number or by its object, never by a number that was not read."""
    for pieces in (pc, cc):
        last = _article(pieces[PieceKind.CCAP], CcapArticle.DEROGATIONS.number)
        assert "relatives à la définition des résultats" in last
        assert (
            "Article 42 du CCAG-TIC | Article 15 du CCAP | Réversibilité exécutée pendant" in last
        )
        assert "Article 35" not in last
        end = _article(pieces[PieceKind.CCAP], CcapArticle.REVERSIBILITY.number)
        assert end.startswith(
            "Réversibilité et fin du marché Par dérogation à l'article 42 du CCAG-TIC"
        )
        # On termination the yearly prices follow the prices article, no second rule.
        assert "prorata temporis" not in end
        assert "payés pour les mois de service entamés, selon l'article 5 du CCAP" in end
    # Groupement R6 and N10: its audit (I02) lengthens the CCAG's thirty days, a departure listed
    # with its verified number; the small commune, without I02, keeps the CCAG's delay.
    last = _article(cc[PieceKind.CCAP], CcapArticle.DEROGATIONS.number)
    assert "Article 33.2.1 du CCAG-TIC | Article 7 du CCAP | Délai de décision" in last
    assert "33.2.1" not in _article(pc[PieceKind.CCAP], CcapArticle.DEROGATIONS.number)


def test_the_hosting_answer_asks_the_energy_efficiency_the_ccap_requires(
    commune: Selection, pc: dict[PieceKind, CctpDocument]
) -> None:
    """Small commune N8: the CCAP's environmental condition sends to the offer; the grid asks it."""
    assert "dont il indique l'efficacité énergétique dans son offre" in _text(pc[PieceKind.CCAP])
    question = asked_answer(commune.catalog.item("H01"), commune).question
    assert "l'efficacité énergétique de l'infrastructure" in question


def test_the_calendar_fits_the_ccap_deadline(commune: Selection) -> None:
    """Small commune N9: the bidder does not state its own total delay, the CCAP sets it."""
    question = asked_answer(commune.catalog.item("A08"), commune).question
    assert "délai total" not in question
    assert "qui tient dans le délai de livraison fixé par le CCAP" in question


def test_hosting_rgaa_and_upgrades_are_worded_for_the_whole_term(
    pc: dict[PieceKind, CctpDocument], cc: dict[PieceKind, CctpDocument]
) -> None:
    """Small commune N13 and N14, groupement N13."""
    cctp = pc[PieceKind.CCTP]
    hosting = _requirement(cctp, "H08")
    assert "prévu par l'exigence M01, à partir de la mise en ligne" in hosting
    assert "l'export annuel et la réversibilité de l'exigence N03" in hosting
    rgaa = _requirement(cctp, "I01")
    assert "jusqu'à l'admission" not in rgaa
    assert "reste la référence du marché pendant toute sa durée, garantie comprise" in rgaa
    for pieces in (pc, cc):
        upgrades = _requirement(pieces[PieceKind.CCTP], "M05")
        assert "seule montée de version majeure" not in upgrades
        assert "quel qu'en soit le nombre pendant le marché" in upgrades


def test_a_quote_request_speaks_of_providers_and_states_no_pse(
    pc: dict[PieceKind, CctpDocument],
) -> None:
    """Small commune N15 and follow-up n° 25."""
    letter = _text(pc[PieceKind.LETTER])
    assert "du candidat" not in letter and "candidats concernés" not in letter
    assert "engagements mesurables du prestataire" in letter
    assert "prestation supplémentaire éventuelle" not in letter
    ccap = pc[PieceKind.CCAP]
    form = next(a for a in ccap.articles if a.number == CcapArticle.FORM.number)
    assert form.title == "Forme du marché"
    # Third reading (M10): a quote request without PSE speaks of no base solution at all.
    assert "ne comporte aucune prestation supplémentaire éventuelle" not in _text(ccap)
    assert "solution de base" not in _text(ccap)
    cctp = _text(pc[PieceKind.CCTP])
    assert "Pièces de prix" in cctp
    assert "licences libres et réversibilité" not in cctp
    assert "Textes cités par les exigences" not in cctp
    assert "Publication électronique des actes" not in cctp


def test_the_memo_has_a_page_cap(
    pc: dict[PieceKind, CctpDocument], cc: dict[PieceKind, CctpDocument]
) -> None:
    """Small commune follow-up n° 5: the bidder knows the effort expected."""
    assert "un mémoire technique de 10 pages A4 au plus" in _text(pc[PieceKind.LETTER])
    assert "un mémoire technique de 20 pages A4 au plus" in _text(cc[PieceKind.RC])


def test_a_zero_price_is_explained_in_the_grid(
    groupement: Selection, cc: dict[PieceKind, CctpDocument]
) -> None:
    """Groupement N9: the DPGF has no « Justification » column, the grid has, and its bidder's
    tab says so."""
    import openpyxl

    from webpass.grid.build import build_grid
    from webpass.grid.export import export_grid

    rc = _text(cc[PieceKind.RC])
    assert "colonne « Justification » du cadre de réponse, sur la ligne de l'exigence" in rc
    book = openpyxl.load_workbook(io.BytesIO(export_grid(build_grid(groupement), "xlsx")))
    texts = " ".join(str(c) for row in book["Candidat"].iter_rows(values_only=True) for c in row)
    assert "pour une exigence dont le prix est de 0 € dans la DPGF" in _plain(texts)


def test_the_members_annex_and_k07_leave_no_doubt(cc: dict[PieceKind, CctpDocument]) -> None:
    """Groupement N14: a commune without a described site says so; its old addresses redirect."""
    cctp = cc[PieceKind.CCTP]
    annex = _text(dataclasses.replace(cctp, object="", articles=[], annexes=cctp.annexes))
    assert "aucun site actuel déclaré" in annex
    assert "anciennes adresses" in _text(cctp)


def test_the_signature_rows_leave_room_to_sign(pc: dict[PieceKind, CctpDocument]) -> None:
    """Small commune N16: a signature and a stamp need about 3 cm, in the PDF and the DOCX."""
    import docx

    form = pc[PieceKind.QUOTE_FORM]
    word = docx.Document(io.BytesIO(render_document(form, "docx", styles_for(None), None)))
    heights = [
        int(h.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"))
        for h in word.element.body.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}trHeight"
        )
    ]
    assert heights and min(heights) >= 1700  # 3 cm in twentieths of a point
