"""The CCTP writes French as French prose does: small counts in words, never « 1 » for « un »
or « une », no sentence nor table cell opening on a figure, « ko » for kilo-octets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webpass.compare.environment import environmental_terms
from webpass.documents.cctp import build_document, plain_text
from webpass.documents.typography import counted, in_words
from webpass.dossier.opening import open_dossier

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("petite-commune", "communaute-de-communes")

# « 1 » before a word, but not in an article or criterion number (« L2111-1 du », « 9.1 du »,
# « article 1 du CCAP ») nor in « 1er ».
_ONE = re.compile(r"(?<![\d.,-])(?<!article )(?<!articles )\b1 (?!er\b)[a-zà-ÿ]")
# A figure opening a sentence, a list entry or a table cell.
_OPENING = re.compile(r"(?:^|[.!?] |\| |^- )\d+ [a-zà-ÿ]", re.MULTILINE)


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")


@pytest.fixture(scope="module", params=EXAMPLES)
def cctp_text(request: pytest.FixtureRequest) -> str:
    document = build_document(open_dossier(ROOT / "examples" / request.param).selection)
    return "\n".join(
        _plain(f"{article.title}\n{plain_text(list(article.blocks))}")
        for article in document.walk()
    )


def test_no_lone_figure_one_where_french_writes_un_or_une(cctp_text: str) -> None:
    assert not [cctp_text[m.start() - 30 : m.end() + 20] for m in _ONE.finditer(cctp_text)]


def test_no_sentence_nor_cell_opens_on_a_figure(cctp_text: str) -> None:
    found = [cctp_text[m.start() : m.end() + 30] for m in _OPENING.finditer(cctp_text)]
    assert not found


def test_kilo_octets_are_ko_everywhere(cctp_text: str) -> None:
    assert not re.search(r"\d Ko\b", cctp_text)
    for example in EXAMPLES:
        terms = environmental_terms(open_dossier(ROOT / "examples" / example).selection)
        assert " Ko " not in _plain(terms.condition)


def test_no_tautology_in_the_audience_measure(cctp_text: str) -> None:
    assert "mesure d'audience (un outil de mesure d'audience" not in cctp_text


def test_the_small_commune_trains_one_administrator_for_half_a_day() -> None:
    document = build_document(open_dossier(ROOT / "examples" / "petite-commune").selection)
    text = " ".join(_plain(plain_text(list(a.blocks))) for a in document.walk())
    assert "forme un administrateur de la collectivité pendant une demi-journée" in " ".join(
        text.split()
    )
    # No wish left in the small commune's CCTP: its words are « exigé » and « information »
    # (the presentations that ask no answer).
    assert "souhaité" not in text and "« exigé »" in text and "« information »" in text
    assert "Quatre modèles de documents bureautiques accessibles" in text


@pytest.mark.parametrize(
    ("count", "feminine", "words"),
    [
        (1, False, "un"),
        (1, True, "une"),
        (4, False, "quatre"),
        (16, True, "seize"),
        (25, False, "25"),
    ],
)
def test_small_counts_in_words(count: int, feminine: bool, words: str) -> None:
    assert in_words(count, feminine) == words


def test_a_counted_noun_agrees() -> None:
    assert counted(1, "demi-journée", feminine=True) == "une demi-journée"
    assert counted(2, "modèle") == "deux modèles"
