"""Whom the buyer may negotiate with: the RC states it for every procedure kind, the RAO applies
it to the irregular offers it sets aside (review rev10, § 3 and § 5 no 3)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import plain_text
from tests.test_compare import (
    ALPHA,
    BETA,
    GAMMA,
    NOTES,
    checked_offers,
    compare_dossier,
    write_offer,
)
from tests.test_rc import text_of
from webpass.compare.award import criteria_of
from webpass.compare.completion import Completion
from webpass.compare.notes import load_notes
from webpass.compare.scoring import Comparison, score_offers
from webpass.documents import rao
from webpass.documents.coherence import document_text
from webpass.documents.negotiation import (
    NEGOTIATED_OFFERS,
    negotiated_irregular_rule,
    negotiation_rule,
    negotiation_texts,
    open_negotiation_text,
)
from webpass.documents.procedure_kind import ProcedureKind
from webpass.documents.quotes import letter_document
from webpass.documents.rao import build_rao
from webpass.documents.rc import build_rc
from webpass.documents.terms import dce_terms
from webpass.dossier.opening import open_dossier
from webpass.selection.engine import Selection

CLOSED = "ne peut pas devenir régulière par la négociation"
RANKED_ONLY = "Seules les offres régulières et acceptables"


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
    # R2152-2 regularises « sans négociation »: before the buyer decides (rev11b, § 1).
    assert (
        f"{RANKED_ONLY}, ou que la régularisation prévue à l'article 7.1 rend telles "
        "(régularisation menée avant que l'acheteur décide s'il négocie), sont "
        "classées pour désigner ces trois meilleures offres."
    ) in procedure
    # The RAO's rule, announced: an irregular offer never moves a regular offer's price points.
    assert (
        "Si moins de trois offres sont ainsi classées, les offres irrégulières ou inacceptables "
        "sont notées selon les mêmes critères, leur prix étant noté entre elles seules, et "
        "classées à leur suite pour compléter ce nombre"
    ) in procedure
    irregular = _article(selection, "7.1")
    assert "n'y est admise que pour compléter le nombre des trois meilleures offres" in irregular
    # Every way out named, the award without negotiation too (rev11b, § 1).
    assert "Sinon" not in irregular
    assert (
        "Elle est éliminée si elle n'est pas admise à la négociation, si elle ne devient pas "
        "régulière et acceptable à son issue, ou si l'acheteur attribue le marché sans "
        "négociation."
    ) in irregular


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


def _said(
    monkeypatch: pytest.MonkeyPatch, kind: ProcedureKind, ranked: int, proposed: bool = True
) -> str:
    monkeypatch.setattr(rao, "procedure_kind", lambda _selection: kind)
    comparison: Any = SimpleNamespace(
        selection=None, ranked=[object()] * ranked, proposed=object() if proposed else None
    )
    return plain_text(rao._after_negotiation(comparison, SimpleNamespace(name="X")))  # type: ignore[arg-type]


@pytest.mark.parametrize("ranked", [3, 4, 7])
def test_the_rao_applies_the_rc_limit_to_the_number_ranked(
    monkeypatch: pytest.MonkeyPatch, ranked: int
) -> None:
    adapted = _said(monkeypatch, ProcedureKind.ADAPTED, ranked)
    assert CLOSED in adapted and "R2123-5 et R2152-1" in adapted
    assert "Si l'acheteur use" not in adapted and "peut devenir" not in adapted
    assert "L'article 3 du règlement de la consultation ne réserve la négociation" in adapted
    # R2152-1's word, the consequence drawn (rev11b, § 2).
    assert "ne peut pas devenir régulière par la négociation : elle est éliminée" in adapted
    formal = _said(monkeypatch, ProcedureKind.FORMAL, ranked)
    assert formal.startswith("elle est définitivement écartée")


@pytest.mark.parametrize("ranked", [0, 1, 3])
def test_the_rao_by_quotes_says_what_its_own_proposal_does_to_the_irregular_quote(
    monkeypatch: pytest.MonkeyPatch, ranked: int
) -> None:
    # The report proposes an award on the initial quotes: following it eliminates the quote;
    # negotiating includes its provider (rev11b, § 2, pc).
    quotes = _said(monkeypatch, ProcedureKind.QUOTES, ranked)
    assert (
        "La lettre de consultation permet à la collectivité de négocier avec tous les "
        "prestataires consultés ; le présent rapport propose d'attribuer le marché sur la base "
        "des devis initiaux, sans négociation : si la collectivité suit cette proposition, le "
        "devis est éliminé (article R2152-1 du Code de la commande publique). Si elle décide de "
        "négocier, elle négocie aussi avec ce prestataire, et son devis peut devenir régulier à "
        "l'issue de la négociation s'il n'est pas anormalement bas."
    ) in quotes
    assert CLOSED not in quotes and "Si la collectivité use" not in quotes
    unproposed = _said(monkeypatch, ProcedureKind.QUOTES, ranked, proposed=False)
    assert "propose d'attribuer" not in unproposed
    assert (
        "si la collectivité attribue le marché sur la base des devis initiaux, sans "
        "négociation, le devis est éliminé"
    ) in unproposed


def test_the_letter_and_the_rc_by_quotes_say_the_same_negotiation(
    groupement: Selection,
) -> None:
    rule = negotiation_rule(ProcedureKind.QUOTES)
    (rc_text,) = negotiation_texts(rule, regularisation=True)
    letter = open_negotiation_text(collectivity=True)
    assert rc_text == open_negotiation_text(collectivity=False)
    # The same sentence, the buyer named as each piece names it.
    assert letter.replace("La collectivité", "L'acheteur").replace(
        "si elle négocie, elle", "s'il négocie, il"
    ).replace("devis initiaux", "offres initiales") == rc_text.replace(
        " selon les critères de l'article 7", ""
    )


def test_the_letter_takes_its_negotiation_sentence_from_the_one_rule(commune: Selection) -> None:
    letter = plain_text(document_text(letter_document(dce_terms(commune), [])))
    assert plain_text(open_negotiation_text(collectivity=True)) in letter


# Two regular offers (Alpha, Bêta) and two irregular ones, each contradicting the mandatory X01.
# Epsilon is dearer than Gamma but better on every sub-criterion: ranked among themselves on the
# same criteria, it comes first and completes the three; Gamma is eliminated. webpass has no
# notion of an inappropriate offer (the analyst cannot record one), so none is among them.
EPSILON = {**ALPHA, "X01": ("Non conforme", "", "Charte simplifiée.", "2500")}
FOUR_NOTES = (
    NOTES
    + """\
  Gamma (fictif):
    Méthodologie: {note: 1, commentaire: Planning absent.}
    Accessibilité: {note: 1, commentaire: Rien sur l'accessibilité.}
    Environnement: {note: 1, commentaire: Aucun engagement.}
  Epsilon (fictif):
    Méthodologie: {note: 4, commentaire: Démarche détaillée.}
    Accessibilité: {note: 4, commentaire: Audit par un tiers.}
    Environnement: {note: 3, commentaire: Grille RGESN remplie.}
"""
)


@pytest.fixture
def small(tmp_path: Path, mini_catalog: Path) -> tuple[Path, Path]:
    """test_compare's dossier with two PSE and analyst-marked criteria, with its catalogue."""
    return compare_dossier(tmp_path, mini_catalog)


def _four_offers(small: tuple[Path, Path], code: str, notes: str = FOUR_NOTES) -> Comparison:
    folder, catalog = small
    offers = [
        write_offer(folder, catalog, "Alpha (fictif)", ALPHA),
        write_offer(folder, catalog, "Gamma (fictif)", GAMMA),
        write_offer(folder, catalog, "Bêta (fictif)", BETA),
        write_offer(folder, catalog, "Epsilon (fictif)", EPSILON),
    ]
    (folder / "notes.yaml").write_text(notes, encoding="utf-8")
    selection = _as(open_dossier(folder, catalog).selection, code)
    checked = checked_offers(folder, catalog, offers)
    return score_offers(selection, checked, load_notes(folder / "notes.yaml"))


def test_fewer_regular_offers_than_negotiated_rank_the_irregular_ones_after_them(
    small: tuple[Path, Path],
) -> None:
    comparison = _four_offers(small, "mapa")
    assert [o.name for o in comparison.ranked] == ["Bêta (fictif)", "Alpha (fictif)"]
    # The regular offers' points do not move (the hand computation of test_compare).
    assert [o.total for o in comparison.ranked] == [Decimal("75.45"), Decimal(70)]
    completion = comparison.completion
    assert completion is not None and completion.places == 1
    epsilon, gamma = completion.offers
    assert (epsilon.name, gamma.name) == ("Epsilon (fictif)", "Gamma (fictif)")
    # Prices among the irregular ones only: Gamma 1500 + 100 + 2000 + 400 × 4 = 5200 → 40;
    # Epsilon 1000 + 2500 + 1500 + 300 × 4 = 6200 → 40 × 5200 ÷ 6200 = 33.548… → 33.55.
    assert (gamma.price, epsilon.price) == (Decimal("5200.00"), Decimal("6200.00"))
    assert gamma.total == Decimal(6 + 4 + 2 + 40) and epsilon.total == Decimal("79.55")
    assert completion.completes(epsilon) and not completion.completes(gamma)
    assert not comparison.missing_marks

    text = plain_text(document_text(build_rao(comparison)))
    assert "écartées sans être notées" not in text
    assert (
        "Deux offres régulières seulement étant classées, l'article 3 du règlement de la "
        "consultation prévoit que les offres irrégulières sont notées selon les mêmes critères "
        "et classées à leur suite pour compléter le nombre des trois meilleures offres admises "
        "à la négociation si l'acheteur négocie : une place reste à compléter."
    ) in text
    assert (
        "Elle est notée selon les mêmes critères et classée 1re à la suite des offres "
        "régulières (article 3 du règlement de la consultation), avec 79,55 points sur 100 : elle est au nombre des trois meilleures offres "
        "admises à la négociation si l'acheteur négocie, à moins qu'il ne la tienne pour "
        "inappropriée, c'est-à-dire sans rapport avec le besoin, auquel cas elle est éliminée "
        "(article L2152-4 du Code de la commande publique) ; elle peut devenir régulière à son "
        "issue si elle n'est pas anormalement basse. Elle est éliminée si elle ne le devient "
        "pas, ou si l'acheteur attribue le marché sans négociation"
    ) in text
    assert (
        "Elle est notée selon les mêmes critères et classée 2e à la suite des offres "
        "régulières (article 3 du règlement de la consultation), avec 52,00 points sur 100, alors qu'une place restait à compléter : elle "
        "n'est pas au nombre des trois meilleures offres admises à la négociation, elle est "
        "éliminée"
    ) in text
    # The condition is decided, never restated.
    assert "si elle est au nombre de celles-ci" not in text
    assert "Irrégulière, classée 1re à la suite, admise si négociation" in text
    assert "Irrégulière, classée 2e à la suite, éliminée" in text
    following = comparison.as_json()["classement_a_la_suite"]
    assert [(o["candidat"], o["complete_le_nombre"]) for o in following["offres"]] == [
        ("Epsilon (fictif)", True),
        ("Gamma (fictif)", False),
    ]


def test_without_a_limit_no_irregular_offer_is_ranked(small: tuple[Path, Path]) -> None:
    comparison = _four_offers(small, "dispense")
    assert comparison.completion is None
    assert comparison.as_json()["classement_a_la_suite"] is None
    assert len(comparison.eliminated) == 2


def test_an_irregular_offer_without_marks_makes_the_following_ranking_provisional(
    small: tuple[Path, Path],
) -> None:
    unmarked = (
        FOUR_NOTES[: FOUR_NOTES.index("  Gamma (fictif):")]
        + FOUR_NOTES[FOUR_NOTES.index("  Epsilon (fictif):") :]
    )
    comparison = _four_offers(small, "mapa", unmarked)
    # Only the ranking after the regular offers waits for them, not the regular one.
    assert not comparison.missing_marks and not comparison.provisional
    assert comparison.completion is not None
    assert any(s.missing for o in comparison.completion.offers for s in o.technical)
    text = plain_text(document_text(build_rao(comparison)))
    assert "note de l'analyste non saisie, comptée 0 point : ce classement est provisoire" in text
    assert text.count("(classement provisoire : des notes de l'analyste manquent)") == 2


def test_a_tie_across_the_last_place_is_drawn_by_lot() -> None:
    def offer(name: str, rank: int) -> Any:
        return SimpleNamespace(name=name, rank=rank)

    a, b, c = offer("A", 1), offer("B", 2), offer("C", 2)
    one_place = Completion(3, 1, (a, b, c))  # two places: A, then B or C by lot
    assert one_place.places == 2
    assert one_place.tied(a) == [] and one_place.tied(b) == [b, c] == one_place.tied(c)
    assert [one_place.fate(o) for o in (a, b, c)] == [
        "Admise si négociation",
        "Tirage au sort",
        "Tirage au sort",
    ]
    # Both fit in the places left: no draw.
    assert Completion(3, 0, (a, b, c)).tied(b) == []
    # The tie is past the last place: both are eliminated, no draw.
    assert Completion(3, 2, (a, b, c)).tied(b) == []


def test_an_admitted_offer_below_the_estimate_is_to_be_checked(small: tuple[Path, Path]) -> None:
    comparison = _four_offers(small, "mapa")
    assert comparison.completion is not None
    epsilon, gamma = comparison.completion.offers
    # The mini dossier's estimate starts at 12 664 € HT: both irregular offers are below it,
    # only the one admitted to the negotiation is to be checked (R2152-1's condition).
    assert comparison.selection.estimate.total.low == Decimal("12664.00")
    assert epsilon.possibly_abnormally_low and gamma.possibly_abnormally_low
    text = plain_text(document_text(build_rao(comparison)))
    assert (
        "Son prix comparé (6 200,00 € HT) est inférieur à l'estimation basse du marché "
        "(12 664,00 € HT) : l'acheteur vérifie qu'elle n'est pas anormalement basse"
    ) in text
    assert "Son prix comparé (5 200,00 € HT)" not in text


def test_the_rao_names_the_draw_for_the_last_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rao, "procedure_kind", lambda _selection: ProcedureKind.ADAPTED)

    def offer(name: str, rank: int) -> Any:
        return SimpleNamespace(
            name=name, rank=rank, offer=object(), total=Decimal(60), technical=[]
        )

    a, b, c = offer("A", 1), offer("B", 2), offer("C", 2)
    comparison: Any = SimpleNamespace(
        selection=None, by_quotes=False, completion=Completion(3, 1, (a, b, c))
    )
    eliminated: Any = SimpleNamespace(offer=b.offer, name="B")
    text = plain_text(rao._completion_text(comparison, eliminated, "Elle"))
    assert (
        "à égalité avec C pour une place : le tirage au sort que prévoit le règlement de la "
        "consultation (article 7) désigne les offres admises à la négociation"
    ) in text
    assert "toutes le sont si l'acheteur attribue le marché sans négociation" in text


def test_the_terminal_ranks_the_irregular_offers_as_the_rao_does(
    small: tuple[Path, Path],
) -> None:
    from rich.console import Console

    from webpass.cli.comparer import _show_eliminated

    console = Console(record=True, width=200)
    _show_eliminated(console, _four_offers(small, "mapa"))
    shown = console.export_text()
    assert (
        "Classée 1re à la suite des offres régulières (79,55 points) : admise si négociation."
        in shown
    )
    assert "Classée 2e à la suite des offres régulières (52,00 points) : éliminée." in shown


def test_without_a_limit_the_terminal_ranks_no_irregular_offer(small: tuple[Path, Path]) -> None:
    from rich.console import Console

    from webpass.cli.comparer import _show_eliminated

    console = Console(record=True, width=200)
    _show_eliminated(console, _four_offers(small, "dispense"))
    assert "à la suite des offres régulières" not in console.export_text()
