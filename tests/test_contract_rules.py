"""Rules the CCAP and the CCTP state alike: the end of the build, reversibility; the advance refund."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import plain_text as _plain
from webpass.documents.ccap_plan import CcapArticle
from webpass.documents.cctp import Article, CctpDocument
from webpass.documents.coherence import document_text
from webpass.documents.dce import assemble_dce
from webpass.documents.phases import build_phase, reversibility_rule
from webpass.documents.pieces import PieceKind
from webpass.dossier.contract import ContractTerms
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / "communaute-de-communes", ROOT / "examples" / "petite-commune"]


def _pieces(selection: Selection) -> tuple[CctpDocument, CctpDocument]:
    bundle = assemble_dce(selection)
    found = {p.kind: p.document for p in bundle.pieces if p.document is not None}
    return found[PieceKind.CCAP], found[PieceKind.CCTP]


def _article_text(document: CctpDocument, predicate: Callable[[Article], bool]) -> str:
    articles = [a for a in document.walk() if predicate(a)]
    assert articles
    single = dataclasses.replace(document, object="", articles=articles, annexes=[])
    return _plain(document_text(single))


@pytest.mark.parametrize("folder", EXAMPLES, ids=["groupement", "commune"])
def test_ccap_and_cctp_end_the_build_with_the_same_sequence(folder: Path) -> None:
    selection = open_dossier(folder).selection
    ccap, cctp = _pieces(selection)
    rule = _plain(build_phase(selection))
    duration = _article_text(ccap, lambda a: a.number == CcapArticle.DURATION.number)
    phases = _article_text(cctp, lambda a: a.item_id == "A09")
    assert rule in duration and rule in phases
    # CCAG-TIC order: aptitude, then going online, then regular service, closed by admission.
    marks = [
        rule.index("jusqu'à la décision d'admission"),
        rule.index("vérification d'aptitude"),
        rule.index("la mise en ligne"),
        rule.index("vérification de service régulier"),
        rule.rindex("décision d'admission"),
    ]
    assert marks[1:] == sorted(marks[1:])
    assert "jusqu'à la décision d'aptitude" not in _plain(document_text(ccap))


@pytest.mark.parametrize("folder", EXAMPLES, ids=["groupement", "commune"])
def test_reversibility_is_one_rule_in_ccap_and_cctp(folder: Path) -> None:
    selection = open_dossier(folder).selection
    ccap, cctp = _pieces(selection)
    rule = _plain(reversibility_rule(selection))
    article = _article_text(ccap, lambda a: a.number == CcapArticle.REVERSIBILITY.number)
    clause = _article_text(cctp, lambda a: a.item_id == "N03")
    assert rule in article and rule in clause
    # Nothing is paid past the term (nor the 48-month limit of the orders): no hosting after it;
    # the destruction of the data and its certificate, and the warranty (review of 1 December
    # 2026, n° 18), alone are done after it.
    allowed = (
        "Aucune prestation n'est payée après le terme ; seules la destruction des données et son "
        f"attestation (article {CcapArticle.DATA.number}.2 du CCAP) et les obligations de garantie "
        f"de l'article {CcapArticle.WARRANTY.number} du CCAP, qui survivent au terme, sont "
        "exécutées après lui"
    )
    for text in (_plain(document_text(ccap)), _plain(document_text(cctp))):
        assert allowed in text
        assert "après le terme" not in text.replace(allowed, "")


def _with_rate(selection: Selection, rate: str) -> Selection:
    contract = (selection.answers.contract or ContractTerms()).model_copy(
        update={"advance_rate": Decimal(rate)}
    )
    answers = selection.answers.model_copy(update={"contract": contract})
    return dataclasses.replace(selection, answers=answers)


@pytest.mark.parametrize("rate", ["5", "30"])
def test_the_advance_is_refunded_between_65_and_80_percent_of_its_base(rate: str) -> None:
    selection = _with_rate(open_dossier(EXAMPLES[0]).selection, rate)
    ccap, _ = _pieces(selection)
    text = _article_text(ccap, lambda a: a.title == "Avance")
    assert f"{rate} %" in text
    refund = text[text.index("L'avance est remboursée") :]
    assert refund.index("65 %") < refund.index("80 %")
    assert "toutes taxes comprises" in refund
    assert "R2191-11" in refund and "R2191-12" in refund
    # Renewable market: the base is the period's amount the AE states (R2191-15); the 65 % start
    # is the contract's choice, the 80 % end R2191-12's (review of 1 December 2026, n° 19).
    assert "65 % du montant toutes taxes comprises de la période indiqué à l'acte" in refund
    assert "au rythme que fixe le présent CCAP (article R2191-11)" in refund
    assert "80 % de ce montant (article R2191-12)" in refund
