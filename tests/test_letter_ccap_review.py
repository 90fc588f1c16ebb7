"""The small commune's letter, quote form and CCAP after the December 2026 review, and the
groupement's RC, CCAP and AE where the same clause serves them: a firm first period that holds
the build and a year of service, acomptes at most three months apart, the pieces asked of the
awardee, a submission channel that keeps offers secret, regularisation announced."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import article_text as _article
from tests.conftest import dce_documents
from tests.conftest import plain_text as _plain
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.phases import (
    FIRST_SERVICE_MONTHS,
    earliest_go_live,
    first_period_months,
)
from webpass.documents.pieces import PieceKind
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"


def _texts(selection: Selection) -> dict[PieceKind, str]:
    return {kind: _plain(document_text(doc)) for kind, doc in dce_documents(selection).items()}


@pytest.fixture(scope="module")
def pieces(commune: Selection) -> dict[PieceKind, str]:
    return _texts(commune)


@pytest.fixture(scope="module")
def group_pieces(groupement: Selection) -> dict[PieceKind, str]:
    return _texts(groupement)


def _with_project(selection: Selection, **changes: object) -> Selection:
    project = selection.answers.project.model_copy(update=changes)
    answers = selection.answers.model_copy(update={"project": project})
    return dataclasses.replace(selection, answers=answers)


def _months_after(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    return start.replace(year=start.year + year, month=month + 1, day=min(start.day, 28))


# -- finding 10: a firm first period that holds the build and a year of service ----------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_the_first_period_covers_the_build_and_a_year_online(folder: Path) -> None:
    selection = open_dossier(folder).selection
    first = first_period_months(selection)
    # Counted from the launch (before the notification), online at the earliest the CCTP
    # allows: the first period still holds twelve months of service after that.
    go_live = earliest_go_live(selection)
    assert _months_after(selection.answers.project.launch_date, first) > go_live.replace(
        year=go_live.year + 1
    )
    # Renewals of twelve months fill the rest of the duration exactly.
    assert (selection.answers.project.duration_months - first) % 12 == 0
    assert first >= FIRST_SERVICE_MONTHS + 6


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_every_piece_prints_the_firm_first_period(folder: Path) -> None:
    selection = open_dossier(folder).selection
    texts = _texts(selection)
    first = first_period_months(selection)
    sentence = f"pour une première période ferme de {first} mois"
    kinds = [PieceKind.CCAP, PieceKind.CCTP]
    kinds += (
        [PieceKind.LETTER, PieceKind.QUOTE_FORM]
        if PieceKind.LETTER in texts
        else [PieceKind.RC, PieceKind.ACT]
    )
    for kind in kinds:
        assert sentence in texts[kind], kind
        assert "première période de douze mois" not in texts[kind], kind


def test_a_short_contract_is_not_renewable(commune: Selection) -> None:
    short = _with_project(commune, duration_months=24)
    assert first_period_months(short) == 24
    texts = _texts(short)
    assert (
        "pour une durée ferme de 24 mois ; il n'est pas reconductible." in texts[PieceKind.LETTER]
    )
    assert "ne peut pas refuser la reconduction" not in texts[PieceKind.CCAP]


# -- finding 7: acomptes at most three months apart (R2191-22) -----------------------------------


@pytest.mark.parametrize("folder", [COMMUNE, GROUPEMENT], ids=["commune", "groupement"])
def test_payments_are_at_most_three_months_apart(folder: Path) -> None:
    ccap = dce_documents(open_dossier(folder).selection)[PieceKind.CCAP]
    payment = _article(ccap, f"{CcapArticle.PAYMENT.number}.2")
    assert "par semestre" not in payment
    assert "par trimestre" in payment
    assert "Deux acomptes ne sont jamais séparés de plus de trois mois" in payment
    assert "R2191-22" in payment
    # The one-month rhythm is the SME's right on request, for the build and the yearly lines.
    assert "reçoit, à sa demande, un acompte chaque mois" in payment
    assert "peut demander à les recevoir par mois" in payment


# -- finding 4: the sworn statement and the pieces asked of the awardee -------------------------


def test_the_quote_form_carries_the_sworn_statement(pieces: dict[PieceKind, str]) -> None:
    form = pieces[PieceKind.QUOTE_FORM]
    assert "déclare sur l'honneur n'entrer dans aucun des cas d'exclusion" in form
    assert "L2141-1 à L2141-5 et L2141-7 à L2141-11" in form


def _awardee_rules(text: str) -> None:
    for expected in (
        "attestation de vigilance",
        "L8222-1 et D8222-5 du code du travail",
        # The renewal binds the contractor through the CCAP, which the letter and the RC cite.
        f"tous les six mois jusqu'à la fin du marché (article {CcapArticle.PAYMENT.number}.3 du CCAP)",
        "K-bis",
        "SIRENE",
        "R2143-7",
        "relevé d'identité bancaire",
        "R2144-7",
        "classée immédiatement après",
    ):
        assert expected in text, expected
    assert re.search(r"dans un délai de \d+ jours à compter de la demande", text)


def test_the_letter_lists_the_awardee_pieces(commune: Selection) -> None:
    letter = dce_documents(commune)[PieceKind.LETTER]
    heading = [a for a in letter.walk() if "prestataire retenu" in a.title]
    assert heading
    _awardee_rules(_article(letter, heading[0].number))


def test_the_rc_lists_the_same_pieces(groupement: Selection) -> None:
    rc = dce_documents(groupement)[PieceKind.RC]
    _awardee_rules(_article(rc, "8"))


def test_no_vigilance_certificate_under_five_thousand_euros(commune: Selection) -> None:
    from webpass.documents.award_pieces import award_pieces_blocks
    from webpass.documents.cctp import ListBlock

    procedure = dataclasses.replace(commune.procedure, amount=commune.procedure.amount / 10)
    small = dataclasses.replace(commune, procedure=procedure)
    blocks = award_pieces_blocks(small, "le prestataire retenu")
    lists = [b for b in blocks if isinstance(b, ListBlock)]
    text = _plain(" ".join(run.text for entry in lists[0].entries for run in entry))
    assert "vigilance" not in text and "relevé d'identité bancaire" in text


# -- finding 15: quotes stay secret until the deadline -------------------------------------------


def _with_body(selection: Selection, **changes: object) -> Selection:
    body = selection.answers.collectivity.model_copy(update=changes)
    answers = selection.answers.model_copy(update={"collectivity": body})
    return dataclasses.replace(selection, answers=answers)


def test_the_quotes_go_to_a_mailbox_opened_after_the_deadline(
    pieces: dict[PieceKind, str],
) -> None:
    letter = pieces[PieceKind.LETTER]
    assert "Votre devis est à envoyer par courriel à l'adresse réservée aux devis devis@" in letter
    assert "ne sont ouverts qu'après elles" in letter
    assert "procès-verbal d'ouverture" in letter
    assert "envoyer par courriel à mairie@" not in letter


def test_a_letter_without_a_secret_channel_is_refused(commune: Selection) -> None:
    from webpass.core.errors import InputError

    with pytest.raises(InputError) as refused:
        assemble_dce(_with_body(commune, offers_email=None))
    assert "collectivite.courriel_offres" in str(refused.value)
    general = commune.answers.collectivity.email
    with pytest.raises(InputError) as same:
        assemble_dce(_with_body(commune, offers_email=general.upper()))
    assert "collectivite.courriel_offres" in str(same.value)


def test_a_buyer_profile_receives_the_quotes(commune: Selection) -> None:
    from webpass.compare.award import criteria_of

    criteria = criteria_of(commune).model_copy(
        update={"buyer_profile": "https://marches.example.fr/tonquedec"}
    )
    selection = _with_body(commune, offers_email=None)
    selection = dataclasses.replace(
        selection, answers=selection.answers.model_copy(update={"award": criteria})
    )
    letter = _texts(selection)[PieceKind.LETTER]
    assert "Votre devis est à déposer sur le profil d'acheteur https://marches.example.fr" in letter


# -- finding 9: what each answer entails, and regularisation announced --------------------------


def test_the_letter_announces_regularisation_and_negotiation(pieces: dict[PieceKind, str]) -> None:
    letter = pieces[PieceKind.LETTER]
    assert "inviter tous les prestataires dont le devis est irrégulier à le régulariser" in letter
    assert "R2152-2" in letter
    assert "devenir régulier à l'issue de la négociation" in letter
    # An altered grid text follows the one regularisation rule, for every bidder alike: never a
    # correction owed to one bidder.
    assert "dans les conditions indiquées à la rubrique « Jugement des devis »" in letter
    assert "ne l'écarte pas pour ce seul motif" not in letter


def test_the_rc_keeps_the_same_grid_rule(group_pieces: dict[PieceKind, str]) -> None:
    rc = group_pieces[PieceKind.RC]
    assert "dans les conditions indiquées à l'article 7.1" in rc
    assert "ne l'écarte pas pour ce seul motif" not in rc


def test_without_regularisation_the_letter_says_so(commune: Selection) -> None:
    from webpass.compare.award import criteria_of

    criteria = criteria_of(commune).model_copy(update={"regularisation": False})
    strict = dataclasses.replace(
        commune, answers=commune.answers.model_copy(update={"award": criteria})
    )
    letter = _texts(strict)[PieceKind.LETTER]
    assert "n'use pas de la faculté de régularisation" in letter
    assert "peut être régularisée" not in letter


def test_an_altered_text_is_regularisable_in_the_comparison() -> None:
    # The rule the letter states is the one `comparer` applies.
    from webpass.grid.regularity import _REGULARISABLE

    assert "texte_modifie" in _REGULARISABLE
    assert "obligatoire_non_conforme" not in _REGULARISABLE


def test_the_grid_says_what_each_answer_entails(commune: Selection, tmp_path: Path) -> None:
    import openpyxl

    from webpass.grid.build import build_grid
    from webpass.grid.export import export_grid

    target = tmp_path / "cadre.xlsx"
    target.write_bytes(export_grid(build_grid(commune), "xlsx"))
    sheet = openpyxl.load_workbook(target).worksheets[0]
    text = _plain(" ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value))
    assert "Ce que chaque réponse entraîne" in text
    assert "rend l'offre irrégulière, et elle est éliminée" in text
    # A missing answer is never completed after the deadline (R2152-2).
    assert "de la compléter" not in text
    assert "un renseignement manquant n'est jamais complété après la date limite" in text
    # One rule with the letter (review of 1 December 2026, I2): a scored written answer left
    # empty is scored without it; what is irregular is a missing contract information.
    from webpass.documents.offer_rules import written_answer_rule

    assert "Une réponse manquante ou illisible" not in text
    assert _plain(written_answer_rule()) in text
    assert "un renseignement que le marché demande qui manque (les exigences G01" in text
