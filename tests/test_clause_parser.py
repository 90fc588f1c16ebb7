"""The clause reader builds Jinja's own parse tree, or leaves the text to Jinja."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError

from webpass.catalog import load_shipped_catalog
from webpass.untrusted.clause_parser import parse_clause
from webpass.untrusted.sandbox import clause_environment


def _shipped_texts() -> list[str]:
    texts = []
    for item in load_shipped_catalog().items:
        texts += [item.clause, item.need or ""]
        texts += [variant.clause for variant in item.proportion if variant.clause]
    return texts


def _same_as_jinja(text: str) -> None:
    body = parse_clause(text)
    if body is None:
        return
    # Whatever the reader accepts, Jinja parses, into equal nodes (node equality is by field).
    assert body == clause_environment().parse(text).body, text


def test_every_shipped_clause_is_read_into_jinjas_tree() -> None:
    for text in _shipped_texts():
        assert parse_clause(text) is not None, text
        _same_as_jinja(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "a\r\nb\rc\n",
        "a\n\n",
        "{{ x }}",
        "a  {{- x -}}  \n b",
        "a {%- if x -%}\n b \n{%- else -%} c {%- endif %}\n",
        "{{-1}}",
        "{{ x-1 }}",
        "{{ x -1 }}",
        "{{ 'a' 'b' \"c\" }}",
        "{{ 'é😀\u2028\n' }}",
        "{{ x | f('a', 2,) }}",
        "{{ x | f() | g }}",
        "{{ (a + b) | f }}",
        "{{ a + b | f }}",
        "{{ a - b + c }}",
        "{{ not a | f }}",
        "{{ not not a }}",
        "{{ a not in b }}",
        "{{ not a in b }}",
        "{{ a or b and c }}",
        "{{ a and b or not c }}",
        "{{ a if b else c if d else e }}",
        "{{ (a if b else c) }}",
        "{% if (a if b else c) %}x{% endif %}",
        "{% if a %}1{% elif b %}2{% elif c %}3{% else %}4{% endif %}",
        "{% if a %}{% if b %}x{% endif %}{% endif %}",
        "{{ true }}{{ False }}{{ none }}{{ None }}",
        "{{ x.if }}",
        "{{ a == b }}{{ a != b }}{{ a >= b }}{{ a <= b }}{{ a > b }}{{ a < b }}",
        "{{ a < b < c }}",
        "{{ 0 }}{{ 10 }}",
        "{{ x.y.z | f(1) }}",
    ],
)
def test_the_subset_is_read_into_jinjas_tree(text: str) -> None:
    assert parse_clause(text) is not None
    _same_as_jinja(text)


@pytest.mark.parametrize(
    "text",
    [
        "{% if a if b else c %}x{% endif %}",
        "{{ x }",
        "{% if x %}",
        "{% endif %}",
        "{% if x %}{% else %}{% else %}{% endif %}",
        "{% if x %}{% endif y %}",
        "{{ }}",
        "{{ x y }}",
    ],
)
def test_edge_cases_are_jinjas_or_left_to_it(text: str) -> None:
    _same_as_jinja(text)


@pytest.mark.parametrize(
    "text",
    [
        "{# note #}",
        "{%+ if x %}a{% endif %}",
        "{{+ x }}",
        "{% raw %}{{ x }}{% endraw %}",
        "{% for x in y %}{{ x }}{% endfor %}",
        "{{ x * 2 }}",
        "{{ x ~ y }}",
        "{{ x[0] }}",
        "{{ x.0 }}",
        "{{ f() }}",
        "{{ -x }}",
        "{{ 1.5 }}",
        "{{ 1_000 }}",
        "{{ 01 }}",
        "{{ 0x1f }}",
        "{{ 'a\\'b' }}",
        "{{ x | f(y=1) }}",
        "{{ x | a.b }}",
        "{{ x is defined }}",
        "{{ (a, b) }}",
        "{{ () }}",
        "{{ x if y }}",
        "{{ nom_é }}",
        "{{ if }}",
        "{{ x }",
        "{% if x %}a",
        "{% else %}",
        "{% endif %}",
    ],
)
def test_anything_outside_the_subset_is_left_to_jinja(text: str) -> None:
    assert parse_clause(text) is None


_WORDS = st.sampled_from(
    [
        "x",
        "x.y",
        "n",
        "'a'",
        '"b"',
        "'é'",
        "1",
        "0",
        "12",
        "true",
        "none",
        "(x)",
        "not",
        "and",
        "or",
        "in",
        "not in",
        "if",
        "else",
        "==",
        ">=",
        "<",
        "!=",
        "+",
        "-",
        "|",
        "nombre",
        "en_lettres('f')",
        "upper()",
        "(",
        ")",
        ",",
        ".",
        "is",
        "*",
        "~",
        "[0]",
        "1.5",
        "é",
    ]
)


_OPERANDS = st.sampled_from(["x", "x.y", "n", "'a'", '"b é"', "1", "0", "true", "none"])
_BINARY = st.sampled_from(["and", "or", "==", ">=", "<", "!=", "+", "-", "in", "not in"])
_FILTERS = st.sampled_from(["", " | nombre", " | en_lettres('f')", " | f(1, 'a',) | g"])


@st.composite
def _well_formed(draw: st.DrawFn, depth: int = 0) -> str:
    """An expression of the subset: operands, operators, not, parentheses, filters, if-else."""
    operand = draw(_OPERANDS) if depth > 1 or draw(st.booleans()) else None
    if operand is None:
        operand = f"({draw(_well_formed(depth + 1))})"
    text = ("not " if draw(st.booleans()) else "") + operand + draw(_FILTERS)
    for _ in range(draw(st.integers(0, 2))):
        text += f" {draw(_BINARY)} {draw(_OPERANDS)}{draw(_FILTERS)}"
    if depth == 0 and draw(st.integers(0, 3)) == 0:
        text += f" if {draw(_OPERANDS)} else {draw(_OPERANDS)}"
    return text


@st.composite
def _expressions(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(_well_formed())
    return " ".join(draw(st.lists(_WORDS, min_size=1, max_size=7)))


_SPACES = st.sampled_from(["", " ", "  ", "\n", " \n\t"])


@st.composite
def _clauses(draw: st.DrawFn) -> str:
    """Texts, fields and if-blocks of random expressions, with or without "-" and spaces."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        left, right = draw(st.sampled_from(["", "-"])), draw(st.sampled_from(["", "-"]))
        space = draw(_SPACES)
        choice = draw(st.integers(0, 7))
        if choice < 3:
            parts.append(draw(st.sampled_from(["a", " b ", "\n", "\r\n", "{", "}", "%", "é"])))
        elif choice < 5:
            parts.append(f"{{{{{left}{space}{draw(_expressions())}{space}{right}}}}}")
        else:
            word = draw(st.sampled_from(["if", "elif", "else", "endif"]))
            test = draw(_expressions()) if word in ("if", "elif") else ""
            parts.append(f"{{%{left}{space}{word} {test}{space}{right}%}}")
    return "".join(parts)


@settings(max_examples=1500, deadline=None)
@given(_clauses())
@example("{% if x %}a{% elif n >= 1 %}b{% else %}c{% endif %}")
def test_generated_clauses_are_read_as_jinja_reads_them(text: str) -> None:
    body = parse_clause(text)
    try:
        expected = clause_environment().parse(text).body
    except TemplateSyntaxError:
        assert body is None, text  # never a tree for a text Jinja refuses
        return
    assert body is None or body == expected, text
