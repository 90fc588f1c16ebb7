"""The contract and consultation texts after the December 2026 review of the small commune's DCE,
checked on both shipped examples: the commune's letter, quote form and simplified CCAP, and the
groupement's RC, CCAP and CCTP, which state the same rules where they share them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import article_text as _article
from tests.conftest import dce_documents
from tests.conftest import document_plain_text as _text
from tests.conftest import plain_text as _plain
from webpass.compare.award import criteria_of
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import CctpDocument
from webpass.documents.coherence import document_text
from webpass.documents.pieces import PieceKind
from webpass.documents.price_phases import Phase
from webpass.documents.quotes import quotes_note_document
from webpass.documents.terms import dce_terms
from webpass.dossier.opening import open_dossier
from webpass.grid.regularity import _REGULARISABLE
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"


@pytest.fixture(scope="module")
def pieces(commune: Selection) -> dict[PieceKind, CctpDocument]:
    return dce_documents(commune)


@pytest.fixture(scope="module")
def group_pieces(groupement: Selection) -> dict[PieceKind, CctpDocument]:
    return dce_documents(groupement)


def _requirement(cctp: CctpDocument, item_id: str) -> str:
    found = [a for a in cctp.walk() if a.item_id == item_id]
    assert found, item_id
    single = dataclasses.replace(cctp, object="", articles=found, annexes=[])
    return _plain(document_text(single))


# -- 1. regularisation: one rule, every bidder alike, form only --------------------------------


def test_the_letter_and_the_rc_state_one_regularisation_rule(
    pieces: dict[PieceKind, CctpDocument], group_pieces: dict[PieceKind, CctpDocument]
) -> None:
    letter, rc = _text(pieces[PieceKind.LETTER]), _text(group_pieces[PieceKind.RC])
    for text in (letter, rc):
        assert "Elle se limite aux omissions de forme" in text
        assert "Elle ne permet ni d'ajouter ou de modifier une réponse rédigée" in text
        assert "le sous-critère qu'elle sert est noté sans elle" in text
        # A missing contract information is no scored answer: the offer is irregular.
        assert "l'absence d'un renseignement que le marché demande rend" in text
        # No correction owed to a single bidder whose grid was altered.
        assert "sans avoir demandé au prestataire de corriger" not in text
        assert "compléter une réponse manquante" not in text
    assert "inviter tous les prestataires dont le devis est irrégulier" in letter
    assert "inviter tous les soumissionnaires dont l'offre est irrégulière" in rc
    # A PSE is not proposed after the deadline; the letter of a dossier without PSE says nothing
    # of them.
    assert "ni de proposer une PSE" in rc and "ni de proposer une PSE" not in letter


def test_what_the_letter_regularises_is_what_the_comparison_regularises() -> None:
    # The box left empty while the justification answers, an unreadable box, an altered text:
    # the three formal omissions of the letter and the RC; a missing answer is not one of them.
    assert {"case_vide", "conformite_illisible", "texte_modifie"} == _REGULARISABLE


# -- 2. acomptes at the prices of the phases ---------------------------------------------------


def test_acomptes_pay_the_prices_of_the_completed_phases(
    commune: Selection, pieces: dict[PieceKind, CctpDocument]
) -> None:
    schedule = _article(pieces[PieceKind.CCAP], f"{CcapArticle.PAYMENT.number}.2")
    assert "chacun égal aux prix, portés au formulaire de devis, des phases" in schedule
    priced = [line.title for line in dce_terms(commune).price_lines if line.covers]
    for phase in Phase:
        if phase.label in priced:
            assert f"« {phase.label} »" in schedule
    assert "30 %" not in schedule and "40 %" not in schedule
    form = _text(pieces[PieceKind.QUOTE_FORM])
    assert f"au prix des phases achevées (article {CcapArticle.PAYMENT.number}.2 du CCAP)" in form


def test_without_phases_acomptes_pay_the_services_done(
    group_pieces: dict[PieceKind, CctpDocument],
) -> None:
    schedule = _article(group_pieces[PieceKind.CCAP], f"{CcapArticle.PAYMENT.number}.2")
    assert "des prestations exécutées depuis l'acompte précédent" in schedule
    assert "%" not in schedule.split("Deux acomptes")[0]


# -- 4. the availability the penalties read is the CCTP's ---------------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_penalties_and_termination_read_the_rate_of_h02(folder: Path) -> None:
    selection = open_dossier(folder).selection
    documents = dce_documents(selection)
    cctp, ccap = documents[PieceKind.CCTP], documents[PieceKind.CCAP]
    rate = dce_terms(selection).values("H02")["taux_disponibilite"]
    # The rate the CCTP prints (the size variant's for the commune) is the one the CCAP cites.
    assert f"disponible au moins {rate} %" in _requirement(cctp, "H02")
    floor = f"inférieure au taux de {rate} % fixé par l'exigence H02 du CCTP"
    assert floor in _article(ccap, CcapArticle.PENALTIES.number)
    assert floor in _article(ccap, CcapArticle.TERMINATION.number)
    assert "taux garanti" not in _text(ccap)
    # The cap on every penalty, on the periods executed, departs from the CCAG-TIC's cap of
    # late penalties on the contract's amount: recalled in the last article (M2, N8).
    assert "de retard et de niveau de service, est plafonné à 10 %" in _article(
        ccap, CcapArticle.PENALTIES.number
    )
    assert "Plafond de 10 % calculé sur la première période ferme et les reconductions " in (
        _article(ccap, CcapArticle.DEROGATIONS.number)
    )


def test_the_grid_asks_no_rate_nor_delay_of_its_own(commune: Selection) -> None:
    catalog = commune.catalog
    for item_id in ("H02", "M04"):
        question = catalog.item(item_id).answer.question or ""
        assert "Indiquez" not in question and "garantissez" not in question
        assert "que fixe l'exigence" in question


# -- 6. one trigger for destroying the data: the end of the contract ------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_data_are_destroyed_within_days_of_the_end(folder: Path) -> None:
    documents = dce_documents(open_dossier(folder).selection)
    ccap, cctp = documents[PieceKind.CCAP], documents[PieceKind.CCTP]
    data = _article(ccap, f"{CcapArticle.DATA.number}.2")
    assert "au plus tard 30 jours après la fin du marché" in data
    assert "survivent à la fin du marché" in data
    assert "après la restitution" not in _text(ccap)
    for item_id in ("N03", "J01"):
        clause = _requirement(cctp, item_id)
        assert "reprise réussie" not in clause and "reprise est réussie" not in clause
        assert "après la restitution" not in clause
    assert f"article {CcapArticle.DATA.number}.2 du CCAP" in _requirement(cctp, "N03")


# -- 7. databases and domain names are no results ceded -----------------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_databases_belong_to_the_buyer_and_domains_stay_registered(folder: Path) -> None:
    documents = dce_documents(open_dossier(folder).selection)
    ccap = documents[PieceKind.CCAP]
    prop = _article(ccap, CcapArticle.PROPERTY.number)
    results = prop.split("Ils comprennent notamment")[1].split(".")[0]
    assert "bases de données" not in results and "noms de domaine" not in results
    assert "L341-1 du code de la propriété intellectuelle" in prop
    assert "le titulaire n'acquiert aucun droit sur elles" in prop
    assert "les bases de données du site et les noms de domaine ne sont pas des résultats" in prop
    # A departure from the CCAG's definition of the results, listed in the last article
    # (CCAG-TIC 1.2; review of 1 December 2026, small commune N6).
    assert (
        "Par dérogation aux stipulations du CCAG-TIC relatives à la définition des résultats"
        in prop
    )
    last = _article(ccap, CcapArticle.DEROGATIONS.number)
    assert "noms de domaine exclus des résultats" in last
    assert "compatible avec celles des composants dont ils dérivent" in prop
    end = _article(ccap, CcapArticle.REVERSIBILITY.number)
    assert "transfère les noms de domaine et les comptes d'hébergement" not in end
    assert "code d'autorisation de transfert des noms de domaine" in end
    assert "les bases de données constituées" not in _requirement(documents[PieceKind.CCTP], "N01")


# -- 10. the quote form says who bids, as what, and how VAT applies --------------------------------


def test_the_quote_form_asks_the_standing_of_the_bidder(
    pieces: dict[PieceKind, CctpDocument],
) -> None:
    form = _text(pieces[PieceKind.QUOTE_FORM])
    assert "☐ groupement conjoint ☐ groupement solidaire" in form
    assert f"acompte mensuel sur demande, article {CcapArticle.PAYMENT.number}.2 du CCAP" in form
    assert "un formulaire DC4 joint par sous-traitant" in form
    assert "☐ TVA non applicable, article 293 B du code général des impôts" in form


# -- 11. the advance of a renewable contract is judged per period ---------------------------------


def test_the_advance_follows_each_period(pieces: dict[PieceKind, CctpDocument]) -> None:
    advance = _article(pieces[PieceKind.CCAP], f"{CcapArticle.PAYMENT.number}.1")
    assert "montant de la période initiale, ou d'une reconduction" in advance
    assert "R2191-15" in advance
    assert "montant du devis retenu" not in advance


# -- 12. the validation time suspends the deadline, stated once -----------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_validation_time_is_not_counted_whatever_its_length(folder: Path) -> None:
    documents = dce_documents(open_dossier(folder).selection)
    duration = _article(documents[PieceKind.CCAP], CcapArticle.DURATION.number)
    assert "quelle que soit la durée de cet examen" in duration
    # One deadline per decision (review of 1 December 2026, small commune N4): the ten working
    # days are an intermediate deliverable's, the aptitude decision is article 7's.
    assert "L'acheteur notifie sa décision sur un livrable intermédiaire" in duration
    assert "dans les 10 jours ouvrés qui suivent sa remise" in duration
    assert (
        f"la décision qui suit la vérification d'aptitude obéit à l'article "
        f"{CcapArticle.ACCEPTANCE.number} du CCAP" in duration
    )
    assert "pour valider chaque livrable" not in _requirement(documents[PieceKind.CCTP], "A08")
    assert "prolongé d'autant" not in duration
    assert "quelle que soit la durée de cet examen" in _requirement(
        documents[PieceKind.CCTP], "A08"
    )


# -- 13 and 26: what is scored, and on what --------------------------------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_the_sub_criteria_are_scored_on_the_memo_and_the_written_answers(folder: Path) -> None:
    documents = dce_documents(open_dossier(folder).selection)
    rules = documents.get(PieceKind.LETTER) or documents[PieceKind.RC]
    text = _text(rules)
    assert "Noté au vu du mémoire technique, sur" not in text
    assert "Noté au vu du mémoire technique et des réponses ouvertes du cadre de réponse" in text
    # Hosting is scored once, in the environmental sub-criterion.
    assert "moyens d'hébergement" not in text
    assert "organisation du support et de la maintenance" in text


# -- 18 and 19: insurance floor, vigilance in the contract -----------------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_insurance_floor_and_vigilance_clause(folder: Path) -> None:
    documents = dce_documents(open_dossier(folder).selection)
    ccap = documents[PieceKind.CCAP]
    insurance = _article(ccap, CcapArticle.INSURANCE.number)
    assert "dommages immatériels non consécutifs" in insurance
    assert "au moins 150 000 € par sinistre et par an" in insurance
    invoicing = _article(ccap, f"{CcapArticle.PAYMENT.number}.3")
    assert "tous les six mois, jusqu'à la fin du marché, l'attestation de vigilance" in invoicing
    assert "résilié aux torts du titulaire" in invoicing
    assert "article L8222-6 du code du travail" in invoicing


def test_no_vigilance_clause_under_five_thousand_euros(commune: Selection) -> None:
    procedure = dataclasses.replace(commune.procedure, amount=Decimal("4000"))
    small = dataclasses.replace(commune, procedure=procedure)
    ccap = dce_documents(small)[PieceKind.CCAP]
    assert "attestation de vigilance" not in _text(ccap)


# -- 20, 21, 22: questions, mailbox, unit prices of changes ---------------------------------------


def test_the_letter_gives_dates_not_rules_and_a_proof_of_receipt(
    commune: Selection, pieces: dict[PieceKind, CctpDocument]
) -> None:
    letter = _text(pieces[PieceKind.LETTER])
    assert "ou le jour ouvré qui précède" not in letter
    assert "Chaque message ne dépasse pas 20 Mo" in letter
    assert "accusé de réception automatique" in letter
    assert "ne sont pas notés, mais ils font partie du devis" in letter
    # The buyer is reminded to switch the acknowledgement on; bidders never see the note.
    note = _text(quotes_note_document(dce_terms(commune)))
    assert "réponse automatique de l'adresse" in note


def test_a_buyer_profile_needs_no_mailbox_rules(commune: Selection) -> None:
    criteria = criteria_of(commune).model_copy(
        update={"buyer_profile": "https://marches.example.fr"}
    )
    answers = commune.answers.model_copy(update={"award": criteria})
    letter = _text(dce_documents(dataclasses.replace(commune, answers=answers))[PieceKind.LETTER])
    assert "20 Mo" not in letter and "accusé de réception automatique" not in letter


def test_the_rc_gives_dates_only(group_pieces: dict[PieceKind, CctpDocument]) -> None:
    assert "ou le jour ouvré qui précède" not in _text(group_pieces[PieceKind.RC])


# -- 23: the next RGAA version is bought by the review clause, where there is one ----------------


def test_the_next_rgaa_goes_through_the_review_clause(
    pieces: dict[PieceKind, CctpDocument], group_pieces: dict[PieceKind, CctpDocument]
) -> None:
    commune_i01 = _requirement(pieces[PieceKind.CCTP], "I01")
    assert f"selon la clause de réexamen de l'article {CcapArticle.PRICES.number}" in commune_i01
    assert "Clause de réexamen" in _text(pieces[PieceKind.CCAP])
    # The groupement's CCAP has no review clause: its CCTP does not cite one.
    group_i01 = _requirement(group_pieces[PieceKind.CCTP], "I01")
    assert "clause de réexamen" not in group_i01
    assert "modification du marché" in group_i01
