"""The CCTP names the pieces the procedure's DCE has, and states one rule for cited texts.

A consultation by quotes has a consultation letter and a quote form: its CCTP speaks of neither
an RC nor a price schedule. A MAPA has both. The annex of cited texts gives one version rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webpass.documents.cctp import CctpDocument, ListBlock, build_document, plain_text
from webpass.documents.pieces import cited_pieces
from webpass.documents.terms import ProcedureKind, procedure_kind
from webpass.dossier.opening import open_dossier

ROOT = Path(__file__).resolve().parent.parent
COMMUNE = ROOT / "examples" / "petite-commune"
GROUPEMENT = ROOT / "examples" / "communaute-de-communes"


def _text(document: CctpDocument) -> str:
    parts = []
    for article in document.walk():
        parts.append(article.title)
        parts.append(plain_text(list(article.blocks)))
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def commune() -> tuple[ProcedureKind, str]:
    selection = open_dossier(COMMUNE).selection
    return procedure_kind(selection), _text(build_document(selection))


@pytest.fixture(scope="module")
def groupement() -> tuple[ProcedureKind, str]:
    selection = open_dossier(GROUPEMENT).selection
    return procedure_kind(selection), _text(build_document(selection))


def test_a_quotes_cctp_names_the_quote_form_and_never_an_rc_or_a_schedule(
    commune: tuple[ProcedureKind, str],
) -> None:
    procedure, text = commune
    assert procedure is ProcedureKind.QUOTES
    assert "bordereau" not in text
    assert "BPU" not in text
    assert "règlement de la consultation" not in text
    assert "inscrit au formulaire de devis" in text
    assert "le formulaire de devis, complété et signé" in text


def test_a_mapa_cctp_names_its_price_schedule_and_its_rc(
    groupement: tuple[ProcedureKind, str],
) -> None:
    procedure, text = groupement
    assert procedure is ProcedureKind.ADAPTED
    assert "inscrit au bordereau des prix unitaires (BPU)" in text
    assert "que demande le règlement de la consultation" in text
    assert "formulaire de devis" not in text


def test_cited_pieces_agree_in_gender_and_follow_the_pieces_model() -> None:
    quotes = cited_pieces(ProcedureKind.QUOTES)
    assert quotes["au_prix"] == "au formulaire de devis"
    assert quotes["consultation"] == "la lettre de consultation"
    mapa = cited_pieces(ProcedureKind.ADAPTED)
    assert mapa["du_prix"] == "du bordereau des prix unitaires (BPU)"
    assert mapa["consultation"] == "le règlement de la consultation"


@pytest.mark.parametrize("example", (COMMUNE, GROUPEMENT), ids=lambda p: p.name)
def test_cited_texts_follow_one_version_rule(example: Path) -> None:
    document = build_document(open_dossier(example).selection)
    annex = next(a for a in document.walk() if a.title == "Textes de référence")
    text = plain_text(list(annex.blocks))
    assert "version en vigueur à la date limite de remise des offres" in text
    assert "en vigueur au " not in text
    # Every text names the requirements it founds (review of 1 December 2026, M10).
    for entry in next(b for b in annex.blocks if isinstance(b, ListBlock)).entries:
        line = "".join(run.text for run in entry)
        assert re.search(r" — exigences? [A-Z]\d\d", line), line
