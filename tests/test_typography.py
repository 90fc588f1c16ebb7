"""French typography: the rules skipped for a text without their character change nothing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.documents import typography as t


def _every_rule(text: str) -> str:
    # Every rule applied to every text, as french_spacing did before it skipped some.
    urls = t._URL.findall(text)
    if urls:
        parts = t._URL.split(text)
        out = [_every_rule(parts[0])]
        for url, part in zip(urls, parts[1:], strict=True):
            out += [url, _every_rule(part)]
        return "".join(out)
    text = t._APOSTROPHE.sub("\u2019", text)
    text = t._NUMERO.sub(r"\1" + t.NBSP, text)
    text = t._NUMBER_SPACE.sub(t.NBSP, text)
    text = t._EURO_HT.sub("€" + t.NBSP, text)
    text = t._before_high(text)
    text = t._BEFORE_COLON.sub(t.NBSP + ":", text)
    text = t._OPEN_QUOTE.sub("«" + t.NBSP, text)
    return t._CLOSE_QUOTE.sub(t.NBSP + "»", text)


_PIECES = st.sampled_from(
    [
        "a",
        "l'",
        "n°",
        "1",
        "200",
        " ",
        "\u00a0",
        "\u202f",
        "€",
        "HT",
        "%",
        "jours",
        ";",
        "!",
        "?",
        ":",
        "«",
        "»",
        "(",
        "https://x.fr/a:b",
        "10:30",
        "\n",
        "'",
        "°",
        "ko",
    ]
)


@given(st.lists(_PIECES, max_size=16).map("".join))
def test_french_spacing_is_every_rule_applied(text: str) -> None:
    assert t.french_spacing(text) == _every_rule(text)


def test_french_spacing_of_a_sentence() -> None:
    assert t.french_spacing("l'article n° 3 : 1 200 € HT ; « oui »") == (
        "l\u2019article n°\u00a03 : 1\u00a0200\u00a0€\u00a0HT\u202f; «\u00a0oui\u00a0»"
    )


# The rules as first written, each opening with its look-behind: the patterns that open with their
# character instead (tried only where it stands) must find the very same matches.
_PLAIN_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_PLAIN_BEFORE_COLON = re.compile(r"(?<=[^\s\u00a0\u202f\d/])[ ]?:(?=\s|$)")
_PLAIN_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_PLAIN_NUMBER_UNIT = re.compile(rf"(?<=\d) (?=(?:{t._UNITS})(?!\w))")
_PLAIN_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]?»")
_PLAIN_BEFORE_HIGH = re.compile(r"(?<=[^\s\u00a0\u202f(\[/])[ ]?([;!?])(?=\s|$|[»)\]])")
_MORE_PIECES = st.sampled_from(
    [
        "é",
        "_",
        "/",
        "\t",
        "  ",
        "www.x",
        "mailto:a",
        "::",
        " :",
        "''",
        "000",
        "h",
        " »",
        "[",
        "]",
        ")",
    ]
)


@settings(max_examples=1000)
@given(st.lists(st.one_of(_PIECES, _MORE_PIECES), max_size=20).map("".join))
def test_the_patterns_opening_with_their_character_find_what_the_plain_ones_find(
    text: str,
) -> None:
    assert t._APOSTROPHE.sub("#", text) == _PLAIN_APOSTROPHE.sub("#", text)
    assert t._BEFORE_COLON.sub("#", text) == _PLAIN_BEFORE_COLON.sub("#", text)
    # The two rules first written, one after the other, and the one pass that replaced them.
    assert t._NUMBER_SPACE.sub("#", text) == _PLAIN_NUMBER_UNIT.sub(
        "#", _PLAIN_THOUSANDS.sub("#", text)
    )
    assert t._CLOSE_QUOTE.sub("#", text) == _PLAIN_CLOSE_QUOTE.sub("#", text)
    assert t._before_high(text) == _PLAIN_BEFORE_HIGH.sub(t.NNBSP + r"\1", text)
    assert t.french_spacing(text) == _every_rule(text)


@settings(max_examples=2000)
@given(st.text(alphabet=" \u00a0\u202f\u2003\n\t;!?:a1([/)]»«"))
def test_the_marks_before_which_a_narrow_space_goes_are_the_plain_rules(text: str) -> None:
    assert t._before_high(text) == _PLAIN_BEFORE_HIGH.sub(t.NNBSP + r"\1", text)
