from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webpass.core.money import AmountError, format_eur, parse_amount, round_cent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30000", "30000"),
        ("30 000", "30000"),
        ("30 000,50", "30000.50"),
        ("30000.50", "30000.50"),
        ("30 000,50 €", "30000.50"),
        ("30\u00a0000,50\u00a0€", "30000.50"),
        ("30\u202f000,50 € HT", "30000.50"),
        ("12 500,00 €", "12500.00"),
        ("12500,5", "12500.5"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("-0", "0"),
        (1200, "1200"),
    ],
)
def test_parse_amount_accepts_french_formats(text: object, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "aucun montant"),
        ("   ", "aucun montant"),
        ("douze", "pas un montant lisible"),
        ("1e9999", "pas un montant lisible"),
        ("NaN", "pas un montant lisible"),
        ("inf", "pas un montant lisible"),
        ("-5", "négatif"),
        ("12,5,3", "pas un montant lisible"),
        ("2000000000", "milliard"),
        (12.5, "virgule flottante"),
        (Decimal("NaN"), "pas un montant fini"),
    ],
)
def test_parse_amount_refuses_bad_input(text: object, fragment: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert fragment in info.value.message


def test_negative_allowed_when_asked() -> None:
    assert parse_amount("-1 200,00", allow_negative=True) == Decimal("-1200.00")


def test_round_cent_is_half_up() -> None:
    assert round_cent(Decimal("0.005")) == Decimal("0.01")
    assert round_cent(Decimal("2.675")) == Decimal("2.68")
    assert round_cent(Decimal("2.665")) == Decimal("2.67")


def test_format_eur_is_french() -> None:
    assert format_eur(Decimal("20000")) == "20\u00a0000,00\u00a0€\u00a0HT"
    assert format_eur(Decimal("1234567.125"), "€") == "1\u00a0234\u00a0567,13\u00a0€"
    assert format_eur(Decimal("0.5")) == "0,50\u00a0€\u00a0HT"


@given(
    st.decimals(
        min_value=0, max_value=Decimal("999999999"), places=2, allow_nan=False, allow_infinity=False
    )
)
def test_format_then_parse_round_trips(value: Decimal) -> None:
    assert parse_amount(format_eur(value)) == value


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # issue 23 item 9: read 1 000 times apart before
        ("12.500", "ambigu"),
        ("1,000", "ambigu"),
        ("3'0'0'0'0", "mal groupés"),
        ("30 000 € TTC", "25\u00a0000,00\u00a0€\u00a0HT"),
        ("1 200 euros T.T.C.", "montant TTC"),
        ("1,0125", "au plus deux décimales"),
        ("0,125", "au plus deux décimales"),
        ("30 000.500", "au plus deux décimales"),
        ("1 000.000,00", "pas un montant lisible"),
        ("12.", "pas un montant lisible"),
        ("9" * 35, "milliard"),
        ("1" * 200, "trop long"),
    ],
)
def test_ambiguous_or_inexact_amounts_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.500,00", "12500.00"),
        ("1,000.00", "1000.00"),
        ("1.000.000", "1000000"),
        ("1,000,000", "1000000"),
        ("30'000", "30000"),
        ("€ 1 200", "1200"),
        ("1 200 EUR HT", "1200"),
        ("30000 h.t.", "30000"),
    ],
)
def test_unambiguous_groupings_are_read(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_lone_separator_before_three_digits_is_never_guessed(head: int, tail: int) -> None:
    for mark in ".,":
        with pytest.raises(AmountError):
            parse_amount(f"{head}{mark}{tail:03d}")


@given(
    st.from_regex(r"\A[0-9]{1,15}(\.[0-9]{1,2})?\Z")
    | st.from_regex(r"\A[ 0-9.,]{1,20}\Z")
    | st.decimals(min_value=0, max_value=10**12, places=2).map(str)
)
def test_the_plain_number_shortcut_reads_as_the_grammar_does(text: str) -> None:
    # The shortcut for what a spreadsheet's numbers become must agree with the full grammar.
    import re

    from webpass.core import money

    def outcome() -> object:
        try:
            value = parse_amount(text, allow_negative=True)
        except AmountError as error:
            return error.message
        return (value, str(value))

    fast = outcome()
    original = money._PLAIN
    money._PLAIN = re.compile(r"(?!)")  # never matches: every text through the grammar
    try:
        slow = outcome()
    finally:
        money._PLAIN = original
    assert fast == slow
