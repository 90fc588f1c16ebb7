"""The one-line form the information phrases are compared in: blanks collapsed, ends trimmed."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from webpass.catalog.information import flat, quoted_in

# ``flat`` as first written; what it returns now must not differ for any text.
_BLANKS = re.compile(r"\s+")


_PIECES = ["a", "é", " ", "  ", "\t", "\n", "\r", "\u00a0", "\u202f", "\u2028", "\x1c", "\x85", "."]


@given(st.lists(st.sampled_from(_PIECES)).map("".join))
def test_flat_collapses_every_blank_regular_expressions_know(text: str) -> None:
    assert flat(text) == _BLANKS.sub(" ", text).strip()


def test_a_phrase_cut_across_lines_is_quoted() -> None:
    text = "Le titulaire précise dans son offre\n  la durée de\u00a0conservation des journaux."
    assert quoted_in(["la durée de conservation", "le lieu d'hébergement"], text) == [
        "la durée de conservation"
    ]
