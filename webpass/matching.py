"""Loose matching of what people type against known names: case, accents and spacing ignored."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold"]

_NON_WORD = re.compile(r"[\s\u00a0\u202f_’'\-]+")


def fold(text: str) -> str:
    """``"  Vitrine ENRICHIE "`` → ``"vitrine enrichie"``; ``"Coopératif"`` → ``"cooperatif"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare.casefold()).strip()
