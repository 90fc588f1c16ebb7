"""``frozen_record`` gives the classes what ``@dataclass(frozen=True)`` gave them, but the guard."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

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
