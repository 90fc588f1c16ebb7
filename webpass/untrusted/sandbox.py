"""The only Jinja2 environments webpass builds, all sandboxed.

Clause texts come from catalogues that a region or a consultant may edit, and users may add their
own document templates: neither may reach Python objects, files or the network. The environment
is an :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` with ``StrictUndefined`` (a missing
value is an error, not an empty hole in a published document) and only plain data in its context.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    PrefixLoader,
    StrictUndefined,
    Undefined,
    nodes,
    select_autoescape,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg
from markupsafe import Markup

from webpass.core.money import format_eur, format_number
from webpass.documents.typography import date_fr, in_words
from webpass.untrusted.loader import RootedLoader
from webpass.untrusted.text import markdown_literal

__all__ = [
    "MAX_CLAUSE_ITERATIONS",
    "MAX_TEMPLATE_ITERATIONS",
    "RenderLimitExceeded",
    "clause_environment",
    "render_bounded",
    "template_environment",
]

# Bounds a template cannot go past; the sandbox alone stops escapes, not huge loops or values.
# The iteration budgets count every element a render walks: each turn of every {% for %} (over
# a range, a list, a string, a recursive loop's children), each element a filter walks (batch,
# slice, join, map…) and each character or item a method of a string or list walks. Set from
# what the shipped texts need, with a wide margin: no shipped clause loops or walks anything (0),
# and the shipped CCTP template walks 1 101 elements for the groupement example, 139 kB of HTML
# (tests/test_sandbox_budget.py keeps both within a tenth of their budget). A hostile loop is
# refused after ~50 000 turns, a fifth of a second at most, instead of a million.
MAX_RANGE = 10_000
MAX_TEMPLATE_ITERATIONS = 50_000  # one document template render
MAX_CLAUSE_ITERATIONS = 1_000  # one clause
MAX_PRODUCT = 200_000  # characters or items a "*" may produce
MAX_NUMBER_BITS = 350_000  # about 100 000 decimal digits
# Filters taking a width or a count that sizes their result.
_SIZED_FILTERS = (
    "center",
    "indent",
    "wordwrap",
    "truncate",
    "format",
    "batch",
    "slice",
    "filesizeformat",
)
# Filters that walk through the elements of their value, in Python: each element is a turn.
_WALKING_FILTERS = (
    "batch",
    "slice",
    "map",
    "select",
    "reject",
    "selectattr",
    "rejectattr",
    "join",
    "sum",
    "list",
    "sort",
    "unique",
    "groupby",
    "dictsort",
    "items",
    "reverse",
    "min",
    "max",
    "count",
    "length",
    "first",
    "last",
    "random",
    "tojson",
)
_PLAIN_SEQUENCES = frozenset({list, tuple, str, dict, range, Markup})
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{7,}|\*)|\{[^}]*:[^}]*\d{7,}")

# Elements walked so far by the render under way (set by render_bounded); None outside one.
_iterations: contextvars.ContextVar[list[int]] = contextvars.ContextVar("webpass_iterations")


class _CountingCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every ``{% for %}`` walking through the render's budget.

    The loop's iterable becomes ``environment.count_loop(iterable)``: an attribute of the
    environment, which no template can name or replace (Jinja's parser never makes the node),
    called directly, not through the sandbox's ``call`` (a CCTP starts a loop for each row of
    its tables).
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not _is_counted(node.iter):
            counter = nodes.EnvironmentAttribute("count_loop", lineno=node.iter.lineno)
            node.iter = nodes.Call(counter, [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if not _is_counted(node):
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("environment.count_loop(")
        self.visit(node.args[0], frame)
        self.write(")")


def _is_counted(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == "count_loop"
    )


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})
    code_generator_class = _CountingCodeGenerator
    max_iterations = MAX_TEMPLATE_ITERATIONS
    # What the author of a refused text can do, appended to the refusal.
    loop_fix = "bornez la boucle (« {% for x in liste[:100] %} ») ou retirez-la du modèle"

    def count_loop(self, iterable: Any) -> Any:
        """``iterable``, each of its elements spent from the render's budget as it is walked.

        A list, a string or a range is spent whole before the first turn (refused before the
        work); a generator element by element.
        """
        budget = _iterations.get(None)
        if budget is None:
            return iterable
        if type(iterable) in _PLAIN_SEQUENCES:  # the common case, in as few calls as can be
            budget[0] += len(iterable)
            if budget[0] > self.max_iterations:
                self._spend(budget, 0)
            return iterable
        if isinstance(iterable, Undefined):
            return iterable
        if isinstance(iterable, Sized) and not isinstance(iterable, Iterator):
            self._spend(budget, len(iterable))
            return iterable
        return self._walked(iterable, budget)

    def _walked(self, iterable: Iterable[Any], budget: list[int]) -> Iterator[Any]:
        for element in iterable:
            self._spend(budget, 1)
            yield element

    def _spend(self, budget: list[int], count: int) -> None:
        budget[0] += count
        if budget[0] > self.max_iterations:
            raise OverflowError(
                f"plus de {self.max_iterations} tours de boucle dans un même rendu ; "
                + self.loop_fix
            )

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is not range and any(_oversized(a) for a in (*args, *kwargs.values())):
            # "x".ljust(10**9), "x".center(…): refused before the string is built
            raise OverflowError(f"valeur démesurée refusée (plus de {MAX_PRODUCT})")
        # Jinja ≥ 3.1.5 wraps str.format in a function; the string is the wrapped method's owner.
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        formatting = getattr(__obj, "__name__", "") in ("format", "format_map")
        if formatting and isinstance(owner, str) and _WIDE_FORMAT.search(owner):
            raise OverflowError("largeur de format démesurée refusée")
        if __obj is range and any(isinstance(a, int) and abs(a) > MAX_RANGE for a in args):
            raise OverflowError(f"range() limité à {MAX_RANGE} éléments")
        if isinstance(__obj, LoopContext) and args:
            # loop(children) of a recursive loop walks the children as its own loop
            args = (self.count_loop(args[0]), *args[1:])
        elif isinstance(owner, str | list | tuple | dict) and (budget := _iterations.get(None)):
            # a method of a string or a list (count, index, replace…) walks it
            self._spend(budget, len(owner))
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise OverflowError("puissance démesurée refusée")
        if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise OverflowError("largeur de format démesurée refusée")
        if operator in ("*", "**") and _huge_number(operator, left, right):
            # checked before the work: (2**100)**100**… would compute for minutes
            raise OverflowError("calcul démesuré refusé (nombre de plus de 100 000 chiffres)")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and len(seq) * count > MAX_PRODUCT
                ):
                    raise OverflowError(
                        f"répétition démesurée refusée (plus de {MAX_PRODUCT} éléments)"
                    )
        return super().call_binop(context, operator, left, right)


def _oversized(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_PRODUCT


def _huge_number(operator: str, left: Any, right: Any) -> bool:
    if not (isinstance(left, int) and isinstance(right, int)):
        return False
    bits = abs(left).bit_length()
    if operator == "**":
        return bits * abs(right) > MAX_NUMBER_BITS
    return bits + abs(right).bit_length() > MAX_NUMBER_BITS


def _bounded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose size arguments are checked before it runs (``center(1500000000)``)."""

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if _oversized(value):
                raise OverflowError(f"filtre « {name} » : valeur démesurée refusée ({value})")
        if name == "format" and args and isinstance(args[0], str) and _WIDE_FORMAT.search(args[0]):
            raise OverflowError("filtre « format » : largeur démesurée refusée")
        return function(*args, **kwargs)

    return bounded


def _counting(env: _Environment, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose value's elements are spent from the render's budget (``batch``, ``join``…)."""
    # A filter Jinja passes the context or environment to takes its value second.
    position = 0 if _PassArg.from_obj(function) is None else 1

    @functools.wraps(function)
    def counting(*args: Any, **kwargs: Any) -> Any:
        budget = _iterations.get(None)
        if budget is None or len(args) <= position:
            return function(*args, **kwargs)
        value = args[position]
        if isinstance(value, Iterator):
            value = env._walked(value, budget)
        elif isinstance(value, Sized) and not isinstance(value, Undefined):
            env._spend(budget, len(value))
        return function(*args[:position], value, *args[position + 1 :], **kwargs)

    return counting


def _amount(value: Any, suffix: str = "€ HT") -> str:
    return format_eur(Decimal(str(value)), suffix) if not isinstance(value, float) else str(value)


def _number(value: Any, decimals: int = 0) -> str:
    return format_number(Decimal(str(value)), decimals)


def _in_words(value: Any, gender: str = "m") -> str:
    """``{{ n | en_lettres }}``, ``{{ n | en_lettres("f") }}``: « un », « une », « quatre »."""
    count = int(value)
    if _oversized(count):
        raise OverflowError(f"filtre « en_lettres » : valeur démesurée refusée ({count})")
    return in_words(count, feminine=gender == "f")


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return date_fr(value)
    return date_fr(dt.date.fromisoformat(str(value)))


def _install_filters(env: _Environment) -> None:
    for name in _SIZED_FILTERS:
        if name in env.filters:
            env.filters[name] = _bounded(name, env.filters[name])
    for name in _WALKING_FILTERS:
        if name in env.filters:
            env.filters[name] = _counting(env, env.filters[name])
    env.filters.update(
        {"montant": _amount, "nombre": _number, "date_fr": _date, "en_lettres": _in_words}
    )
    env.globals.clear()
    env.globals["range"] = range


@functools.cache
def clause_environment() -> ImmutableSandboxedEnvironment:
    """The environment for clause texts (Markdown with ``{{ … }}``): no loader, no autoescape.

    Clause output is Markdown that is parsed afterwards (raw HTML refused): every value a
    clause prints goes through :func:`~webpass.untrusted.text.markdown_literal` (``finalize``),
    so an answer is shown as written and never read as Markdown or HTML; the clause's own text
    is Markdown. The HTML renderer escapes at its own stage. One instance per process:
    it holds no state between renders (immutable sandbox, no loader, no globals but range), and
    building one per clause cost a third of a second per document.
    """
    env = _Environment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        cache_size=0,
        finalize=markdown_literal,
    )
    env.max_iterations = MAX_CLAUSE_ITERATIONS
    env.loop_fix = (
        "une clause affiche des champs et des conditions : retirez la boucle de la clause"
    )
    _install_filters(env)
    return env


def template_environment(search_path: Sequence[Path]) -> ImmutableSandboxedEnvironment:
    """An environment for document templates, searched in order (a user folder first).

    The shipped templates are also reachable as ``webpass/<name>``, so a user template of the
    same name can extend the one it replaces: ``{% extends "webpass/cctp.html.j2" %}``.
    """
    from webpass.core.resources import shipped_templates_dir

    # Read as regular files that stay inside their folder: a link to /etc/passwd is refused.
    loaders: list[BaseLoader] = [RootedLoader(p) for p in search_path]
    loaders.append(PrefixLoader({"webpass": RootedLoader(shipped_templates_dir())}))
    env = _Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml", "j2", "svg"], default=True),
        auto_reload=False,
    )
    _install_filters(env)
    return env


class RenderLimitExceeded(Exception):
    """A template produced too much text or ran too long; the message is French.

    ``iterations``: the elements the render had walked when it was stopped.
    """

    def __init__(self, message: str, iterations: int = 0) -> None:
        super().__init__(message)
        self.iterations = iterations


def render_bounded(
    template: Any, context: dict[str, Any], max_chars: int, max_seconds: float, what: str
) -> str:
    """Render ``template`` chunk by chunk, stopping as soon as it exceeds a size or time budget.

    The sandbox forbids reaching Python objects but not a loop that produces gigabytes: a
    template such as two nested ``range(10000)`` loops is stopped by the iteration budget of its
    environment within milliseconds, and anything else here within the size or time budget.
    """
    import time

    deadline = time.monotonic() + max_seconds
    budget = [0]
    token = _iterations.set(budget)
    try:
        return _collect(template, context, max_chars, max_seconds, deadline, what)
    except RenderLimitExceeded as exc:
        exc.iterations = budget[0]
        raise
    except (ArithmeticError, RecursionError, MemoryError) as exc:
        # The template file and line Jinja's rewritten traceback points at, when there is one.
        where = _template_line(exc.__traceback__)
        raise RenderLimitExceeded(
            f"{what}{where} est {_refused(what)} : {_reason(exc)}.", budget[0]
        ) from exc
    finally:
        _iterations.reset(token)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OverflowError):
        return str(exc)  # the sandbox's own French message
    if isinstance(exc, ZeroDivisionError):
        return "division par zéro"
    if isinstance(exc, RecursionError):
        return "une macro ou une inclusion s'appelle elle-même sans fin"
    if isinstance(exc, MemoryError):
        return "il demande trop de mémoire"
    return f"calcul impossible ({exc})"


def _refused(what: str) -> str:
    """« refusé » agreeing with the subject: « la clause » is refused, « le modèle » too."""
    subject = what.rsplit(":", 1)[-1].strip()
    return "refusée" if subject.startswith("la ") else "refusé"


def _template_line(trace: TracebackType | None) -> str:
    """`` (fichier, ligne N)`` of the innermost template frame of ``trace``, or nothing."""
    found = ""
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if not name.endswith(".py") and not name.startswith("<"):
            found = f" ({name}, ligne {trace.tb_lineno})"
        trace = trace.tb_next
    return found


def _collect(
    template: Any,
    context: dict[str, Any],
    max_chars: int,
    max_seconds: float,
    deadline: float,
    what: str,
) -> str:
    import time

    parts: list[str] = []
    size = 0
    for count, chunk in enumerate(template.generate(context)):
        parts.append(chunk)
        size += len(chunk)
        if size > max_chars:
            raise RenderLimitExceeded(
                f"{what} produit plus de {max_chars} caractères : une boucle ou une valeur démesurée est en cause."
            )
        if count % 256 == 0 and time.monotonic() > deadline:
            raise RenderLimitExceeded(
                f"{what} demande plus de {max_seconds:g} secondes de calcul : une boucle démesurée est en cause."
            )
    return "".join(parts)
