"""Default factories of the models' empty collections, written in Python on purpose.

Pydantic reads the signature of every ``default_factory`` when it builds a model, to know whether
the factory takes the validated data. For a builtin such as ``list`` or ``dict`` that means parsing
its text signature (a third of a millisecond each); for a Python function it is nearly free. With
some forty empty-list fields on the models ``webpass generer`` builds, that was 10–20 ms of every
command's start-up (issue 24).
"""

from __future__ import annotations

from typing import Any

__all__ = ["empty_dict", "empty_list"]


def empty_list() -> list[Any]:
    """A new empty list (for ``Field(default_factory=...)``)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict (for ``Field(default_factory=...)``)."""
    return {}
