"""French typography for everything webpass prints or publishes.

Non-breaking spaces before ``; : ! ?`` and inside guillemets, dates written out
("22 novembre 2026"), and a thin helper for plural words. Amounts live in :mod:`webpass.core.money`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = ["MONTHS", "date_fr", "french_spacing", "of_name", "plural"]

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

NBSP = "\u00a0"
NNBSP = "\u202f"

# A plain or missing space before ; : ! ? becomes a narrow no-break space; ":" keeps a full one as
# the Imprimerie nationale recommends. URLs ("https://"), times ("10:30") and ratios are left alone.
# (The rule « (?<=[^\s\u00a0\u202f(\[/])[ ]?([;!?])(?=\s|$|[»)\]]) », which tried its look-behind
# at every character, is applied by _before_high from the marks this finds.)
_HIGH_MARK = re.compile(r"[;!?](?=\s|$|[»)\]])")
# (Written « " :" or ":", each followed by its look-behind, rather than a look-behind and
# « [ ]?: »: a pattern that opens with a look-behind is tried at every character of the text, one
# that opens with a character only where that character is. Same matches; a test compares.)
_BEFORE_COLON = re.compile(r"(?: :(?<=[^\s\u00a0\u202f\d/] :)|:(?<=[^\s\u00a0\u202f\d/]:))(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]?")
# « [ \u00a0\u202f]?» », each branch opening with a character (see _BEFORE_COLON).
_CLOSE_QUOTE = re.compile(" »|\u00a0»|\u202f»|»")


# Typographic apostrophe between letters (l'accès, aujourd'hui), never in a URL.
_APOSTROPHE = re.compile(r"'(?<=\w')(?=\w)")  # « (?<=\w)'(?=\w) », the quote first (see above)
_NUMERO = re.compile(r"\b([nN]°)[ \u202f]?(?=\w)")
# The plain space after a digit inside a number (1 200, 5 000 €, 14 800 habitants: thousands)
# or before its unit (30 jours, 12 %). One pass for both: a space is followed either by three
# digits or by a unit, never both. (« (?<=\d) » written after the space, as above: the search
# then stops at spaces only.)
_UNITS = (
    "€|%|ko|Ko|Mo|Go|HT|TTC|h|heures?|jours?|mois|ans?|semaines?|minutes?|pages?|pixels?|"
    "caractères|habitants|agents|ETP"
)
_NUMBER_SPACE = re.compile(rf" (?<=\d )(?=\d{{3}}(?!\d)|(?:{_UNITS})(?!\w))")
_EURO_HT = re.compile(r"€ (?=HT|TTC)")
_URL = re.compile(r"\b(?:https?://|mailto:|www\.)\S+")


# A document passes the same texts again and again (titles, badges, shared sentences), and a
# batch worker the same clauses for every commune: the result of a text is kept.
@functools.lru_cache(maxsize=8192)
def french_spacing(text: str) -> str:
    """Apply French typography to a plain text (not to markup).

    No-break spaces before ``; : ! ?``, inside guillemets, after « n° », inside numbers and
    between a number and its unit; typographic apostrophes. URLs are left untouched.
    """
    # Every address _URL finds holds one of these: most texts need not be scanned.
    marked = "://" in text or "mailto:" in text or "www." in text
    urls = _URL.findall(text) if marked else None
    if urls:
        # Work on the text between URLs only, so an address keeps its exact characters.
        parts = _URL.split(text)
        out = [french_spacing(parts[0])]
        for url, part in zip(urls, parts[1:], strict=True):
            out += [url, french_spacing(part)]
        return "".join(out)
    # Each rule needs a character of its own: a text without it is left as it is, unscanned
    # (a CCTP passes some five hundred texts through here).
    if "'" in text:
        text = _APOSTROPHE.sub("\u2019", text)
    if "°" in text:
        text = _NUMERO.sub(r"\1" + NBSP, text)
    if " " in text:
        text = _NUMBER_SPACE.sub(NBSP, text)
    if "€" in text:
        text = _EURO_HT.sub("€" + NBSP, text)
    if ";" in text or "!" in text or "?" in text:
        text = _before_high(text)
    if ":" in text:
        text = _BEFORE_COLON.sub(NBSP + ":", text)
    if "«" in text:
        text = _OPEN_QUOTE.sub("«" + NBSP, text)
    if "»" in text:
        text = _CLOSE_QUOTE.sub(NBSP + "»", text)
    return text


def _before_high(text: str) -> str:
    """A narrow no-break space before each ``; ! ?`` that ends a word, instead of its space.

    The mark follows a character that is no blank, parenthesis, bracket or slash (a blank being
    what ``\\s`` matches: ``str.isspace``), or one plain space after such a character, which it
    replaces. Marks never overlap, and each looks only at the text before it.
    """
    out: list[str] = []
    last = 0
    for mark in _HIGH_MARK.finditer(text):
        at = mark.start()
        if at >= 2 and text[at - 1] == " " and _ends_word(text[at - 2]):
            cut = at - 1
        elif at >= 1 and _ends_word(text[at - 1]):
            cut = at
        else:
            continue
        out += [text[last:cut], NNBSP, text[at]]
        last = at + 1
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _ends_word(character: str) -> bool:
    return not character.isspace() and character not in "([/"


def date_fr(value: dt.date) -> str:
    """``date(2026, 11, 22)`` → ``"22 novembre 2026"`` (``1er`` for the first of the month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}{NBSP}{MONTHS[value.month - 1]}{NBSP}{value.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(2, "clause")`` → ``"2 clauses"``; French counts 0 and 1 as singular."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{count}{NBSP}{word}"


_WORDS = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
)


def in_words(count: int, feminine: bool = False) -> str:
    """A small count as French prose writes it: ``in_words(1, feminine=True)`` → « une »,
    ``in_words(4)`` → « quatre »; from 17 up, digits (« 25 »), as the Imprimerie nationale
    keeps them for larger numbers."""
    if 0 <= count < len(_WORDS):
        return "une" if count == 1 and feminine else _WORDS[count]
    return str(count)


def counted(
    count: int, singular: str, plural_form: str | None = None, feminine: bool = False
) -> str:
    """``counted(1, "demi-journée", feminine=True)`` → « une demi-journée »; ``counted(4,
    "modèle")`` → « quatre modèles »: a count in words with its noun agreed."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{in_words(count, feminine)}{NBSP if count >= len(_WORDS) else ' '}{word}"


_ELIDED = "aeiouyéèêëàâîïôöûüœæh"


def of_name(name: str) -> str:
    """« de » before a name, elided before a vowel or a mute h: « d'Exemple », « de Breizh »."""
    first = name.strip()[:1].lower()
    return f"d'{name.strip()}" if first and first in _ELIDED else f"de {name.strip()}"
