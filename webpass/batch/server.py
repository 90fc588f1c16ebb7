"""The fork server a batch's workers come from, started early so its start-up overlaps the rest.

On Linux the workers are forked from a server process that has already imported webpass and
the PDF engine the documents use (Typst, or WeasyPrint for HTML templates), so a new worker is
ready in milliseconds instead of re-importing everything. The server takes a second or two to
import all that: started as soon as the formats are known (:func:`start_server`), before the
catalogue is loaded and the rows validated, it imports on the other core meanwhile, instead of
after them while the user waits for the first dossier.

This module imports nothing of webpass: the command calls it before its own heavy imports.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

__all__ = ["server_context", "start_server", "weasyprint_used"]


def weasyprint_used(engine: str | None, templates: Path | None) -> bool:
    """Whether the PDFs go through WeasyPrint: asked for (``--moteur``, a ``PdfEngine`` or its
    text), or else the user's HTML templates."""
    if engine is not None:
        return engine.strip().lower() == "weasyprint"
    return templates is not None


def server_context(preload_pdf: bool, weasyprint: bool) -> Any:
    """The multiprocessing context of the batch's workers, its server's imports chosen."""
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        modules = ["webpass.batch.preload", "webpass.render.dispatch", "webpass.documents.cctp"]
        if preload_pdf:
            # Only the engine the documents will use: importing the other one costs every
            # worker time and memory for nothing.
            modules.append("webpass.render.pdf" if weasyprint else "webpass.render.typst_pdf")
        # Only takes effect when the fork server starts (once per process): later runs reuse it.
        context.set_forkserver_preload(modules)
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - macOS, Windows


def start_server(preload_pdf: bool, weasyprint: bool) -> None:
    """Start the fork server now, if it is not running; it imports while the caller goes on.

    Ctrl-C is ignored by the server from its first instruction (it inherits the disposition):
    the parent decides what a Ctrl-C stops, and a server interrupted in its imports would print
    a traceback and leave the batch without workers.
    """
    server_context(preload_pdf, weasyprint)
    if not sys.platform.startswith("linux"):  # pragma: no cover - no fork server there
        return
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
