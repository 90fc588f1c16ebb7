"""Whom the buyer may negotiate with: the RC states it for every procedure kind, the RAO applies
it to the irregular offers it sets aside (review rev10, § 3 and § 5 no 3)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import REPO, plain_text
from tests.test_rc import text_of
from webpass.compare.award import criteria_of
from webpass.documents import rao
from webpass.documents.negotiation import (
    NEGOTIATED_OFFERS,
    negotiated_irregular_rule,
    negotiation_rule,
    negotiation_texts,
)
from webpass.documents.procedure_kind import ProcedureKind
from webpass.documents.rc import build_rc
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

EXAMPLE = REPO / "examples" / "communaute-de-communes"
CLOSED = "ne peut pas devenir régulière par la négociation"
RANKED_ONLY = "Seules les offres régulières et acceptables"


@pytest.fixture(scope="module")
def groupement() -> Selection:
    return open_dossier(EXAMPLE).selection


def _as(selection: Selection, code: str) -> Selection:
    return dataclasses.replace(
        selection, procedure=dataclasses.replace(selection.procedure, code=code)
    )


def _article(selection: Selection, number: str) -> str:
    document = build_rc(selection)
    found = [a for a in document.articles if a.number == number.split(".")[0]]
    article = found[0]
    if "." in number:
        article = next(c for c in article.children if c.number == number)
    return plain_text(text_of([article]))


@pytest.mark.parametrize("code", ["mapa", "mapa_boamp"])
def test_a_mapa_rc_ranks_only_regular_offers_to_name_the_three_negotiated(
    groupement: Selection, code: str
) -> None:
    selection = _as(groupement, code)
    procedure = _article(selection, "3")
    assert "les trois meilleures offres" in procedure and "R2123-5" in procedure
    assert (
        f"{RANKED_ONLY}, ou que la régularisation prévue à l'article 7.1 rend telles, sont "
        "classées pour désigner ces trois meilleures offres."
    ) in procedure
    assert "Si moins de trois offres sont ainsi classées" in procedure
    irregular = _article(selection, "7.1")
    assert "n'y est admise que pour compléter le nombre des trois meilleures offres" in irregular
    assert "Sinon, elle est éliminée." in irregular


def test_without_regularisation_the_rc_does_not_promise_one(groupement: Selection) -> None:
    criteria = criteria_of(groupement)
    answers = groupement.answers.model_copy(
        update={"award": criteria.model_copy(update={"regularisation": False})}
    )
    procedure = _article(dataclasses.replace(groupement, answers=answers), "3")
    assert f"{RANKED_ONLY} sont classées pour désigner ces trois meilleures offres." in procedure


def test_an_open_tender_excludes_negotiation() -> None:
    # webpass writes no DCE for a formal procedure (pieces.plan_pieces refuses it), but the rule
    # and the RAO's « définitivement écartée » must agree with R2161-5.
    rule = negotiation_rule(ProcedureKind.FORMAL)
    (text,) = negotiation_texts(rule, regularisation=True)
    assert text.startswith("Les offres ne sont pas négociées") and "R2161-5" in text
    assert negotiated_irregular_rule(rule) == ""


def test_an_rc_by_quotes_negotiates_with_every_bidder(groupement: Selection) -> None:
    selection = _as(groupement, "dispense")
    procedure = _article(selection, "3")
    assert "négocier avec tous les prestataires consultés" in procedure
    assert "trois meilleures" not in procedure and RANKED_ONLY not in procedure
    assert "peuvent devenir régulières ou acceptables" in _article(selection, "7.1")


def test_the_rule_per_kind() -> None:
    assert not negotiation_rule(ProcedureKind.FORMAL).allowed
    assert negotiation_rule(ProcedureKind.ADAPTED).limit == NEGOTIATED_OFFERS == 3
    assert negotiation_rule(ProcedureKind.QUOTES).limit is None
    adapted = negotiation_rule(ProcedureKind.ADAPTED)
    assert [adapted.closes(n) for n in range(5)] == [False, False, False, True, True]
    assert not negotiation_rule(ProcedureKind.QUOTES).closes(10)
    assert not negotiation_rule(ProcedureKind.FORMAL).closes(10)


def _said(monkeypatch: pytest.MonkeyPatch, kind: ProcedureKind, ranked: int) -> str:
    monkeypatch.setattr(rao, "procedure_kind", lambda _selection: kind)
    comparison: Any = SimpleNamespace(selection=None, ranked=[object()] * ranked)
    return plain_text(rao._after_negotiation(comparison))


@pytest.mark.parametrize("ranked", [0, 1, 2, 3, 4, 7])
def test_the_rao_applies_the_rc_limit_to_the_number_ranked(
    monkeypatch: pytest.MonkeyPatch, ranked: int
) -> None:
    adapted = _said(monkeypatch, ProcedureKind.ADAPTED, ranked)
    if ranked >= NEGOTIATED_OFFERS:
        assert CLOSED in adapted and "R2123-5 et R2152-1" in adapted
        assert "Si l'acheteur use" not in adapted and "peut devenir" not in adapted
        assert "L'article 3 du règlement de la consultation ne réserve la négociation" in adapted
    else:
        assert CLOSED not in adapted
        assert "Moins de trois offres régulières étant classées" in adapted
        assert "elle peut devenir régulière" in adapted
    quotes = _said(monkeypatch, ProcedureKind.QUOTES, ranked)
    assert (
        "Si la collectivité use de la faculté de négocier que la lettre de consultation" in quotes
    )
    assert CLOSED not in quotes
    formal = _said(monkeypatch, ProcedureKind.FORMAL, ranked)
    assert formal.startswith("elle est définitivement écartée")
