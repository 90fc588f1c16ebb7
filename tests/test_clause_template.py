"""Clauses of text and fields are rendered without Jinja, to exactly what Jinja renders."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import jinja_rendered, rendered, shipped_clause_texts
from webpass.catalog.placeholders import CONTEXT_FIELDS
from webpass.untrusted import clause_template as module
from webpass.untrusted.clause_template import Substitutions, _substitutions, clause_template
from webpass.untrusted.sandbox import clause_environment


def _fast(text: str, context: dict[str, Any]) -> tuple[str, str | None]:
    substitutions = _substitutions(text)
    assert substitutions is not None
    return rendered(lambda: substitutions.generate(context))


def test_every_shipped_clause_of_text_and_fields_renders_as_jinja_renders_it() -> None:
    # Values a clause must print as written: Markdown and HTML characters, line breaks.
    context: dict[str, Any] = {
        group: {name: f"*{name}* <b>_x_</b>\n[l](u)" for name in fields}
        for group, fields in CONTEXT_FIELDS.items()
    }
    texts = shipped_clause_texts()
    fast = [text for text in texts if _substitutions(text) is not None]
    assert len(fast) > len(texts) / 2  # most clauses: the fast path is not dead code
    numbers = {**context, "collectivite": {**context["collectivite"], "population": 1234567}}
    for text in fast:
        fields = [f for _, f in _substitutions(text).parts if f is not None]  # type: ignore[union-attr]
        values = {**context, **{n: f"_{n}_ 1 500 €\r\n#" for n, _, _ in fields if n not in context}}
        assert _fast(text, values) == jinja_rendered(text, values), text
        values = {**numbers, **{n: 1234.5 for n, _, _ in fields if n not in context}}
        assert _fast(text, values) == jinja_rendered(text, values), text


def test_texts_with_more_than_fields_go_tojinja_rendered() -> None:
    for text in [
        "{% if x %}a{% endif %}",
        "{{ x | upper }}",
        "{{ x | nombre(2) }}",
        "{{ x | nombre | montant }}",
        "{{- x }}",
        "{{ x -}}",
        "{# note #}",
        "{{ x.y.z }}",
        "{{ x['y'] }}",
        "{{ true }}",
        "{{{ x }}",
        "{{ x }",
        "{{\nx }}",
    ]:
        assert _substitutions(text) is None, text
    assert not isinstance(clause_template("{% if x %}a{% endif %}"), Substitutions)
    assert isinstance(clause_template("Le titulaire livre {{ livrable }}."), Substitutions)


def test_a_missing_field_fails_as_withjinja_rendered() -> None:
    assert (
        _fast("a {{ absent }}", {})
        == jinja_rendered("a {{ absent }}", {})
        == ("", "UndefinedError")
    )
    assert _fast("{{ x.absent }}", {"x": {}}) == ("", "UndefinedError")
    assert _fast("{{ x._secret }}", {"x": {}}) == jinja_rendered("{{ x._secret }}", {"x": {}})


_PIECES = st.sampled_from(
    [
        "{{ x }}",
        "{{x.y}}",
        "{{ y }}",
        "{{  range }}",
        "{{",
        "}}",
        "{",
        "}",
        "{%",
        "{#",
        "x",
        "y",
        ".",
        " ",
        "-",
        "\n",
        "\r",
        "\r\n",
        "*",
        "_",
        "é",
        "true",
        "items",
        "{{ x.items }}",
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_generated_texts_render_as_jinja_renders_them(text: str) -> None:
    context = {"x": {"y": "*v*\nw", "items": "i", "n": 1500, "d": "2027-01-04"}, "y": 3}
    if _substitutions(text) is None:
        return
    assert _fast(text, context) == jinja_rendered(text, context)


@pytest.mark.parametrize("text", ["", "\n", "a\n", "a\n\n", "a\r\nb\r", "{{ x }}\n"])
def test_line_breaks_and_the_final_newline_followjinja_rendered(text: str) -> None:
    context = {"x": "v"}
    assert _fast(text, context) == jinja_rendered(text, context)


def test_the_filters_read_directly_take_only_the_value() -> None:
    # Jinja's generated code calls a filter marked pass_context / pass_environment with more
    # arguments: the fast path only reads filters that are not.
    filters = clause_environment().filters
    for name in module._PLAIN_FILTERS:
        assert not hasattr(filters[name], "jinja_pass_arg"), name
