"""A clause text made ready to render, once per process and wording.

Compiling a clause with Jinja (lexing, parsing, generating and compiling Python) costs far more
than rendering it, and a cold ``webpass generer`` compiles some eighty. Most clauses are plain
Markdown, or Markdown with fields such as ``{{ delai }}`` or ``{{ collectivite.nom }}`` and
nothing else: those are cut into text and fields here, and each field is looked up and printed
through the sandboxed clause environment itself (its attribute lookup, its ``StrictUndefined``,
its ``finalize``), exactly as the code Jinja would generate does. Every other text (filters,
conditions, loops, whitespace control, anything unusual) is compiled by Jinja in the sandbox.
A test renders every shipped clause, and generated texts, both ways and compares.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jinja2 import TemplateError
from jinja2.utils import missing

from webpass.core.frozen_record import frozen_record
from webpass.untrusted.clause_tree import ClauseTree, clause_tree, tree_data, tree_from_data
from webpass.untrusted.sandbox import clause_environment

__all__ = ["Substitutions", "clause_template", "remember_trees", "trees_to_keep"]

# Where Jinja's lexer starts a tag, a field or a comment.
_OPENING = re.compile(r"\{[{%#]")
# A field naming a value or one attribute of it, maybe through one filter, in the spelling Jinja
# reads as exactly that.
_FIELD = re.compile(
    r"\{\{ *([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?"
    r"(?: *\| *([A-Za-z_][A-Za-z0-9_]*))? *\}\}"
)
# webpass's own filters: plain functions of the value, which Jinja's generated code calls as
# they are (no context, no environment passed).
_PLAIN_FILTERS = frozenset({"montant", "nombre", "date_fr"})
# Jinja reads these as constants or operators, not as names.
_NOT_NAMES = frozenset(
    {"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if"}
)
# Jinja's newline handling (lexer.newline_re): every line break becomes "\n", and one trailing
# newline is dropped (keep_trailing_newline=False).
_NEWLINE = re.compile(r"(\r\n|\r|\n)")

# Trees Jinja made of clauses when their catalogue was checked, as data, by clause text: given
# by the catalogue's cache (remember_trees), so a process that found its catalogue there does not
# ask Jinja to parse its clauses again. Bounded: a long-lived process may see several catalogues.
_KEPT_TREES: dict[str, Any] = {}
_MAX_KEPT_TREES = 20_000

# A field: the value's name, the attribute read from it, the filter applied to it.
_Field = tuple[str, str | None, str | None]


@frozen_record
class Substitutions:
    """A clause of text and fields only, rendered without compiling a template.

    ``parts``: text, then the field that follows it as ``(name, attribute or None, filter or
    None)``, or ``None`` after the last text.
    """

    parts: tuple[tuple[str, _Field | None], ...]

    def generate(self, context: dict[str, Any]) -> Iterator[str]:
        """The chunks of the rendered text, as ``jinja2.Template.generate`` yields them."""
        env = clause_environment()
        finalize = env.finalize or str  # the clause environment always sets one
        for text, field in self.parts:
            if text:
                yield text
            if field is None:
                continue
            name, attribute, filter_name = field
            # Jinja's lookup: the render's values, then the environment's globals.
            value = context[name] if name in context else env.globals.get(name, missing)
            if value is missing:
                value = env.undefined(name=name)
            if attribute is not None:
                value = env.getattr(value, attribute)
            if filter_name is not None:
                value = env.filters[filter_name](value)
            yield str(finalize(value))


@functools.lru_cache(maxsize=4096)
def clause_template(source: str) -> Any:
    """The clause ready to render: :class:`Substitutions` when it allows, else a
    :class:`~webpass.untrusted.clause_tree.ClauseTree` when it allows, else a Jinja template.

    Either way it has ``generate(context)``, which :func:`~webpass.untrusted.sandbox.render_bounded`
    drives. Raises Jinja's ``TemplateSyntaxError`` for a text that does not parse.
    """
    substitutions = _substitutions(source)
    if substitutions is not None:
        return substitutions
    kept = _KEPT_TREES.get(source)
    tree = tree_from_data(kept) if kept is not None else None
    if tree is None:
        tree = clause_tree(source)
    if tree is not None:
        return tree
    return clause_environment().from_string(source)


def trees_to_keep(texts: Iterable[str]) -> dict[str, list[Any]]:
    """The clauses among ``texts`` rendered from a tree, with their tree as data (for a cache).

    Any text may be given (every text of a catalogue file): those that are not such clauses,
    or do not parse, are left out.
    """
    kept: dict[str, list[Any]] = {}
    for text in texts:
        if "{" not in text or text in kept:
            continue
        try:
            made = clause_template(text)
        except TemplateError:
            continue
        if isinstance(made, ClauseTree):
            kept[text] = tree_data(made)
    return kept


def remember_trees(trees: Mapping[str, Any]) -> None:
    """Trees of :func:`trees_to_keep`, read back from a cache: used instead of parsing again."""
    if len(_KEPT_TREES) + len(trees) > _MAX_KEPT_TREES:
        _KEPT_TREES.clear()
    _KEPT_TREES.update(trees)


def _substitutions(source: str) -> Substitutions | None:
    lines = _NEWLINE.split(source)[::2]
    if lines[-1] == "":
        del lines[-1]
    text = "\n".join(lines)
    parts: list[tuple[str, _Field | None]] = []
    position = 0
    while True:
        opening = _OPENING.search(text, position)
        if opening is None:
            parts.append((text[position:], None))
            return Substitutions(tuple(parts))
        field = _FIELD.match(text, opening.start())
        if field is None:
            return None
        name, attribute, filter_name = field.groups()
        if name in _NOT_NAMES or attribute in _NOT_NAMES:
            return None
        if filter_name is not None and filter_name not in _PLAIN_FILTERS:
            return None
        parts.append((text[position : opening.start()], (name, attribute, filter_name)))
        position = field.end()
