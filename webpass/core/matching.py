"""Loose matching of what people type against known names: case, accents and spacing ignored."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold"]

_NON_WORD = re.compile(r"[\s\u00a0\u202f_’'\-]+")
# Combining marks left by NFKD decomposition (accents, cedillas); a regex is ~20× faster than
# testing unicodedata.combining() character by character on clause-length texts.
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# Short texts (labels, headers, cell values, answers) come back again and again: each row of a
# grid, each grid of a batch. Long ones (clause texts) rarely do and would only crowd the cache.
_CACHED_CHARS = 80


def fold(text: str) -> str:
    """``"  Vitrine ENRICHIE "`` → ``"vitrine enrichie"``; ``"Coopératif"`` → ``"cooperatif"``."""
    if len(text) <= _CACHED_CHARS:
        return _fold_short(text)
    return _fold(text)


@functools.lru_cache(maxsize=8192)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    bare = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", bare.casefold()).strip()
