"""The texts of the sheets webpass writes, as UTF-8 characters rather than character references.

openpyxl serialises each worksheet in ASCII, so every accented letter of a requirement becomes
a reference such as ``&#233;`` (about 3 500 in a grid of a hundred requirements). Excel and
LibreOffice write the characters themselves, in UTF-8. The references cost every reader: the
reading of a bidder's grid by calamine was a quarter slower on them, and the archive checks scan
the longer parts. Rewritten here, the sheets hold the same texts in the encoding spreadsheets
use themselves.

Only references to characters that mean the same written literally are rewritten: control
characters (tabulation, line ends, which an XML parser normalises when written literally, and
C1), markup characters and anything a parser would refuse stay references.
"""

from __future__ import annotations

import re

__all__ = ["literal_characters", "literal_sheet_text"]

_REFERENCE = re.compile(rb"&#([0-9]{1,7});")
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def literal_characters(xml: bytes) -> bytes:
    """``xml`` (UTF-8) with its decimal character references written as characters where harmless."""
    return _REFERENCE.sub(_literal, xml)


def literal_sheet_text(name: str, content: bytes) -> bytes:
    """``content`` with literal characters if ``name`` is a worksheet, else unchanged."""
    return literal_characters(content) if _SHEET.fullmatch(name) else content


def _literal(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1))
    if code < 0xA0 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF:
        # Controls, ASCII (openpyxl only references ASCII markup: < > & " '), C1, and what
        # XML forbids: left as written.
        return match.group(0)
    return chr(code).encode("utf-8")
