"""Form fields of the web wizard: the typed text, its parser and the French error beside it.

Each field is read with the same parser as the terminal wizard (:mod:`webpass.dossier.answer_parsers`);
what the answers model or the catalogue then refuses comes back as located problems, whose dotted
path (``collectivite.population``) is matched to the field that holds that answer (never by the
words of the message), so every error shows next to its field and in the summary at the top of
the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from webpass.core.errors import Problem
from webpass.core.frozen_record import frozen_record

__all__ = ["Choice", "Field", "Form", "sentence"]


def sentence(text: str) -> str:
    """A parser's reason as a sentence: capital first letter, final full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


@frozen_record
class Choice:
    """One option of a radio group, a select or a checkbox list."""

    value: str
    label: str
    hint: str = ""


@dataclass
class Field:
    """A form field and what the person typed in it.

    Attributes:
        name: the form name; the element's id is ``champ-`` + name.
        label: the visible label (the legend for a radio group).
        kind: ``text``, ``textarea``, ``radio``, ``select``, ``checkbox`` or ``file``.
        value: the text as typed (``"1"`` for a ticked checkbox).
        hint: help shown under the label, linked with aria-describedby.
        choices: the options of a radio group or a select.
        required: shown as « obligatoire » (the check itself is the parser's).
        width: a CSS width class for short answers (``court``, ``moyen``).
        inputmode / autocomplete: passed to the input as is.
        error: the French error shown beside the field.
    """

    name: str
    label: str
    kind: str = "text"
    value: str = ""
    hint: str = ""
    choices: list[Choice] = field(default_factory=list)
    required: bool = False
    width: str = ""
    inputmode: str = ""
    autocomplete: str = ""
    accept: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        """The element id (the first radio's for a group)."""
        return f"champ-{self.name}"

    @property
    def anchor(self) -> str:
        """Where the error summary's link leads: the input itself, or the first radio."""
        return f"{self.id}-1" if self.kind == "radio" else self.id

    @property
    def describedby(self) -> str:
        """The ids of the hint and the error, for aria-describedby."""
        ids = []
        if self.hint:
            ids.append(f"{self.id}-aide")
        if self.error:
            ids.append(f"{self.id}-erreur")
        return " ".join(ids)


@dataclass
class Form:
    """An ordered set of fields and the errors that belong to none of them."""

    fields: dict[str, Field] = field(default_factory=dict)
    general_errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, *fields: Field) -> None:
        """Add fields at the end."""
        for item in fields:
            self.fields[item.name] = item

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def bind(self, data: Mapping[str, str]) -> None:
        """Take the posted values (a missing checkbox or radio is empty)."""
        for item in self.fields.values():
            if item.kind == "file":
                continue
            raw = data.get(item.name, "")
            item.value = raw if isinstance(raw, str) else ""

    def fill(self, values: Mapping[str, str]) -> None:
        """Set initial values (those of the dossier, or the proposed defaults)."""
        for name, raw in values.items():
            if name in self.fields:
                self.fields[name].value = raw

    def parse(self, name: str, parser: Callable[[str], Any]) -> Any:
        """The field's value through ``parser``; on a refusal, the reason becomes its error."""
        item = self.fields[name]
        try:
            return parser(item.value.strip())
        except ValueError as error:
            self.error(name, str(error))
            return None

    def error(self, name: str, message: str) -> None:
        """Put an error on a field (the first one stays when there are several)."""
        item = self.fields[name]
        if not item.error:
            item.error = sentence(message)

    def general(self, message: str, anchor: str = "contenu") -> None:
        """An error that is no field's, with where its summary link should lead."""
        self.general_errors.append((sentence(message), anchor))

    @property
    def has_errors(self) -> bool:
        """Whether anything was refused."""
        return bool(self.general_errors) or any(f.error for f in self.fields.values())

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(link target, text) of every error, in page order, for the summary at the top."""
        out = [(f"#{f.anchor}", f"{f.label} — {f.error}") for f in self.fields.values() if f.error]
        out += [(f"#{anchor}", message) for message, anchor in self.general_errors]
        return out

    def place(self, problems: Iterable[Problem], paths: Mapping[str, str]) -> None:
        """Show each problem of the answers beside the field that holds the answer at fault.

        Args:
            problems: problems from the answers model or the catalogue check; each carries the
                dotted path of the answer at fault (``collectivite.population``).
            paths: dotted answer path → field name (the questionnaire's keys); a problem whose
                path starts with a known one (``options.exclues[0].id``) goes to that field, any
                other is a general error listed at the top of the page.
        """
        ordered = sorted(paths.items(), key=lambda pair: -len(pair[0]))
        for problem in problems:
            target = next(
                (
                    name
                    for path, name in ordered
                    if problem.where == path or problem.where.startswith((path + ".", path + "["))
                ),
                None,
            )
            if target is not None and target in self.fields:
                self.error(target, problem.message)
            else:
                self.general(problem.message)
