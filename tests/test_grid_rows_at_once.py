"""A grid row's texts are taken and checked at once: the same texts as cell by cell."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webpass.grid.read import _COLUMNS, FilledRow, cell_text
from webpass.grid.read_tables import _Placed
from webpass.untrusted.text import is_neutral, neutralise

# What a bidder's cell may hold: French text, quotes that hide a formula, line ends of every
# system, control characters, bidirectional overrides and lone surrogates.
_TRICKY = st.sampled_from(
    [
        "'",
        "=",
        "+",
        "-",
        "@",
        "\r",
        "\n",
        "\r\n",
        "\t",
        "\x00",
        "\x1b",
        "\u202e",
        "\u2066",
        "\ud800",
    ]
)
_TEXTS = st.lists(st.one_of(st.text(max_size=6), _TRICKY), max_size=5).map("".join)


@given(_TEXTS)
def test_is_neutral_says_whether_neutralise_changes_a_text(text: str) -> None:
    assert is_neutral(text) == (neutralise(text) == text)


@given(st.lists(_TEXTS, min_size=1, max_size=12), st.integers(0, 12))
def test_a_row_read_at_once_holds_the_texts_read_cell_by_cell(cells: list[str], shown: int) -> None:
    headers = list(dict.fromkeys(_COLUMNS.values()))  # one column per attribute, as we write
    placed = _Placed(dict(enumerate(headers)))
    row = tuple(cells[:shown] or cells[:1])  # a row shorter than the header: trailing blanks
    expected = FilledRow(where="ligne 2")
    for index, attribute in enumerate(headers):
        if index < len(row):
            setattr(expected, attribute, cell_text(row[index]))
    expected.id = expected.id.strip().upper()
    assert placed.entry(row, "ligne 2") == expected
