"""Loose matching of what people type against known names: case, accents and spacing ignored."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold"]

_NON_WORD = re.compile(r"[\s\u00a0\u202f_’'\-]+")
# Combining marks left by NFKD decomposition (accents, cedillas); a regex is ~20× faster than
# testing unicodedata.combining() character by character on clause-length texts.
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """``"  Vitrine ENRICHIE "`` → ``"vitrine enrichie"``; ``"Coopératif"`` → ``"cooperatif"``."""
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", bare.casefold()).strip()
