"""A clause with conditions, rendered from Jinja's own syntax tree instead of compiled code.

After fields alone (:mod:`clause_template`), the commonest clauses choose a word or a sentence:
``{% if nb > 1 %}…{% else %}…{% endif %}``, ``{{ n | en_lettres("f") }}``, ``{{ 'des sites' if
n > 1 else 'du site' }}``. Jinja parses them here, in the sandboxed clause environment (so a
syntax error is Jinja's own), but generating and compiling Python for them costs twice the
parsing. When the tree holds nothing but output, ``if``/``elif``/``else``, names, attributes,
constants, one comparison, ``and``/``or``/``not``, ``+``/``-``, a conditional expression with
its ``else`` and webpass's plain filters with constant arguments, it is evaluated node by node
exactly as the code Jinja generates would be: names looked up in the render's values then the
globals, missing ones as ``StrictUndefined``, attributes through the sandbox's ``getattr``,
filters from the environment's table, values printed through its ``finalize``. Anything else
is compiled by Jinja. A test renders every shipped clause, and generated ones, both ways.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.utils import _PassArg, missing

from webpass.core.frozen_record import frozen_record
from webpass.untrusted.sandbox import clause_environment

__all__ = ["ClauseTree", "clause_tree"]

# The comparison operators of Jinja's generated code (compiler.operators), as functions.
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda left, right: left in right,
    "notin": lambda left, right: left not in right,
}
_ARITHMETIC: dict[type[nodes.BinExpr], Callable[[Any, Any], Any]] = {
    nodes.Add: operator.add,
    nodes.Sub: operator.sub,
}


@frozen_record
class ClauseTree:
    """A parsed clause whose every node :func:`clause_tree` accepted."""

    body: tuple[nodes.Node, ...]

    def generate(self, context: dict[str, Any]) -> Iterator[str]:
        """The chunks of the rendered text, as ``jinja2.Template.generate`` yields them."""
        return _statements(self.body, context)


def clause_tree(source: str) -> ClauseTree | None:
    """The clause as a tree to evaluate, or ``None`` when Jinja must compile it.

    Raises Jinja's ``TemplateSyntaxError`` for a text that does not parse.
    """
    template = clause_environment().parse(source)
    if not all(_statement_allowed(node) for node in template.body):
        return None
    return ClauseTree(tuple(template.body))


def _statement_allowed(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Output):
        return all(
            isinstance(child, nodes.TemplateData) or _expression_allowed(child)
            for child in node.nodes
        )
    if isinstance(node, nodes.If):
        branches = [*node.body, *node.elif_, *node.else_]
        return _expression_allowed(node.test) and all(map(_statement_allowed, branches))
    return False


def _expression_allowed(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Name):
        return node.ctx == "load"
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str | int | bool) or node.value is None
    if isinstance(node, nodes.Getattr):
        return node.ctx == "load" and _expression_allowed(node.node)
    if isinstance(node, nodes.Not):
        return _expression_allowed(node.node)
    if isinstance(node, nodes.BinExpr):
        # and, or, +, -; never *, ** or % (the sandbox bounds those when Jinja compiles them)
        return (
            (isinstance(node, nodes.And | nodes.Or) or type(node) in _ARITHMETIC)
            and _expression_allowed(node.left)
            and _expression_allowed(node.right)
        )
    if isinstance(node, nodes.Compare):
        # One operator: a chain (a < b < c) is left to Jinja.
        return (
            len(node.ops) == 1
            and node.ops[0].op in _COMPARISONS
            and _expression_allowed(node.expr)
            and _expression_allowed(node.ops[0].expr)
        )
    if isinstance(node, nodes.CondExpr):
        return node.expr2 is not None and all(
            map(_expression_allowed, (node.test, node.expr1, node.expr2))
        )
    if isinstance(node, nodes.Filter):
        return _filter_allowed(node)
    return False


def _filter_allowed(node: nodes.Filter) -> bool:
    """A filter of the table called with the value and constants, and nothing else."""
    function = clause_environment().filters.get(node.name)
    return (
        function is not None
        and _PassArg.from_obj(function) is None
        and node.node is not None
        and not node.kwargs
        and node.dyn_args is None
        and node.dyn_kwargs is None
        and all(isinstance(arg, nodes.Const) for arg in node.args)
        and _expression_allowed(node.node)
    )


def _statements(
    body: tuple[nodes.Node, ...] | list[nodes.Node], context: dict[str, Any]
) -> Iterator[str]:
    finalize = clause_environment().finalize or str  # the clause environment always sets one
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    # Template data is printed as written, never through finalize.
                    if child.data:
                        yield child.data
                else:
                    yield str(finalize(_value(child, context)))
            continue
        assert isinstance(node, nodes.If)  # clause_tree accepted nothing else
        yield from _statements(_branch(node, context), context)


def _branch(node: nodes.If, context: dict[str, Any]) -> list[nodes.Node]:
    """The statements of the first branch whose test holds (Python's truth, as Jinja's ``if``)."""
    if _value(node.test, context):
        return node.body
    for branch in node.elif_:
        if _value(branch.test, context):
            return branch.body
    return node.else_


def _value(node: nodes.Node, context: dict[str, Any]) -> Any:
    env = clause_environment()
    if isinstance(node, nodes.Name):
        # Jinja's lookup: the render's values, then the environment's globals.
        value = context[node.name] if node.name in context else env.globals.get(node.name, missing)
        return env.undefined(name=node.name) if value is missing else value
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Getattr):
        return env.getattr(_value(node.node, context), node.attr)
    if isinstance(node, nodes.Not):
        return not _value(node.node, context)
    if isinstance(node, nodes.And):
        return _value(node.left, context) and _value(node.right, context)
    if isinstance(node, nodes.Or):
        return _value(node.left, context) or _value(node.right, context)
    if isinstance(node, nodes.Compare):
        operand = node.ops[0]
        return _COMPARISONS[operand.op](_value(node.expr, context), _value(operand.expr, context))
    if isinstance(node, nodes.CondExpr):
        otherwise = node.expr2
        assert otherwise is not None  # clause_tree accepted only conditions with an else
        return _value(node.expr1 if _value(node.test, context) else otherwise, context)
    if isinstance(node, nodes.Filter):
        subject = node.node
        assert subject is not None  # a filter block is left to Jinja
        arguments = [arg.value for arg in node.args if isinstance(arg, nodes.Const)]
        return env.filters[node.name](_value(subject, context), *arguments)
    assert isinstance(node, nodes.BinExpr)
    return _ARITHMETIC[type(node)](_value(node.left, context), _value(node.right, context))


# -- the tree as plain data, for the catalogue's cache ------------------------------------------
#
# A process that finds its catalogue in the cache (:mod:`webpass.catalog.cache`) need not ask
# Jinja to parse the clauses again: the trees Jinja made when the catalogue was checked are kept
# beside its data, as JSON lists, and rebuilt here into the very nodes Jinja made. What is
# rebuilt goes through the same acceptance as a parsed tree, so data that is not such a tree is
# refused (None) and the clause is parsed by Jinja as usual.

_BINARY: dict[str, type[nodes.BinExpr]] = {
    "and": nodes.And,
    "or": nodes.Or,
    "add": nodes.Add,
    "sub": nodes.Sub,
}
_BINARY_NAMES = {kind: name for name, kind in _BINARY.items()}


def tree_data(tree: ClauseTree) -> list[Any]:
    """``tree`` as JSON-ready lists, which :func:`tree_from_data` turns back into it."""
    return [_statement_data(node) for node in tree.body]


def tree_from_data(data: Any) -> ClauseTree | None:
    """The tree :func:`tree_data` gave, or None when ``data`` is not such a tree."""
    try:
        body = tuple(_statement_node(item) for item in data)
    except (ValueError, TypeError, KeyError, IndexError, AssertionError, RecursionError):
        return None
    if not all(_statement_allowed(node) for node in body):
        return None
    return ClauseTree(body)


def _statement_data(node: nodes.Node) -> list[Any]:
    if isinstance(node, nodes.Output):
        return [
            "out",
            [
                child.data if isinstance(child, nodes.TemplateData) else _expression_data(child)
                for child in node.nodes
            ],
        ]
    assert isinstance(node, nodes.If)
    return [
        "if",
        _expression_data(node.test),
        [_statement_data(child) for child in node.body],
        [_statement_data(branch) for branch in node.elif_],
        [_statement_data(child) for child in node.else_],
    ]


def _expression_data(node: nodes.Node) -> list[Any]:
    if isinstance(node, nodes.Name):
        return ["name", node.name]
    if isinstance(node, nodes.Const):
        return ["const", node.value]
    if isinstance(node, nodes.Getattr):
        return ["attr", _expression_data(node.node), node.attr]
    if isinstance(node, nodes.Not):
        return ["not", _expression_data(node.node)]
    if isinstance(node, nodes.BinExpr):
        return [
            _BINARY_NAMES[type(node)],
            _expression_data(node.left),
            _expression_data(node.right),
        ]
    if isinstance(node, nodes.Compare):
        operand = node.ops[0]
        return ["compare", operand.op, _expression_data(node.expr), _expression_data(operand.expr)]
    if isinstance(node, nodes.CondExpr):
        assert node.expr2 is not None
        return [
            "cond",
            _expression_data(node.test),
            _expression_data(node.expr1),
            _expression_data(node.expr2),
        ]
    assert isinstance(node, nodes.Filter) and node.node is not None
    arguments = [arg.value for arg in node.args if isinstance(arg, nodes.Const)]
    return ["filter", node.name, _expression_data(node.node), arguments]


def _statement_node(data: Any) -> nodes.Node:
    kind = data[0]
    if kind == "out":
        return nodes.Output(
            [
                nodes.TemplateData(child) if type(child) is str else _expression_node(child)
                for child in data[1]
            ]
        )
    if kind == "if":
        _, test, body, elifs, otherwise = data
        return nodes.If(
            _expression_node(test),
            [_statement_node(child) for child in body],
            [_statement_node(branch) for branch in elifs],
            [_statement_node(child) for child in otherwise],
        )
    raise ValueError(f"statement {kind!r}")


def _expression_node(data: Any) -> nodes.Expr:
    kind = data[0]
    if kind == "name" and type(data[1]) is str:
        return nodes.Name(data[1], "load")
    if kind == "const":
        return nodes.Const(data[1])
    if kind == "attr" and type(data[2]) is str:
        return nodes.Getattr(_expression_node(data[1]), data[2], "load")
    if kind == "not":
        return nodes.Not(_expression_node(data[1]))
    if kind in _BINARY:
        return _BINARY[kind](_expression_node(data[1]), _expression_node(data[2]))
    if kind == "compare" and type(data[1]) is str:
        operand = nodes.Operand(data[1], _expression_node(data[3]))
        return nodes.Compare(_expression_node(data[2]), [operand])
    if kind == "cond":
        return nodes.CondExpr(*(_expression_node(part) for part in data[1:4]))
    if kind == "filter" and type(data[1]) is str:
        arguments: list[nodes.Expr] = [nodes.Const(value) for value in data[3]]
        return nodes.Filter(_expression_node(data[2]), data[1], arguments, [], None, None)
    raise ValueError(f"expression {kind!r}")
