"""``frozen_record`` gives the classes what ``@dataclass(frozen=True)`` gave them, but the guard."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webpass.collectivities.reference import Commune
from webpass.core.errors import Problem
from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import Run
from webpass.documents.facts import FactRun


@frozen_record
class _Pair:
    name: str
    values: tuple[int, ...] = dataclasses.field(default=())


@dataclasses.dataclass(frozen=True)
class _FrozenPair:
    name: str
    values: tuple[int, ...] = dataclasses.field(default=())


@frozen_record
class _OwnHash:
    name: str

    def __hash__(self) -> int:
        return 7


@frozen_record(order=True)
class _Ordered:
    rank: int
    name: str


def test_same_methods_as_a_frozen_dataclass() -> None:
    mine, theirs = _Pair("a", (1, 2)), _FrozenPair("a", (1, 2))
    assert mine == _Pair("a", (1, 2)) and mine != _Pair("a", (2,))
    assert mine != theirs  # another class, as between two dataclasses
    assert hash(mine) == hash(theirs) == hash(("a", (1, 2)))
    assert repr(mine).removeprefix("_Pair") == repr(theirs).removeprefix("_FrozenPair")
    assert dataclasses.fields(mine) == dataclasses.fields(_Pair)
    assert dataclasses.replace(mine, name="b") == _Pair("b", (1, 2))
    assert dataclasses.asdict(mine) == dataclasses.asdict(theirs)
    assert {mine: 1}[_Pair("a", (1, 2))] == 1


def test_a_hash_the_class_writes_is_kept() -> None:
    assert hash(_OwnHash("x")) == 7


def test_order_when_asked() -> None:
    assert sorted([_Ordered(2, "b"), _Ordered(1, "z")])[0] == _Ordered(1, "z")
    with pytest.raises(TypeError):
        _ = _Pair("a") < _Pair("b")  # type: ignore[operator]


def test_webpass_records_hash_compare_and_pickle() -> None:
    problem = Problem("f.yaml", 3, 1, "message")
    assert problem < Problem("f.yaml", 4, 1, "message")
    commune = Commune("29058", "Fouesnant", "29", None, 10_000, ("29170",), 1)
    for value in (problem, commune, Run("texte"), FactRun("texte")):
        assert hash(value) == hash(dataclasses.replace(value))
        assert pickle.loads(pickle.dumps(value)) == value


_VALUES = st.one_of(
    st.integers(-3, 3),
    st.text(max_size=3),
    st.floats(allow_nan=True),
    st.none(),
    st.tuples(st.integers(0, 2)),
)
_FIELD = st.tuples(st.booleans(), st.booleans(), st.sampled_from([None, True, False]))


def _twins(
    specs: list[tuple[bool, bool, bool | None]], order: bool = False, slots: bool = False
) -> tuple[type[Any], type[Any]]:
    """One class body made by ``frozen_record`` and by ``dataclass(unsafe_hash=True)``."""

    def body() -> type[Any]:
        namespace: dict[str, Any] = {"__annotations__": {}}
        for index, (shown, compared, hashed) in enumerate(specs):
            namespace["__annotations__"][f"f{index}"] = "object"
            namespace[f"f{index}"] = dataclasses.field(repr=shown, compare=compared, hash=hashed)
        return type("Record", (), namespace)

    return (
        frozen_record(order=order, slots=slots)(body()),
        dataclasses.dataclass(body(), unsafe_hash=True, order=order, slots=slots),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_FIELD, max_size=4), st.data())
def test_repr_eq_and_hash_are_the_dataclass_ones(
    specs: list[tuple[bool, bool, bool | None]], data: st.DataObject
) -> None:
    mine, theirs = _twins(specs)
    first = data.draw(st.lists(_VALUES, min_size=len(specs), max_size=len(specs)))
    second = data.draw(
        st.one_of(st.just(first), st.lists(_VALUES, min_size=len(specs), max_size=len(specs)))
    )
    a, b = mine(*first), mine(*second)
    x, y = theirs(*first), theirs(*second)
    assert repr(a) == repr(x)
    assert (a == b) == (x == y) and (a != b) == (x != y)
    assert (a == "autre") == (x == "autre")
    assert hash(a) == hash(x)


def test_a_record_that_holds_itself_is_shown_as_a_dataclass_shows_it() -> None:
    mine, theirs = _twins([(True, True, None)])
    loop, other = mine([]), theirs([])
    loop.f0.append(loop)
    other.f0.append(other)
    assert repr(loop) == repr(other) == "Record(f0=[...])"


def _outcome(compare: Any, left: object, right: object) -> object:
    try:
        return compare(left, right)
    except TypeError:
        return TypeError


@settings(max_examples=300, deadline=None)
@given(st.lists(_FIELD, max_size=4), st.booleans(), st.data())
def test_order_and_slots_are_the_dataclass_ones(
    specs: list[tuple[bool, bool, bool | None]], slots: bool, data: st.DataObject
) -> None:
    import operator

    mine, theirs = _twins(specs, order=True, slots=slots)
    first = data.draw(st.lists(_VALUES, min_size=len(specs), max_size=len(specs)))
    second = data.draw(
        st.one_of(st.just(first), st.lists(_VALUES, min_size=len(specs), max_size=len(specs)))
    )
    a, b = mine(*first), mine(*second)
    x, y = theirs(*first), theirs(*second)
    for compare in (operator.lt, operator.le, operator.gt, operator.ge):
        assert _outcome(compare, a, b) == _outcome(compare, x, y)
        assert _outcome(compare, a, "autre") == _outcome(compare, x, "autre")
    assert repr(a) == repr(x) and (a == b) == (x == y) and hash(a) == hash(x)
    assert hasattr(a, "__dict__") == hasattr(x, "__dict__")
