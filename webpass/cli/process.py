"""How a ``webpass`` process lives and ends: short commands skip the collector and the teardown.

Most commands (``generer``, ``dce``, ``grille``…) live under a second and then exit. For them
the interpreter's cyclic garbage collector runs a hundred times while modules, pydantic models
and the document are built, to free almost nothing, and the interpreter's teardown then frees,
one by one, every object the process will never use again: together about a sixth of a
``webpass generer --format pdf``. So :func:`webpass.cli.main` pauses the collector, and once the command is
over and its exit code known, :func:`finish` does what the teardown does that anyone can see —
the garbage finalised (files closed, temporary files removed), the ``atexit`` handlers run
(temporary folders, logging), standard output and error flushed — and ends the process with
``os._exit``, whose code the shell sees as it would have seen ``sys.exit``'s. A file a module
still holds open at the end is not flushed (Python does not promise it either; every webpass
write is closed by its ``with`` block or :mod:`webpass.core.atomic`); the system closes it.

Commands that live long (the web wizard, a batch and its workers, the observatory's crawl, the
terminal wizard a person answers at their pace) keep the collector and the ordinary exit: the
command line calls :func:`keep_collector` when it resolves one of them. Any doubt at the end
(another thread still running, a non-numeric exit code, a stream that cannot be flushed) takes
the ordinary ``sys.exit`` path too. None of this applies in a process that did not call
:func:`start` (tests through click's runner, the library, the web server's threads).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
import threading
import types
from collections.abc import Iterable
from typing import NoReturn, cast

__all__ = ["LONG_LIVED_COMMANDS", "PYDANTIC_PLUGINS_ENV", "finish", "keep_collector", "start"]

PYDANTIC_PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"
# The values of that variable for which pydantic loads no plugin at all (pydantic.plugin._loader).
_NO_PLUGIN = frozenset({"__all__", "1", "true"})
_PLUGIN_LOADER = "pydantic.plugin._loader"

# Subcommands whose process lives long enough for garbage to matter and for the teardown's
# cost not to: they keep Python's ordinary collector and exit.
LONG_LIVED_COMMANDS = frozenset({"serve", "lot", "observatoire", "nouveau"})


class _State:
    short_lived = False


def start() -> None:
    """Declare this process a short command: pause the cyclic collector until it ends.

    Also tells pydantic not to look for plugins: at the first model it builds, pydantic reads
    the entry points of every installed distribution (several milliseconds of every command)
    to find plugins webpass does not use. Someone who wants one sets the variable themselves.
    """
    os.environ.setdefault(PYDANTIC_PLUGINS_ENV, "__all__")
    _defer_plugin_loader()
    _State.short_lived = True
    gc.disable()


def _defer_plugin_loader() -> None:
    """Keep pydantic from importing ``importlib.metadata`` when no plugin may be loaded anyway.

    pydantic's plugin loader imports ``importlib.metadata`` (and through it ``email``, ``socket``,
    ``zipfile``, ``calendar``…: about 60 million instructions, 2.5 % of a ``webpass generer
    --format pdf``) before it even reads the variable that turns every plugin off. While the
    variable says so, a stand-in answers what the loader would (no plugin); if it no longer
    does, the stand-in steps aside and pydantic's own loader answers, as it always would have.
    """
    if _PLUGIN_LOADER in sys.modules or os.environ.get(PYDANTIC_PLUGINS_ENV) not in _NO_PLUGIN:
        return
    stand_in = types.ModuleType(_PLUGIN_LOADER, "Stands for pydantic's plugin loader (webpass).")

    def get_plugins() -> Iterable[object]:
        if os.environ.get(PYDANTIC_PLUGINS_ENV) in _NO_PLUGIN:
            return ()
        if sys.modules.get(_PLUGIN_LOADER) is stand_in:
            del sys.modules[_PLUGIN_LOADER]
        loader = importlib.import_module(_PLUGIN_LOADER)
        return cast("Iterable[object]", loader.get_plugins())

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    sys.modules[_PLUGIN_LOADER] = stand_in


def keep_collector() -> None:
    """This process turned out long-lived: restore the collector and the ordinary exit."""
    if _State.short_lived:
        _State.short_lived = False
        gc.enable()


def finish(stop: SystemExit) -> NoReturn:
    """End the process with ``stop``'s exit code, without the interpreter's teardown if safe.

    Falls back to raising ``stop`` (the ordinary exit) when the process is not a short command,
    when its code is not a number (``sys.exit("message")`` prints it), when another thread is
    still alive (the interpreter would wait for it) or when a standard stream fails to flush
    (the interpreter reports it and exits with 120).
    """
    code = stop.code
    if not _State.short_lived or threading.active_count() > 1:
        raise stop
    if code is not None and not isinstance(code, int):
        raise stop
    # What the teardown would have finalised: cycles the paused collector left (a file still
    # open in one is flushed and closed) and what ``atexit`` holds (temporary folders, logging).
    gc.collect()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            raise stop from None
    os._exit(code or 0)
