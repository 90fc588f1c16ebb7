"""Distinct entries (webpass.core.distinct): the first value met twice, or None."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webpass.core.distinct import first_repeated


def test_examples() -> None:
    assert first_repeated([]) is None
    assert first_repeated(["N1-01", "N1-02"]) is None
    assert first_repeated(["a", "b", "c", "b", "a"]) == "b"  # « b » comes back first
    assert first_repeated(iter([3, 1, 3])) == 3  # any iterable, read once


@given(st.lists(st.integers(min_value=0, max_value=20)))
def test_the_first_value_to_come_back(values: list[int]) -> None:
    found = first_repeated(values)
    if found is None:
        assert len(set(values)) == len(values)
        return
    second = next(i for i, v in enumerate(values) if v == found and values[:i].count(v) == 1)
    before = values[:second]
    assert len(set(before)) == len(before)  # nothing repeats before it comes back
    assert found in before
