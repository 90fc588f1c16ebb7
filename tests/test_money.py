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
