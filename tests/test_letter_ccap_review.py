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

from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.coherence import document_text
from webpass.documents.cctp import CctpDocument
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


def _plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("\u2019", "'"))


def _documents(selection: Selection) -> dict[PieceKind, CctpDocument]:
    bundle = assemble_dce(selection)
    return {p.kind: p.document for p in bundle.pieces if p.document is not None}


def _texts(selection: Selection) -> dict[PieceKind, str]:
    return {kind: _plain(document_text(doc)) for kind, doc in _documents(selection).items()}


def _article(document: CctpDocument, number: str) -> str:
    found = [a for a in document.walk() if a.number == number]
    assert found
    single = dataclasses.replace(document, object="", articles=found, annexes=[])
    return _plain(document_text(single))


@pytest.fixture(scope="module")
def commune() -> Selection:
    return open_dossier(COMMUNE).selection


@pytest.fixture(scope="module")
def groupement() -> Selection:
    return open_dossier(GROUPEMENT).selection


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
    assert "pour une durée ferme de 24 mois ; il n'est pas reconductible." in texts[PieceKind.LETTER]
    assert "ne peut pas refuser la reconduction" not in texts[PieceKind.CCAP]
