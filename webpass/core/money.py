"""Amounts of money: parsing what people type, rounding half-up to the cent, French display.

Money is always :class:`decimal.Decimal`; a float never enters. :func:`parse_amount` is the one
parser of amounts typed by a person or read from a cell, used by the command line, the wizards,
the grid reader and the batch mode, with one grammar:

* thousands grouped by spaces (ordinary, no-break, thin), apostrophes, points or commas, in
  groups of three (« 30 000 », « 30'000 », « 30.000,50 », « 30,000.50 »);
* a comma or a point before at most two decimals: an amount is exact to the cent (« 1,0125 »
  is refused rather than rounded);
* when one point or one comma is followed by exactly three digits (« 12.500 », « 1,000 ») the
  amount could be read 1 000 times apart: it is refused, with the way to write it;
* « € », « EUR », « euros », « HT » are recognised around the number; « TTC » is refused with
  the amount HT it would be at 20 % VAT: an amount TTC is never silently taken as HT;
* anything else (``1e9999``, ``NaN``, ``12,5,3``, a negative amount when none is allowed, more
  than a billion) is refused with a French message quoting it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from webpass.core.errors import InputError

__all__ = [
    "CENT",
    "MAX_AMOUNT",
    "AmountError",
    "format_eur",
    "format_exact",
    "format_number",
    "parse_amount",
    "parse_number",
    "round_cent",
]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")  # one billion euros: far above any website contract

_MAX_TEXT = 60  # characters of an amount as typed: far more than any real one
_GROUP_SPACES = " \u00a0\u202f\u2009'\u2019"  # spaces (ordinary, no-break, thin) and apostrophes
_PLAIN = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?")
_NUMBER_CHARS = re.compile("^[0-9.," + re.escape(_GROUP_SPACES) + "]+$")
# Units people write around an amount, longest first; "ttc" is recognised to be refused.
_UNITS = ("t.t.c.", "t.t.c", "h.t.", "h.t", "euros", "euro", "eur", "ttc", "ht", "€")
_TTC = ("t.t.c.", "t.t.c", "ttc")


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


def parse_number(text: object, *, what: str = "valeur") -> Decimal:
    """A number that is not money (a duration, a count), with the digit grammar of amounts.

    Raises:
        AmountError: with a message about a number, not about euros.
    """
    try:
        return parse_amount(text, what=what)
    except AmountError as error:
        shown = str(text).strip()[:40]
        raise AmountError(
            f"{what} : « {shown} » n'est pas un nombre lisible ; écrivez-le en chiffres, par "
            "exemple « 6 » ou « 12,5 »."
        ) from error


def _parse_text(raw: str, what: str) -> Decimal:
    """The grammar of an amount as typed; see :func:`parse_amount`."""
    text = raw.strip()
    if _PLAIN.fullmatch(text):  # what a spreadsheet's number becomes: nothing to interpret
        return Decimal(text)
    if len(text) > _MAX_TEXT:
        raise AmountError(
            f"{what} : « {text[:30]}… » est trop long pour un montant ; écrivez par exemple "
            "« 30 000 » ou « 30 000,50 € »."
        )
    body, ttc = _strip_units(text)
    sign = ""
    if body[:1] in "+-":
        sign, body = body[:1], body[1:].lstrip(" ")
    if not body:
        raise AmountError(
            f"{what} : aucun montant saisi ; indiquez une somme, par exemple « 30 000 »."
        )
    if not _NUMBER_CHARS.match(body):
        raise _unreadable(raw, what)
    value = Decimal(sign + _digits(body, raw, what))
    if ttc:
        net = round_cent(value / Decimal("1.2"))
        raise AmountError(
            f"{what} : « {raw.strip()} » est un montant TTC ; webpass compte en hors taxes (HT). "
            f"Indiquez le montant HT : avec la TVA à 20 %, « {format_eur(net)} »."
        )
    return value


def _strip_units(text: str) -> tuple[str, bool]:
    """The number without the currency and HT/TTC around it, and whether it said TTC."""
    body = text
    ttc = False
    changed = True
    while changed:
        changed = False
        lowered = body.lower()
        for unit in _UNITS:
            if lowered.endswith(unit):
                body, changed = body[: -len(unit)].rstrip(_GROUP_SPACES[:4]), True
            elif lowered.startswith(unit) and unit == "€":
                body, changed = body[1:].lstrip(_GROUP_SPACES[:4]), True
            if changed:
                ttc = ttc or unit in _TTC
                break
    return body, ttc


def _digits(body: str, raw: str, what: str) -> str:
    """``body`` (digits and separators) as a plain decimal string, or a French refusal.

    One grammar: the thousands are grouped by spaces, apostrophes, points or commas, in groups
    of three; the decimal separator is a comma or a point followed by one or two digits. When
    both a point and a comma appear, the last one is the decimal separator. A single point or
    comma followed by exactly three digits could be either (« 12.500 »): it is refused.
    """
    points, commas = body.count("."), body.count(",")
    decimal_mark = None
    if points and commas:
        decimal_mark = "." if body.rfind(".") > body.rfind(",") else ","
        if body.count(decimal_mark) > 1:
            raise _unreadable(raw, what)
    elif points + commas == 1:
        decimal_mark = "." if points else ","
        tail = body.rsplit(decimal_mark, 1)[1]
        spaced = any(c in body for c in _GROUP_SPACES)
        head = body.rsplit(decimal_mark, 1)[0]
        if len(tail) == 3 and tail.isdigit() and not spaced and head.strip("0"):
            raise _ambiguous(raw, what, head, tail)
    integer, _, fraction = body.rpartition(decimal_mark) if decimal_mark else (body, "", "")
    if decimal_mark is not None and not fraction:
        raise _unreadable(raw, what)
    if fraction and not fraction.isdigit():
        raise _unreadable(raw, what)
    if len(fraction) > 2:
        raise AmountError(
            f"{what} : « {raw.strip()} » a {len(fraction)} chiffres après la virgule ; un "
            "montant s'écrit au centime près, avec au plus deux décimales (« 1,01 »)."
        )
    return _integer(integer, raw, what) + (f".{fraction}" if fraction else "")


def _integer(text: str, raw: str, what: str) -> str:
    """The integer part, its thousands groups checked (one kind of separator, groups of 3)."""
    separators = {c for c in text if not c.isdigit()}
    if not separators:
        if not text:
            raise _unreadable(raw, what)
        return text
    spacing = separators <= set(_GROUP_SPACES)
    if not spacing and len(separators) > 1:
        raise _unreadable(raw, what)
    groups = re.split("[" + re.escape("".join(separators)) + "]", text)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise AmountError(
            f"{what} : « {raw.strip()} » n'est pas un montant lisible, ses milliers sont mal "
            "groupés ; écrivez les chiffres par groupes de trois (« 30 000 ») ou sans "
            "séparateur (« 30000 »)."
        )
    return "".join(groups)


def _ambiguous(raw: str, what: str, head: str, tail: str) -> AmountError:
    grouped = format_number(Decimal(_integer(head, raw, what) + tail), 0)
    return AmountError(
        f"{what} : « {raw.strip()} » est ambigu (milliers ou décimales ?) : écrivez "
        f"« {grouped} » pour {grouped} euros, ou deux chiffres après la virgule pour des "
        "centimes (« 12,50 »)."
    )


def _unreadable(raw: str, what: str) -> AmountError:
    return AmountError(
        f"{what} : « {raw.strip()} » n'est pas un montant lisible ; écrivez par exemple "
        "« 30 000 », « 30 000,50 € » ou « 30000.50 »."
    )


def round_cent(value: Decimal) -> Decimal:
    """Round half-up to the cent, the rule of French public accounting."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_exact(value: Decimal | int) -> str:
    """A number in French with the decimals it has, no more: « 3,3333 », « 4 »."""
    decimal = Decimal(value)
    if decimal == decimal.to_integral_value():
        return format_number(decimal, 0)
    exponent = decimal.normalize().as_tuple().exponent
    return format_number(decimal, -exponent if isinstance(exponent, int) else 2)


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
