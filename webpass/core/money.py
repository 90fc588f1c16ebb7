"""Amounts of money: parsing what people type, rounding half-up to the cent, French display.

Money is always :class:`decimal.Decimal`; a float never enters. Parsing accepts what a French
user or spreadsheet writes (``30 000,50 €``, ``30000.50``, a non-breaking space as thousands
separator) and refuses anything that is not a plain finite amount (``1e9999``, ``NaN``, ``-0``
when negative is not allowed, ``12,5,3``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from webpass.core.errors import InputError

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "AmountError",
    "format_eur",
    "format_number",
    "parse_amount",
    "round_cent",
]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")  # one billion euros: far above any website contract

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CURRENCY = re.compile(r"(€|eur(os?)?|ht|ttc)\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


class AmountError(InputError):
    """An amount could not be read; the message quotes it and says what is expected."""


def parse_amount(text: object, *, allow_negative: bool = False, what: str = "montant") -> Decimal:
    """Read an amount in euros from text (or an int/Decimal) and return it as a Decimal.

    Args:
        text: what the user typed, a cell value, or a number that is not a float.
        allow_negative: accept a leading minus sign (credits, corrections).
        what: the name of the amount, used in the error message.

    Raises:
        AmountError: empty, not a number, infinite, negative when not allowed, or absurdly large.
    """
    if isinstance(text, bool | float):
        raise AmountError(
            f"{what} : {text!r} est un nombre à virgule flottante ; écrivez le montant en texte, "
            "par exemple « 12500.00 »."
        )
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        value = _parse_text(text, what)
    else:
        raise AmountError(f"{what} : valeur illisible ({type(text).__name__}).")
    if not value.is_finite():
        raise AmountError(f"{what} : « {text} » n'est pas un montant fini.")
    if value.is_signed() and not allow_negative and value != 0:
        raise AmountError(f"{what} : « {text} » est négatif ; un montant positif est attendu.")
    if value.is_signed() and value == 0:
        value = Decimal(0)
    if abs(value) > MAX_AMOUNT:
        raise AmountError(f"{what} : « {text} » dépasse un milliard d'euros ; vérifiez la saisie.")
    return value


def _parse_text(raw: str, what: str) -> Decimal:
    text = raw.strip()
    text = _CURRENCY.sub("", text).strip()
    text = _CURRENCY.sub("", text).strip()  # "€ HT" carries two suffixes
    text = _SPACES.sub("", text)
    if not text:
        raise AmountError(
            f"{what} : aucun montant saisi ; indiquez une somme, par exemple « 30 000 »."
        )
    if _PLAIN.match(text):
        normalised = text.replace(",", ".")
    elif _GROUPED_COMMA.match(text):
        normalised = text.replace(",", "")
    elif _GROUPED_DOT.match(text):
        normalised = text.replace(".", "").replace(",", ".")
    else:
        raise AmountError(
            f"{what} : « {raw.strip()} » n'est pas un montant lisible ; écrivez par exemple "
            "« 30 000 », « 30 000,50 € » ou « 30000.50 »."
        )
    try:
        return Decimal(normalised)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude it
        raise AmountError(f"{what} : « {raw} » n'est pas un montant lisible.") from exc


def round_cent(value: Decimal) -> Decimal:
    """Round half-up to the cent, the rule of French public accounting."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int, decimals: int = 2) -> str:
    """French display of a number: no-break space between thousands, comma for decimals."""
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups: list[str] = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    body = "\u00a0".join(groups) or "0"
    return f"{sign}{body},{fraction}" if decimals else f"{sign}{body}"


def format_eur(value: Decimal | int, suffix: str = "€ HT", decimals: int = 2) -> str:
    """``Decimal("20000")`` → ``"20 000,00 € HT"`` with non-breaking spaces."""
    return f"{format_number(value, decimals)}\u00a0{suffix}".replace(" ", "\u00a0")
