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
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from webpass.core.money import format_eur, format_number
from webpass.documents.typography import date_fr, in_words
from webpass.untrusted.loader import RootedLoader
from webpass.untrusted.text import markdown_literal

__all__ = ["RenderLimitExceeded", "clause_environment", "render_bounded", "template_environment"]

# Bounds a template cannot go past; the sandbox alone stops escapes, not huge loops or values.
MAX_RANGE = 10_000
MAX_ITERATIONS = 1_000_000  # all range() loops of one render together
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
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{7,}|\*)|\{[^}]*:[^}]*\d{7,}")

_iterations: contextvars.ContextVar[list[int]] = contextvars.ContextVar("webpass_iterations")


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is not range and any(_oversized(a) for a in (*args, *kwargs.values())):
            # "x".ljust(10**9), "x".center(…): refused before the string is built
            raise OverflowError(f"valeur démesurée refusée (plus de {MAX_PRODUCT})")
        # Jinja ≥ 3.1.5 wraps str.format in a function; the string is the wrapped method's owner.
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        formatting = getattr(__obj, "__name__", "") in ("format", "format_map")
        if formatting and isinstance(owner, str) and _WIDE_FORMAT.search(owner):
            raise OverflowError("largeur de format démesurée refusée")
        if __obj is range:
            if any(isinstance(a, int) and abs(a) > MAX_RANGE for a in args):
                raise OverflowError(f"range() limité à {MAX_RANGE} éléments")
            budget = _iterations.get(None)
            if budget is not None:
                budget[0] += len(range(*args))
                if budget[0] > MAX_ITERATIONS:
                    raise OverflowError(
                        f"plus de {MAX_ITERATIONS} tours de boucle dans un même rendu"
                    )
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


def _install_filters(env: ImmutableSandboxedEnvironment) -> None:
    for name in _SIZED_FILTERS:
        if name in env.filters:
            env.filters[name] = _bounded(name, env.filters[name])
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
    """A template produced too much text or ran too long; the message is French."""


def render_bounded(
    template: Any, context: dict[str, Any], max_chars: int, max_seconds: float, what: str
) -> str:
    """Render ``template`` chunk by chunk, stopping as soon as it exceeds a size or time budget.

    The sandbox forbids reaching Python objects but not a loop that produces gigabytes: a
    template such as two nested ``range(10000)`` loops is stopped here within the budget.
    """
    import time

    deadline = time.monotonic() + max_seconds
    token = _iterations.set([0])
    try:
        return _collect(template, context, max_chars, max_seconds, deadline, what)
    except OverflowError as exc:
        raise RenderLimitExceeded(f"{what} est refusé : {exc}.") from exc
    except ZeroDivisionError as exc:
        raise RenderLimitExceeded(f"{what} est refusé : division par zéro.") from exc
    except ArithmeticError as exc:
        raise RenderLimitExceeded(f"{what} est refusé : calcul impossible ({exc}).") from exc
    except RecursionError as exc:
        raise RenderLimitExceeded(
            f"{what} est refusé : une macro ou une inclusion s'appelle elle-même sans fin."
        ) from exc
    except MemoryError as exc:
        raise RenderLimitExceeded(f"{what} est refusé : il demande trop de mémoire.") from exc
    finally:
        _iterations.reset(token)


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
