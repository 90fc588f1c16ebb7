"""The fields the wizards ask: a placeholder key shared by several items is one value.

The dossier reads a value entered under any item for every item that has a field of that name
(:func:`webpass.dossier.answers.shared_value`). Both wizards therefore ask such a key once, at the
first retained item that uses it, and store it once, under that item. A copy of the same value
under another item is folded into it; two different values are a conflict the person resolves,
never one the wizard settles by dropping what was typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from webpass.catalog.model import Item, Parameter
from webpass.core.frozen_record import frozen_record
from webpass.dossier.answer_parsers import show
from webpass.dossier.answers import shared_entry

__all__ = [
    "ValueField",
    "conflict_text",
    "current_value",
    "entered",
    "fold",
    "store",
    "value_fields",
]

Values = Mapping[str, Mapping[str, Any]]


@frozen_record
class ValueField:
    """One value to ask: a parameter key and the retained items it serves, in document order."""

    key: str
    uses: tuple[tuple[str, Parameter], ...]

    @property
    def owner(self) -> str:
        """The item the value is asked at and stored under: the first that uses it."""
        return self.uses[0][0]

    @property
    def parameter(self) -> Parameter:
        """The definition shown (the catalogue check keeps the definitions identical)."""
        return self.uses[0][1]

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every retained item the value serves."""
        return tuple(item_id for item_id, _ in self.uses)

    @property
    def served(self) -> str:
        """« A03, L01 »: the items the value serves, for a label."""
        return ", ".join(self.item_ids)

    def is_default(self, value: Any) -> bool:
        """Whether ``value`` is what every item proposes anyway (then it need not be written)."""
        return all(p.default is not None and show(p.default) == show(value) for _, p in self.uses)


def value_fields(items: Iterable[Item]) -> list[ValueField]:
    """The values to ask for ``items`` (retained, in document order), one per parameter key."""
    uses: dict[str, list[tuple[str, Parameter]]] = {}
    for item in items:
        for parameter in item.parameters:
            uses.setdefault(parameter.key, []).append((item.id, parameter))
    return [ValueField(key, tuple(found)) for key, found in uses.items()]


def entered(values: Values, key: str) -> dict[str, Any]:
    """The values already entered for ``key``, by item (retained or not: all are read)."""
    return {item_id: given[key] for item_id, given in values.items() if key in given}


def current_value(values: Values, field: ValueField) -> Any:
    """What the documents use now: the owner's value, else the one entered under another item
    (as :func:`~webpass.dossier.answers.parameter_values` reads it), else the proposal."""
    own = values.get(field.owner) or {}
    if field.key in own:
        return own[field.key]
    found = shared_entry(values, field.key)
    return field.parameter.default if found is None else found


def conflict_text(values: Values, field: ValueField) -> str | None:
    """« A03 : 35 ; L01 : 40 » when different values were entered for the field, else None."""
    given = entered(values, field.key)
    if len({show(v) for v in given.values()}) < 2:
        return None
    return " ; ".join(f"{item_id} : {show(v)}" for item_id, v in sorted(given.items()))


def fold(values: MutableMapping[str, dict[str, Any]], field: ValueField) -> None:
    """Keep a value the person did not change under the field's owner only.

    Nothing is done on a conflict (the person must choose) and a value equal to the proposal
    stays written: it was entered, and the proposal may change with the catalogue.
    """
    given = entered(values, field.key)
    if not given or set(given) == {field.owner} or conflict_text(values, field):
        return
    value = current_value(values, field)
    for item_id in given:
        del values[item_id][field.key]
        if not values[item_id]:
            del values[item_id]
    values.setdefault(field.owner, {})[field.key] = value


def store(values: MutableMapping[str, dict[str, Any]], field: ValueField, value: Any) -> None:
    """Write the value the person answered once, under the field's owner, and fold the other
    copies into it; the proposal itself is not written.

    The caller asks the person to choose before calling this when :func:`conflict_text` reports
    a conflict, so what is removed here is either a copy of the value kept or one the person
    saw and replaced.
    """
    for item_id in list(entered(values, field.key)):
        del values[item_id][field.key]
        if not values[item_id]:
            del values[item_id]
    if not field.is_default(value):
        values.setdefault(field.owner, {})[field.key] = value
