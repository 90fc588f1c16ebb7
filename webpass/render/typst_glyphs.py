"""Characters the embedded fonts cannot draw, replaced before they reach Typst.

A PDF/UA or PDF/A file may not hold a character without a glyph, and Typst refuses to write one:
a collectivity name or a clause with a character DejaVu Sans lacks (an emoji, a rare script)
would make the whole PDF fail. Such a character is shown as « � » instead, as a browser shows a
missing glyph; every other character is left as it is. The fonts' character maps are read only
when a text holds a character outside the ranges DejaVu Sans is known to cover in its four faces
(Latin, general punctuation, the euro sign), which French documents almost never do.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

__all__ = ["REPLACEMENT", "drawable"]

REPLACEMENT = "\ufffd"
_OUTSIDE_KNOWN = re.compile("[^\x00-\u024f\u2000-\u206f\u20ac]")
FACES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
)


@cache
def _coverage(fonts: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] | None = None
    for face in FACES:
        cmap = set(TTFont(fonts / face, lazy=True)["cmap"].getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def _drawn(char: str, covered: frozenset[int]) -> str:
    # Controls and invisible format characters need no glyph; Typst lays them out as such.
    if ord(char) in covered or unicodedata.category(char) in ("Cc", "Cf"):
        return char
    return REPLACEMENT


def drawable(text: str, fonts: Path) -> str:
    """``text`` with every character the faces in ``fonts`` cannot draw replaced by « � »."""
    if _OUTSIDE_KNOWN.search(text) is None:
        return text
    covered = _coverage(fonts)
    return "".join(_drawn(char, covered) if ord(char) > 0x24F else char for char in text)
