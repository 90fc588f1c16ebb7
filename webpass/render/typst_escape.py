"""The one way a value enters Typst source: as a string literal, never as markup.

Typst markup gives meaning to a long list of characters (``# * _ $ @ < > [ ] \\ ` ~ =``, ``--``,
``...``, ``//``, URLs…), and a ``#`` starts code that could ``#read`` or ``#include`` files.
Escaping markup character by character is fragile and loses text (``--`` would become a dash).
A string literal has only two special characters, the backslash and the double quote, so every
dossier, catalogue or bidder value is written as ``"…"`` with those escaped, and control or
direction-changing characters written as ``\\u{…}`` so the generated source stays readable.
The generated source inserts these literals where content is expected (``#wp-par("…")``): a
string is shown as text, whatever it contains.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["typst_string"]

# Characters that reorder or hide text (bidi controls, zero-width joiners are kept: they belong
# to scripts); written as escapes so a reviewer of the source sees them.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape_char(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == '"':
        return '\\"'
    category = unicodedata.category(char)
    if category == "Cs":
        # A lone surrogate is no character at all; Typst (like UTF-8) cannot hold it.
        return "\\u{fffd}"
    if char in _BIDI or category in ("Cc", "Co", "Cn", "Zl", "Zp"):
        return f"\\u{{{ord(char):x}}}"
    return char


# Characters that never need an escape (printable ASCII but the backslash and the quote, Latin-1
# and Latin Extended-A, the general punctuation short of its line separator and direction
# controls, the no-break spaces, the euro sign): a text made only of them, as French prose is,
# is written as it is without looking at each character. A test checks each one against
# _escape_char.
_PLAIN = re.compile(r"[ !#-\[\]-~\u00a0-\u017f\u2010-\u2027\u202f-\u205e\u20ac]*")


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal that shows exactly ``text``.

    >>> typst_string('#read("/etc/passwd")')
    '"#read(\\\\"/etc/passwd\\\\")"'
    """
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return '"' + "".join(_escape_char(char) for char in text) + '"'
