"""Clauses with conditions are evaluated from Jinja's tree, to exactly what Jinja renders."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import meta

from tests.conftest import jinja_rendered, rendered, shipped_clause_texts
from webpass.catalog.placeholders import CONTEXT_FIELDS
from webpass.untrusted.clause_template import clause_template
from webpass.untrusted.clause_tree import ClauseTree, clause_tree
from webpass.untrusted.sandbox import clause_environment


def _tree(text: str, context: dict[str, Any]) -> tuple[str, str | None]:
    tree = clause_tree(text)
    assert tree is not None
    return rendered(lambda: tree.generate(context))


# Values that take every branch of the shipped conditions, and text printed as written.
_VALUES: list[Any] = [0, 1, 2, 5, "refonte", "*a* <b>\n_c_", True, None]


def test_every_shipped_clause_with_conditions_renders_as_jinja_renders_it() -> None:
    texts = [text for text in shipped_clause_texts() if clause_tree(text) is not None]
    assert len(texts) > 20  # the common case after fields alone: not dead code
    for text in texts:
        names = meta.find_undeclared_variables(clause_environment().parse(text))
        for value in _VALUES:
            context: dict[str, Any] = {
                name: dict.fromkeys(CONTEXT_FIELDS[name], value)
                if name in CONTEXT_FIELDS
                else value
                for name in names
            }
            if "projet" in context:
                context["projet"]["niveau_vise"] = 4 if value == "refonte" else value
            assert _tree(text, context) == jinja_rendered(text, context), (text, value)


def test_no_shipped_clause_is_compiled() -> None:
    # Every shipped clause is fields alone or a tree: a cold document compiles no Python.
    compiled = [
        text
        for text in shipped_clause_texts()
        if not isinstance(clause_template(text), ClauseTree)
        and type(clause_template(text)).__name__ != "Substitutions"
    ]
    assert compiled == []


@pytest.mark.parametrize(
    "text",
    [
        "{% for x in y %}{{ x }}{% endfor %}",
        "{{ x * 3 }}",
        "{{ x ** 2 }}",
        "{{ '%s' % x }}",
        "{{ x / 2 }}",
        "{{ f() }}",
        "{{ x.y() }}",
        "{{ x['y'] }}",
        "{{ x | join(',') }}",
        "{{ x | truncate(3) }}",
        "{{ x | nombre(y) }}",
        "{{ x | nombre(decimals=2) }}",
        "{{ x | inconnu }}",
        "{{ x if y }}",
        "{% if 1 < x < 3 %}a{% endif %}",
        "{% if x is defined %}a{% endif %}",
        "{% set y = 1 %}{{ y }}",
        "{{ [1, 2] }}",
        "{{ 1.5 }}",
        "{% filter upper %}a{% endfilter %}",
        "{% macro m() %}a{% endmacro %}",
    ],
)
def test_anything_else_is_left_tojinja_rendered(text: str) -> None:
    assert clause_tree(text) is None


def test_the_sandbox_refuses_the_same_attributes() -> None:
    for text in ["{{ x.__class__ }}", "{{ x._secret }}", "{% if x.__class__ %}a{% endif %}"]:
        context = {"x": {"_secret": 1}}
        assert _tree(text, context) == jinja_rendered(text, context), text
    assert _tree("{{ x.__class__ }}", {"x": "a"})[1] is not None


_OUTPUTS = st.sampled_from(
    [
        "a",
        " ",
        "\n",
        "*",
        "{{ x }}",
        "{{ x.n }}",
        "{{ y }}",
        "{{ absent }}",
        "{{ x.n | nombre }}",
        "{{ y | en_lettres('f') | capitalize }}",
        "{{ (y + x.n) | en_lettres }}",
        "{{ 'des' if y > 1 else 'du' }}",
        "{{ y - 1 }}",
        "{{ x.s ~ 'a' }}",
        "{# note #}",
        "{{ true }}",
        "{{ none }}",
        "{% if y %}",
        "{% endif %}",
    ]
)
_CONDITIONS = st.sampled_from(
    ["y > 1", "x.s == 'refonte'", "not x.t and y", "x.t or absent", "'e' in x.s", "y <= 2", "y"]
)
_DASH = st.sampled_from(["", "-"])


@st.composite
def _clauses(draw: st.DrawFn) -> str:
    """Text, fields and conditions, mostly well formed (a stray tag now and then)."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            parts.append(draw(st.lists(_OUTPUTS, max_size=3).map("".join)))
            continue
        dash = draw(_DASH)
        parts.append(f"{{%{dash} if {draw(_CONDITIONS)} {draw(_DASH)}%}}")
        parts.append(draw(st.lists(_OUTPUTS, max_size=2).map("".join)))
        if draw(st.booleans()):
            parts.append(f"{{% elif {draw(_CONDITIONS)} %}}{draw(_OUTPUTS)}")
        if draw(st.booleans()):
            parts.append(f"{{% else {dash}%}}{draw(_OUTPUTS)}")
        parts.append(f"{{%{draw(_DASH)} endif %}}\n")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(
    _clauses(),
    st.sampled_from([0, 1, 2, 3000, "texte"]),
    st.sampled_from(["refonte", "creation", "*x*\n#"]),
)
def test_generated_clauses_render_as_jinja_renders_them(text: str, y: Any, s: str) -> None:
    context = {"x": {"n": 1500, "s": s, "t": False}, "y": y}
    try:
        tree = clause_tree(text)
    except Exception as exc:  # a syntax error is Jinja's own
        assert jinja_rendered(text, context) == ("", type(exc).__name__)
        return
    if tree is not None:
        assert _tree(text, context) == jinja_rendered(text, context)


def test_every_shipped_tree_comes_back_from_its_data_as_jinja_made_it() -> None:
    import json

    from webpass.untrusted.clause_tree import tree_data, tree_from_data

    trees = [tree for text in shipped_clause_texts() if (tree := clause_tree(text)) is not None]
    assert len(trees) > 20
    for tree in trees:
        back = tree_from_data(json.loads(json.dumps(tree_data(tree))))
        assert back is not None
        assert back.body == tree.body  # Jinja's nodes compare field by field


@pytest.mark.parametrize(
    "data",
    [
        "texte",
        [["for", ["name", "x"], [], []]],
        [["out", [["call", ["name", "range"], []]]]],
        [["out", [["const", 1.5]]]],
        [["out", [["const", {"m": []}]]]],
        [["out", [["filter", "attr", ["name", "x"], ["__class__"]]]]],
        [["out", [["compare", "gt", ["name", "a"]]]]],
        [["if", ["name", "a"], [["out", ["b"]]], [], [["set", "x"]]]],
        [["out", [["attr", ["name", "x"], 3]]]],
    ],
)
def test_data_that_is_not_an_accepted_tree_is_refused(data: Any) -> None:
    from webpass.untrusted.clause_tree import tree_from_data

    assert tree_from_data(data) is None


def test_a_kept_tree_is_used_instead_of_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import webpass.untrusted.clause_template as module
    from webpass.untrusted.clause_tree import tree_data

    text = "{% if n > 1 %}des sites{% else %}du site{% endif %} de {{ collectivite.nom }}"
    kept = module.trees_to_keep(["sans champ", "{{ n }}", "{% for %}", text])
    assert list(kept) == [text]  # fields alone and syntax errors are not kept
    monkeypatch.setattr(module, "_KEPT_TREES", {})
    module.remember_trees(kept)
    module.clause_template.cache_clear()

    def parsed(source: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(module, "clause_tree", parsed)
    made = module.clause_template(text)
    module.clause_template.cache_clear()
    assert isinstance(made, ClauseTree)
    assert tree_data(made) == kept[text]
    context = {"n": 2, "collectivite": {"nom": "Tonquédec"}}
    assert "".join(made.generate(context)) == jinja_rendered(text, context)[0]


def test_a_kept_tree_that_is_not_one_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import webpass.untrusted.clause_template as module

    text = "{% if n > 1 %}des sites{% else %}du site{% endif %}"
    monkeypatch.setattr(module, "_KEPT_TREES", {})
    module.remember_trees({text: [["out", [["call", ["name", "range"], []]]]]})
    module.clause_template.cache_clear()
    made = module.clause_template(text)
    module.clause_template.cache_clear()
    assert made == clause_tree(text)
