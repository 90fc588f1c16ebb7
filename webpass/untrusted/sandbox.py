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
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from webpass.core.money import format_eur, format_number
from webpass.documents.typography import date_fr

__all__ = ["RenderLimitExceeded", "clause_environment", "render_bounded", "template_environment"]

# Bounds a template cannot go past; the sandbox alone stops escapes, not huge loops or values.
MAX_RANGE = 10_000
MAX_ITERATIONS = 1_000_000  # all range() loops of one render together
MAX_PRODUCT = 200_000  # characters or items a "*" may produce

_iterations: contextvars.ContextVar[list[int]] = contextvars.ContextVar("webpass_iterations")


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
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


def _amount(value: Any, suffix: str = "€ HT") -> str:
    return format_eur(Decimal(str(value)), suffix) if not isinstance(value, float) else str(value)


def _number(value: Any, decimals: int = 0) -> str:
    return format_number(Decimal(str(value)), decimals)


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return date_fr(value)
    return date_fr(dt.date.fromisoformat(str(value)))


def _install_filters(env: ImmutableSandboxedEnvironment) -> None:
    env.filters.update({"montant": _amount, "nombre": _number, "date_fr": _date})
    env.globals.clear()
    env.globals["range"] = range


@functools.cache
def clause_environment() -> ImmutableSandboxedEnvironment:
    """The environment for clause texts (Markdown with ``{{ … }}``): no loader, no autoescape.

    Clause output is Markdown that is parsed afterwards (raw HTML refused), so escaping here
    would corrupt it; the HTML renderer escapes at its own stage. One instance per process:
    it holds no state between renders (immutable sandbox, no loader, no globals but range), and
    building one per clause cost a third of a second per document.
    """
    env = _Environment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, cache_size=0
    )
    _install_filters(env)
    return env


def template_environment(search_path: Sequence[Path]) -> ImmutableSandboxedEnvironment:
    """An environment for document templates, searched in order (a user folder first).

    The shipped templates are also reachable as ``webpass/<name>``, so a user template of the
    same name can extend the one it replaces: ``{% extends "webpass/cctp.html.j2" %}``.
    """
    from webpass.core.resources import shipped_templates_dir

    loaders: list[BaseLoader] = [FileSystemLoader(str(p)) for p in search_path]
    loaders.append(PrefixLoader({"webpass": FileSystemLoader(str(shipped_templates_dir()))}))
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
