"""What a lawyer and a bidder found in the contract pieces of both examples (December 2026).

One rule per subject, stated where it belongs: the insurance certificate (the awardee's, CCAP
only), the prices of the acte d'engagement (base and each PSE from the bidder, the contract's
amount from the buyer at award), the buyer's answers to questions (a dated deadline), who pays
what in the groupement (bookings E06, orders E07) and the CCAG-TIC articles cited.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import plain_text as _plain
from tests.conftest import sessions_groupement
from webpass.documents.ae import ae_document
from webpass.documents.ccap import ccap_document
from webpass.documents.clarifications import ANSWER_DAYS, clarification_dates
from webpass.documents.coherence import document_text
from webpass.documents.controllers import controllers_table
from webpass.documents.quotes import letter_document
from webpass.documents.rc import build_rc
from webpass.documents.terms import DceTerms, dce_terms
from webpass.documents.typography import date_fr
from webpass.dossier.opening import open_dossier
from webpass.dossier.working_days import is_working_day

ROOT = Path(__file__).resolve().parent.parent
GROUPEMENT = sessions_groupement()
COMMUNE = ROOT / "examples" / "petite-commune"


@pytest.fixture(scope="module")
def commune() -> DceTerms:
    return dce_terms(open_dossier(COMMUNE).selection)


@pytest.fixture(scope="module")
def groupement() -> DceTerms:
    return dce_terms(open_dossier(GROUPEMENT).selection)


# -- 1. The insurance certificate: the awardee's, before the notification -------------------------


@pytest.mark.parametrize("which", ["commune", "groupement"])
def test_the_insurance_certificate_is_handed_in_with_the_award_pieces(
    which: str, commune: DceTerms, groupement: DceTerms
) -> None:
    """One rule for both examples (review of 1 December 2026, groupement n° 17 and N8): « within
    fifteen days of the notification and before any start » could not hold for a build that
    starts at the notification; the certificate comes with the award pieces the letter or the RC
    lists, and the CCAP lists the earlier date among its derogations."""
    terms = commune if which == "commune" else groupement
    ccap = _plain(document_text(ccap_document(terms)))
    rules = _plain(
        document_text(letter_document(terms, []))
        if which == "commune"
        else document_text(build_rc(terms.selection))
    )
    assert "avant tout début d'exécution" not in ccap
    assert (
        "avant la notification du marché, avec les pièces qu'il remet avant l'attribution" in ccap
    )
    assert "n'est demandée qu'au prestataire retenu, jamais avec l'offre" in ccap
    assert (
        "l'attestation d'assurance de responsabilité civile que demande l'article 13 du CCAP"
        in rules
    )
    assert (
        "ttestation d'assurance remise avant la notification"
        in ccap.split("Dérogations au CCAG-TIC")[-1]
    )


def test_the_offer_list_closes_on_a_full_stop(commune: DceTerms) -> None:
    letter = _plain(document_text(letter_document(commune, [])))
    # The offer's list still closes on a full stop once the certificate is gone.
    assert "par sous-traitant (article 12 du CCAP)." in letter


# -- 2. The acte d'engagement's prices ------------------------------------------------------------


def _price_rows(terms: DceTerms) -> list[str]:
    act = ae_document(terms)
    table = next(
        block
        for article in act.walk()
        for block in article.blocks
        if _plain(getattr(block, "caption", ""))
        == "Prix de l'offre (reportés de la DPGF et du BPU)"
    )
    return [_plain(row[0]) for row in table.rows]


def test_the_bidder_prices_the_base_and_each_pse_the_buyer_totals_at_award(
    groupement: DceTerms,
) -> None:
    rows = _price_rows(groupement)
    firm = "Total de l'offre de base, partie ferme (hors bons de commande)"
    assert firm in rows
    assert "PSE F13 — Paiement PayFiP intégré aux démarches du site (prix de la PSE seule)" in rows
    # No bidder can total « base and retained PSE » before the buyer retains any.
    assert not any("Montant total de l'offre" in row for row in rows)
    # Then the amount of each period of the renewable contract (review of 1 December 2026, n° 8).
    assert rows[-2].startswith("dont première période ferme de 24 mois")
    assert rows[-3] == (
        "Montant du marché : offre de base, partie ferme, et PSE retenues (complété par "
        "l'acheteur à l'attribution)"
    )
    assert rows.index(firm) < rows.index(rows[-4]) < len(rows) - 3
    text = _plain(document_text(ae_document(groupement)))
    assert "sans les additionner" in text
    assert "reporte en partie B.1 le montant du marché" in text


def test_without_pse_the_base_total_is_the_contract_amount(tmp_path: Path) -> None:
    folder = tmp_path / "cc"
    folder.mkdir()
    text = (GROUPEMENT / "webpass.yaml").read_text(encoding="utf-8")
    text = text.replace("fermes: [E02, E06,", "fermes: [F13, E02, E06,")
    text = text.replace("retenues: [E07, F13]", "retenues: [E07]")
    (folder / "webpass.yaml").write_text(text, encoding="utf-8")
    terms = dce_terms(open_dossier(folder).selection)
    assert terms.options == []
    rows = _price_rows(terms)
    assert rows[-3] == "Total de l'offre de base jugé (partie ferme et bons de commande)"
    assert not any("PSE" in row for row in rows)
    assert "le total de la partie ferme est le montant du marché" in _plain(
        document_text(ae_document(terms))
    )
    assert "coche en partie A" not in _plain(document_text(ae_document(terms)))


# -- 3. The buyer answers questions by a stated, working day --------------------------------------


@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_questions_then_answers_then_the_deadline_all_on_working_days(deadline: dt.date) -> None:
    dates = clarification_dates(deadline)
    assert dates.last_question < dates.last_answer < deadline
    assert is_working_day(dates.last_question) and is_working_day(dates.last_answer)
    assert (deadline - dates.last_answer).days >= ANSWER_DAYS
    # The last working day no later than six days before: nothing between is a working day.
    gap = (deadline - dt.timedelta(days=ANSWER_DAYS) - dates.last_answer).days
    assert all(
        not is_working_day(dates.last_answer + dt.timedelta(days=n)) for n in range(1, gap + 1)
    )


def test_the_letter_and_the_rc_date_the_answers_alike(
    commune: DceTerms, groupement: DceTerms
) -> None:
    letter = _plain(document_text(letter_document(commune, [])))
    dates = clarification_dates(commune.deadline)
    assert (
        _plain(
            f"au plus tard le {date_fr(dates.last_question)} ; la réponse est envoyée à tous les "
            f"prestataires consultés au plus tard le {date_fr(dates.last_answer)}"
        )
        in letter
    )
    # 10 February 2027 (a Wednesday): answers by Thursday 4 February.
    assert dates.last_answer == dt.date(2027, 2, 4)
    rc = _plain(document_text(build_rc(groupement.selection)))
    group = clarification_dates(groupement.deadline)
    assert (
        _plain(
            "les réponses sont communiquées à tous les candidats au plus tard le "
            f"{date_fr(group.last_answer)}"
        )
        in rc
    )


# -- 4 and 5. Who orders, who pays, who is controller ---------------------------------------------


def test_the_booking_service_is_the_coordinators_too(groupement: DceTerms) -> None:
    """E06 books the halls of Bénodet and Pleuven and the equipment the communauté lends to
    associations, and enrols in the communauté's activities: all three pay it and each is
    controller of its own bookings."""
    table = controllers_table(groupement)
    assert table is not None
    scopes = {row[0]: row[2] for row in table.rows}
    coordinator = _plain(scopes["Communauté de communes du Pays Fouesnantais"])
    assert "les réservations de ses équipements et les inscriptions à ses activités (E06)" in (
        coordinator
    )
    assert "à l'exception des réservations des équipements des communes (E06)" in coordinator
    assert "(E06)" in scopes["Commune de Pleuven"] and "(E06)" not in scopes["Commune de Gouesnach"]


# -- 6. The CCAG-TIC articles ---------------------------------------------------------------------


def test_the_ccap_cites_no_article_35_it_could_not_establish(groupement: DceTerms) -> None:
    """The text read as « article 35, définition des résultats » is the 2009 CCAG-TIC's; in
    2021 article 36 is the guarantee. The definition and the rights regime are cited by their
    subject, and the derogation is to the regime, never to the definition."""
    ccap = _plain(document_text(ccap_document(groupement)))
    assert "article 35 du CCAG-TIC" not in ccap and "Article 35 du CCAG-TIC" not in ccap
    assert (
        "Les résultats s'entendent au sens des stipulations du CCAG-TIC relatives à la définition "
        "des résultats et des connaissances antérieures" in ccap
    )
    assert (
        "Par dérogation aux stipulations du CCAG-TIC relatives à la propriété intellectuelle des "
        "résultats et des connaissances antérieures, le titulaire cède" in ccap
    )


def test_every_ccag_article_cited_by_number_was_read_again(
    commune: DceTerms, groupement: DceTerms
) -> None:
    """Each CCAG-TIC article a CCAP cites by number names the source it was read on."""
    for terms in (commune, groupement):
        ccap = _plain(document_text(ccap_document(terms)))
        cited = set(re.findall(r"[Aa]rticles? (\d+(?:\.\d+)*) du CCAG-TIC", ccap))
        assert cited >= {"1.1", "1.2", "4", "14", "14.1.1", "32.3", "32.4", "33.2.1", "33.2.2"}
        for number in cited:
            article = terms.data.article(number)
            assert article.verified and "2026" in (article.verification or ""), number


def test_each_member_is_controller_of_the_sessions_it_orders(groupement: DceTerms) -> None:
    """Any member may order the filming of its council (E07): each is controller of it."""
    table = controllers_table(groupement)
    assert table is not None
    assert len(table.rows) == 8
    for name, _, scope in table.rows:
        assert "séances de son conseil qu'il commande (E07)" in _plain(scope), name
