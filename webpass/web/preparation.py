"""Documents that take seconds to make (the CCTP in PDF, the DCE), made in the background.

A click on « Télécharger le CCTP en PDF » used to leave the browser loading for ten seconds with
nothing on the page. Now the document is made by one worker thread of the process (so two
documents are never typeset at once: Pango, under WeasyPrint, is not thread-safe) and the
browser gets a « préparation en cours » page that refreshes itself with
``<meta http-equiv="refresh">`` (no JavaScript needed) until the document is ready; a last page
then starts the download and offers the link. A document that is ready within a moment (a DOCX,
a small PDF) is sent at once, as before.

Each document is kept under a key made from what it depends on (the dossier's answers file, the
catalogue and templates, webpass's version), so a double click, a second download or the page's
own refreshes never make it twice, and an edited dossier gets a new document.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from flask import Flask, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue

from webpass import __version__
from webpass.core.frozen_record import frozen_record

__all__ = ["Preparations", "Prepared", "document_key", "preparations", "serve_prepared"]

# How long a request waits for its document before answering with the « préparation » page.
WAIT_SECONDS = 1.5
REFRESH_SECONDS = 2
KEPT = 12  # ready documents kept per process (a DCE is a few megabytes)
WAITING = "attente"


@frozen_record
class Prepared:
    """A document ready to send: its bytes and its file name."""

    data: bytes
    name: str


class Preparations:
    """The documents of one web app: made one at a time, kept by key."""

    def __init__(self) -> None:
        self._worker = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="webpass-document"
        )
        self._jobs: OrderedDict[str, concurrent.futures.Future[Prepared]] = OrderedDict()
        self._lock = threading.Lock()

    def job(self, key: str, make: Callable[[], Prepared]) -> concurrent.futures.Future[Prepared]:
        """The job making document ``key``: the one already queued, running or done, or a new one."""
        with self._lock:
            found = self._jobs.get(key)
            if found is not None:  # a failed one too: its error is shown once, then forgotten
                self._jobs.move_to_end(key)
                return found
            future = self._worker.submit(make)
            self._jobs[key] = future
            done = [k for k, f in self._jobs.items() if f.done()]
            for stale in done[: max(0, len(done) - KEPT)]:
                del self._jobs[stale]
            return future

    def settle(self, timeout: float | None = None) -> None:
        """Wait until every job has ended.

        Only the tests call it: it lets them wait for a background document without sleeping.
        """
        with self._lock:
            pending = list(self._jobs.values())
        concurrent.futures.wait(pending, timeout=timeout)

    def forget(self, key: str) -> None:
        """Drop a failed job, so that the next request tries again."""
        with self._lock:
            self._jobs.pop(key, None)


# Four clicks arriving together on a fresh app must find one Preparations, not make four (each
# with its own worker, which would typeset documents side by side).
_CREATING = threading.Lock()


def preparations(app: Flask) -> Preparations:
    """The app's preparations, created on first use."""
    with _CREATING:
        found = app.extensions.get("webpass_preparations")
        if not isinstance(found, Preparations):
            found = Preparations()
            app.extensions["webpass_preparations"] = found
        return found


def document_key(kind: str, answers: bytes, folders: Sequence[Path]) -> str:
    """What a document depends on, as one SHA-256: its kind, the answers, the data folders."""
    from webpass.batch.manifest import folder_digest

    digest = hashlib.sha256()
    for part in (kind, __version__, folder_digest(folders)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(answers)
    return digest.hexdigest()


def serve_prepared(
    key: str, make: Callable[[], Prepared], mimetype: str, title: str, back: str
) -> ResponseReturnValue:
    """The document if it is ready, else the page saying it is being prepared.

    ``make`` runs in the worker thread, inside this app's context.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def in_app() -> Prepared:
        with app.app_context():
            return make()

    jobs = preparations(app)
    future = jobs.job(key, in_app)
    wait = float(app.config.get("WEBPASS_PREPARATION_WAIT", WAIT_SECONDS))
    try:
        ready = future.result(timeout=wait)
    except concurrent.futures.TimeoutError:
        page = render_template(
            "preparation.html",
            titre=title,
            pret=False,
            suite=request.base_url + f"?{WAITING}=1",
            delai=REFRESH_SECONDS,
            retour=back,
        )
        return page, 202, {"Cache-Control": "no-store", "Retry-After": str(REFRESH_SECONDS)}
    except Exception:
        jobs.forget(key)
        raise  # the app's error pages say what is wrong with the dossier
    if request.args.get(WAITING):
        # The refreshing page lands here once: say it is ready and start the download.
        page = render_template(
            "preparation.html", titre=title, pret=True, suite=request.base_url, delai=0, retour=back
        )
        return page, 200, {"Cache-Control": "no-store"}
    return send_file(
        io.BytesIO(ready.data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=ready.name,
        max_age=0,
    )
