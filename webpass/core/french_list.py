"""A list of words as French writes it in a sentence."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["french_list"]


def french_list(words: Sequence[str]) -> str:
    """« a », « a et b », « a, b et c » (``words`` is not empty)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]
