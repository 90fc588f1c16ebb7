"""Distinct entries: ids, keys and names that a list must not hold twice.

A model refuses such a list by naming the entry met twice, so the fix is plain
(« critère N3-02 en double »); every model asks the same question through
:func:`first_repeated`, whatever the list holds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

__all__ = ["first_repeated"]

H = TypeVar("H", bound=Hashable)


def first_repeated(values: Iterable[H]) -> H | None:
    """The first value met a second time, or None when every value is distinct."""
    seen: set[H] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None
