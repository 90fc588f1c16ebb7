"""Jinja's parse tree of the common clauses, built without Jinja's lexer and parser.

A clause that chooses a word (``{% if nb > 1 %}s{% endif %}``) is evaluated from its parse tree
(:mod:`clause_tree`), and Jinja's lexer, which tries a dozen expressions at every character,
spends a millisecond on each: most of a cold document's clause time. This reader accepts a
narrow subset of Jinja's syntax with its default settings (text; ``{{ … }}``; ``{% if %}``,
``{% elif %}``, ``{% else %}``, ``{% endif %}``; whitespace control with ``-``; names,
attributes, strings without backslashes, decimal integers, ``true``/``false``/``none``,
comparisons, ``in``, ``not in``, ``and``/``or``/``not``, ``+``/``-``, parentheses, filters
with arguments, the conditional expression) and builds the very nodes Jinja's parser builds,
following its grammar rule by rule. Any other character or construct, and anything it cannot
read, returns ``None``: Jinja then parses the text itself (and reports its errors). A test
compares the trees with Jinja's on every shipped clause and on generated ones.
"""

from __future__ import annotations

import re

from jinja2 import nodes

__all__ = ["parse_clause"]

# Jinja's newline handling (lexer.newline_re), and the whitespace a "-" strips after a tag.
_NEWLINE = re.compile(r"(\r\n|\r|\n)")
_SPACE = re.compile(r"\s*")
_TAG_START = re.compile(r"\{[{%#]")
# The tokens read inside a tag, in the order Jinja's lexer tries them (whitespace, numbers,
# names, strings, operators); a number must not run into a letter, a dot or an underscore,
# which Jinja would read otherwise.
_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<integer>(?:[1-9][0-9]*|0)(?![0-9A-Za-z_.]))
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?![^\x00-\x7f]))
    |(?P<string>'[^'\\]*'|"[^"\\]*")
    |(?P<operator>==|!=|>=|<=|>|<|\+|-|\(|\)|\||\.|,)(?![=*/])""",
    re.VERBOSE,
)
_COMPARE = {"==": "eq", "!=": "ne", ">": "gt", ">=": "gteq", "<": "lt", "<=": "lteq"}
# Names Jinja's grammar reads as words of its own, never as a value in this subset.
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "elif", "endif"})
_Token = tuple[str, str]


class _Unsupported(Exception):
    """Outside the subset: Jinja parses the text."""


def parse_clause(source: str) -> list[nodes.Node] | None:
    """The body of ``clause_environment().parse(source)``, or ``None`` outside the subset."""
    lines = _NEWLINE.split(source)[::2]
    if lines[-1] == "":
        del lines[-1]  # keep_trailing_newline=False
    try:
        reader = _Reader("\n".join(lines))
        body, end = reader.statements()
    except _Unsupported:
        return None
    return body if end is None else None


class _Reader:
    """The text, read tag by tag; ``position`` is where the next data starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.pending: list[_Token] = []  # the tokens of the tag that ended statements()

    def statements(self) -> tuple[list[nodes.Node], str | None]:
        """Statements up to the end of the text or to an ``elif``/``else``/``endif`` tag.

        Returns the statements and the word of the tag that ended them (``None``: the end).
        """
        body: list[nodes.Node] = []
        output: list[nodes.Expr] = []
        while True:
            data, kind, strip = self._next_tag()
            if strip:
                data = data.rstrip()
            if data:
                output.append(nodes.TemplateData(data))
            if kind == "{{":
                output.append(_Expression(self._tag_tokens("}}")).whole(conditional=True))
                continue
            if output:
                body.append(nodes.Output(output))
                output = []
            if kind is None:
                return body, None
            tokens = self._tag_tokens("%}")
            word = tokens[0][1] if tokens and tokens[0][0] == "name" else ""
            if word in ("elif", "else", "endif"):
                self.pending = tokens
                return body, word
            if word != "if":
                raise _Unsupported
            body.append(self._if(tokens[1:]))

    def _if(self, test: list[_Token]) -> nodes.If:
        # Jinja's parse_if: elif branches are If nodes with empty elif_ and else_ of their own.
        result = nodes.If(_Expression(test).whole(conditional=False), [], [], [])
        node = result
        while True:
            node.body, word = self.statements()
            if word == "elif":
                node = nodes.If(_Expression(self.pending[1:]).whole(False), [], [], [])
                result.elif_.append(node)
                continue
            if word == "else" and len(self.pending) == 1:
                result.else_, word = self.statements()
            if word != "endif" or len(self.pending) != 1:
                raise _Unsupported
            return result

    def _next_tag(self) -> tuple[str, str | None, bool]:
        """The data before the next tag, the tag's opening, and whether it strips that data."""
        found = _TAG_START.search(self.text, self.position)
        if found is None:
            data, self.position = self.text[self.position :], len(self.text)
            return data, None, False
        data = self.text[self.position : found.start()]
        kind = found.group()
        after = found.end()
        sign = self.text[after : after + 1]
        if kind == "{#" or sign == "+":
            raise _Unsupported  # comments and "+" are left to Jinja
        self.position = after + (sign == "-")
        return data, kind, sign == "-"

    def _tag_tokens(self, end: str) -> list[_Token]:
        """The tokens of the tag opened before ``position``, up to ``end`` (``-`` strips after)."""
        tokens: list[_Token] = []
        depth = 0
        text = self.text
        while self.position < len(text):
            if depth == 0 and text.startswith("-" + end, self.position):
                after = self.position + 1 + len(end)
                spaces = _SPACE.match(text, after)  # Jinja's "-%}\s*": always matches
                self.position = spaces.end() if spaces else after
                return tokens
            if depth == 0 and text.startswith(end, self.position):
                self.position += len(end)
                return tokens
            match = _TOKEN.match(text, self.position)
            if match is None:
                raise _Unsupported
            self.position = match.end()
            kind = match.lastgroup or ""
            if kind != "space":
                tokens.append((kind, match.group()))
                depth += {"(": 1, ")": -1}.get(match.group(), 0) if kind == "operator" else 0
        raise _Unsupported  # an unclosed tag: Jinja says where


class _Expression:
    """Jinja's expression grammar (parser.py, parse_condexpr down to parse_primary)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def whole(self, conditional: bool) -> nodes.Expr:
        """The tag's whole expression; ``conditional``: ``a if b else c`` allowed at the top."""
        expression = self.condexpr() if conditional else self.or_()
        if self.index != len(self.tokens):
            raise _Unsupported
        return expression

    def _peek(self, offset: int = 0) -> _Token:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else ("end", "")

    def _skip(self, value: str) -> bool:
        if self._peek()[1] == value and self._peek()[0] in ("name", "operator"):
            self.index += 1
            return True
        return False

    def _expect(self, value: str) -> None:
        if not self._skip(value):
            raise _Unsupported

    def condexpr(self) -> nodes.Expr:
        expression = self.or_()
        while self._skip("if"):
            test = self.or_()
            # Without an else Jinja prints an undefined value: left to it.
            self._expect("else")
            expression = nodes.CondExpr(test, expression, self.condexpr())
        return expression

    def or_(self) -> nodes.Expr:
        left = self.and_()
        while self._skip("or"):
            left = nodes.Or(left, self.and_())
        return left

    def and_(self) -> nodes.Expr:
        left = self.not_()
        while self._skip("and"):
            left = nodes.And(left, self.not_())
        return left

    def not_(self) -> nodes.Expr:
        if self._skip("not"):
            return nodes.Not(self.not_())
        return self.compare()

    def compare(self) -> nodes.Expr:
        expression = self.math()
        operands: list[nodes.Operand] = []
        while True:
            kind, value = self._peek()
            if kind == "operator" and value in _COMPARE:
                self.index += 1
                operands.append(nodes.Operand(_COMPARE[value], self.math()))
            elif self._skip("in"):
                operands.append(nodes.Operand("in", self.math()))
            elif self._peek() == ("name", "not") and self._peek(1) == ("name", "in"):
                self.index += 2
                operands.append(nodes.Operand("notin", self.math()))
            else:
                return nodes.Compare(expression, operands) if operands else expression

    def math(self) -> nodes.Expr:
        left = self.unary()
        while self._peek() in (("operator", "+"), ("operator", "-")):
            operator = self._peek()[1]
            self.index += 1
            right = self.unary()
            left = nodes.Add(left, right) if operator == "+" else nodes.Sub(left, right)
        return left

    def unary(self) -> nodes.Expr:
        # A leading + or - (Pos, Neg) is left to Jinja.
        node = self.primary()
        while self._skip("."):
            kind, attribute = self._peek()
            if kind != "name":
                raise _Unsupported
            self.index += 1
            node = nodes.Getattr(node, attribute, "load")
        while self._skip("|"):
            node = self.filter(node)
        if self._peek() == ("operator", "(") or self._peek() == ("name", "is"):
            raise _Unsupported  # a call or a test
        return node

    def filter(self, node: nodes.Expr) -> nodes.Filter:
        kind, name = self._peek()
        if kind != "name" or self._peek(1) == ("operator", "."):
            raise _Unsupported
        self.index += 1
        arguments: list[nodes.Expr] = []
        if self._skip("("):
            while not self._skip(")"):
                if arguments:
                    self._expect(",")
                    if self._skip(")"):
                        break  # Jinja accepts a trailing comma
                if self._peek(1) == ("operator", "=") or self._peek()[1] in ("*", "**"):
                    raise _Unsupported
                arguments.append(self.condexpr())
        return nodes.Filter(node, name, arguments, [], None, None)

    def primary(self) -> nodes.Expr:
        kind, value = self._peek()
        self.index += 1
        if kind == "name" and value not in _KEYWORDS:
            if value in ("true", "false", "True", "False"):
                return nodes.Const(value in ("true", "True"))
            if value in ("none", "None"):
                return nodes.Const(None)
            return nodes.Name(value, "load")
        if kind == "string":
            parts = [value[1:-1]]
            while self._peek()[0] == "string":  # adjacent strings are one constant
                parts.append(self._peek()[1][1:-1])
                self.index += 1
            return nodes.Const("".join(parts))
        if kind == "integer":
            return nodes.Const(int(value))
        if (kind, value) == ("operator", "(") and self._peek() != ("operator", ")"):
            inner = self.condexpr()
            self._expect(")")  # a comma (a tuple) is left to Jinja
            return inner
        raise _Unsupported
