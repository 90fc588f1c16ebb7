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

Of the methods left, only ``__init__`` needs to be written for each class (its signature is the
class's own). ``__repr__``, ``__eq__`` and ``__hash__`` do the same thing for every class over its
field names: they are made here from those names (:mod:`operator`'s ``attrgetter``), which costs
a tenth of compiling three more functions per class; what they return is what the dataclass's
return, field by field (a test compares both on generated classes and values). So are the four
comparisons ``order=True`` asks for; ``slots=True`` is passed to :mod:`dataclasses`. A class that
writes one of these methods itself is left to :mod:`dataclasses` whole.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
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
        if not _OWN_METHODS.isdisjoint(target.__dict__) or (
            order and not _ORDER_METHODS.isdisjoint(target.__dict__)
        ):
            return dataclasses.dataclass(
                target, unsafe_hash="__hash__" not in target.__dict__, order=order, slots=slots
            )
        record = dataclasses.dataclass(target, repr=False, eq=False, slots=slots)
        _add_methods(record, order)
        return record

    return make if cls is None else make(cls)


_OWN_METHODS = frozenset({"__repr__", "__eq__", "__hash__"})
_ORDER_METHODS = frozenset({"__lt__", "__le__", "__gt__", "__ge__"})


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """The tuple of these attributes of an object, as a dataclass's methods build it."""
    if len(names) == 1:
        (name,) = names
        return lambda record: (getattr(record, name),)
    if not names:
        return lambda record: ()
    return operator.attrgetter(*names)


def _add_methods(record: type[Any], order: bool) -> None:
    """``__repr__``, ``__eq__`` and ``__hash__`` as ``dataclass(unsafe_hash=True)`` writes them,
    and with ``order`` its ``__lt__``, ``__le__``, ``__gt__`` and ``__ge__``."""
    fields = dataclasses.fields(record)
    shown = tuple(f.name for f in fields if f.repr)
    compared = _values(tuple(f.name for f in fields if f.compare))
    hashed = _values(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    methods: list[Callable[..., Any]] = [__repr__, __eq__, __hash__]
    if order:
        methods += [_ordering(name, compared) for name in ("lt", "le", "gt", "ge")]
    for method in methods:
        method.__qualname__ = f"{record.__qualname__}.{method.__name__}"
        setattr(record, method.__name__, method)


def _ordering(name: str, compared: Callable[[object], tuple[Any, ...]]) -> Callable[..., Any]:
    """The dataclass's ``__lt__`` (or ``le``, ``gt``, ``ge``): the compared fields as tuples."""
    operation = getattr(operator, name)

    def method(self: Any, other: object) -> Any:
        if other.__class__ is self.__class__:
            return operation(compared(self), compared(other))
        return NotImplemented

    method.__name__ = f"__{name}__"
    return method
