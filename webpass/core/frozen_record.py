"""Immutable records: frozen dataclasses whose immutability the type checker guards.

``@dataclass(frozen=True)`` adds to each class a ``__setattr__`` and a ``__delattr__`` that refuse
assignment at run time. Like every method a dataclass generates, each is written as source and
compiled by ``exec`` when the class is created: with the ``__hash__`` frozen brings, 1.5 of the
3.9 million instructions a five-field frozen dataclass costs to create (callgrind, Python 3.11),
paid for some sixty classes at the start of every ``webpass`` command (issue 24).

:func:`frozen_record` makes the same dataclass (the same ``__init__``, ``__repr__``, ``__eq__``,
field-based ``__hash__``, ordering when asked) without the run-time guard, and declares it frozen
to mypy (``dataclass_transform(frozen_default=True)``), which refuses every assignment to a field
in webpass's code (``mypy --strict`` runs on all of it). Nothing relies on the run-time refusal:
no code catches it, no test provokes it. ``__post_init__`` methods keep setting derived fields
through ``object.__setattr__``, as a frozen dataclass requires.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["frozen_record"]

T = TypeVar("T")


@overload
def frozen_record(cls: type[T], /) -> type[T]: ...


@overload
def frozen_record(*, order: bool = False, slots: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen_record(
    cls: type[T] | None = None, /, *, order: bool = False, slots: bool = False
) -> Any:
    """``@dataclass(frozen=True)`` for the type checker, without the run-time guard (see above).

    Its hash is the frozen dataclass's (from the fields), unless the class writes its own.
    """

    def make(target: type[T]) -> type[T]:
        return dataclasses.dataclass(
            target, unsafe_hash="__hash__" not in target.__dict__, order=order, slots=slots
        )

    return make if cls is None else make(cls)
