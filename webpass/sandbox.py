"""The only Jinja2 environments webpass builds, all sandboxed.

Clause texts come from catalogues that a region or a consultant may edit, and users may add their
own document templates: neither may reach Python objects, files or the network. The environment
is an :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` with ``StrictUndefined`` (a missing
value is an error, not an empty hole in a published document) and only plain data in its context.
"""

from __future__ import annotations

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

from webpass.money import format_eur, format_number
from webpass.typography import date_fr

__all__ = ["clause_environment", "template_environment"]

# Bounds a template cannot loop past; the sandbox alone does not stop a huge output.
MAX_RANGE = 10_000


class _Environment(ImmutableSandboxedEnvironment):
    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if __obj is range and args and any(isinstance(a, int) and abs(a) > MAX_RANGE for a in args):
            raise OverflowError(f"range() limité à {MAX_RANGE} éléments")
        return super().call(__context, __obj, *args, **kwargs)


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
    from webpass.resources import shipped_templates_dir

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
