"""Running a batch: validate every row, skip what is up to date, generate the rest in parallel.

The rows are all read and validated first (:mod:`webpass.batch.rows`); a row whose fingerprint
the manifest records with intact files is skipped; the others go to a pool of warm worker
processes (:mod:`webpass.batch.worker`), which are replaced after about ``max_tasks_per_child``
dossiers each so memory stays flat over thousands of rows.

The replacement is done by running the work in successive pools of ``jobs × max_tasks_per_child``
dossiers, not by a backlog in one pool with ``ProcessPoolExecutor(max_tasks_per_child=…)``
alone: CPython 3.11 to 3.14 deadlock when a worker retires at that limit while tasks are still
queued (https://github.com/python/cpython/issues/115634). Each pool still sets
``max_tasks_per_child`` to the size of its share of work, a hard bound that can only be reached
by a worker that did all of it, when nothing is left in the queue. The manifest is updated as dossiers
complete; the summary files are written at the end, and also when the run is interrupted.

On Linux the workers are forked from a server process that has already imported webpass and
WeasyPrint, so a replaced worker is ready in milliseconds instead of re-importing everything.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from webpass.batch.manifest import (
    SAVE_INTERVAL,
    Manifest,
    OutputFile,
    folder_digest,
    row_fingerprint,
)
from webpass.batch.outcome import BatchResult, RowOutcome, RowStatus
from webpass.batch.rows import BatchRow, load_base, read_batch
from webpass.batch.summary import SUMMARY_CSV, SUMMARY_JSON, write_summaries
from webpass.batch.worker import RowResult, RowTask, generate_row, init_worker
from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.errors import InputError, UsageError
from webpass.core.resources import shipped_catalog_dir
from webpass.core.slug import inside
from webpass.render.dispatch import FORMATS
from webpass.render.html import template_search_path

__all__ = ["BatchInterrupted", "BatchProgress", "default_jobs", "run_batch"]

MAX_TASKS_PER_CHILD = 50
_ATTEMPTS = 2  # a pool whose worker died (out of memory…) is replaced once
_CRASHED = (
    "le processus de génération s'est arrêté brutalement (mémoire insuffisante ?) ; "
    "relancez la commande : seuls les dossiers manquants seront refaits."
)


class BatchProgress(Protocol):
    """What a caller is told while the batch runs (a progress bar, log lines…)."""

    def begin(self, rows: int, to_generate: int, up_to_date: int, invalid: int) -> None:
        """Called once, after validation and before any generation."""

    def advance(self, outcome: RowOutcome) -> None:
        """Called after each generated or failed dossier."""


class BatchInterrupted(Exception):
    """The run was interrupted (Ctrl-C); the manifest and summaries hold what was finished."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__("interrompu")
        self.result = result


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_batch(
    list_path: Path,
    base_answers_path: Path,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    jobs: int | None = None,
    progress: BatchProgress | None = None,
    *,
    catalog_dir: Path | None = None,
    templates: Path | None = None,
    sheet: str | None = None,
    force: bool = False,
    max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
) -> BatchResult:
    """Generate the dossier of every row of ``list_path`` into ``out_dir``.

    Args:
        list_path: the list of collectivities (CSV or XLSX).
        base_answers_path: the answers every row is merged over (YAML).
        out_dir: the output folder; one sub-folder per collectivity, plus the summaries.
        formats: among ``html``, ``pdf``, ``docx``.
        jobs: worker processes; the number of usable cores by default.
        progress: told about each finished dossier.
        catalog_dir: another catalogue than the shipped one.
        templates: the user's template folder, consulted before the shipped templates.
        sheet: the XLSX sheet to read.
        force: regenerate every valid row, even those the manifest says are up to date.
        max_tasks_per_child: dossiers a worker makes before it is replaced.

    Returns:
        The outcome of every row; ``result.exit_code`` is 1 when any row failed.

    Raises:
        UsageError: bad formats or jobs, or an output path that is a file (exit 2).
        UnreadableFileError: the list cannot be read (exit 2).
        InputError: the list lacks a column or a row, the base answers are unreadable (exit 1).
        BatchInterrupted: Ctrl-C; what was finished is recorded.
    """
    started = time.perf_counter()
    wanted = _check_formats(formats)
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs : indiquez au moins 1 processus.")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--sortie {out_dir} est un fichier : indiquez un dossier.")
    catalog = _load_catalog(catalog_dir)
    base = load_base(base_answers_path, catalog)
    rows = read_batch(list_path, base, catalog, sheet=sheet)
    search_path = template_search_path(templates)
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    manifest = Manifest.load(out_dir)
    catalogue_digest = folder_digest([catalog.root])
    templates_digest = folder_digest(search_path)

    outcomes: dict[int, RowOutcome] = {}
    tasks: dict[str, tuple[BatchRow, RowTask]] = {}
    for index, row in enumerate(rows):
        if not row.valid or row.answers_yaml is None:
            outcomes[index] = _outcome(row, RowStatus.INVALID, reason=row.reason)
            continue
        try:
            inside(out_dir, row.folder_name)
        except InputError as error:
            outcomes[index] = _outcome(row, RowStatus.INVALID, reason=error.message)
            continue
        key = row_fingerprint(
            row.answers_yaml, catalog.version, catalogue_digest, templates_digest, wanted
        )
        entry = None if force else manifest.up_to_date(key)
        if entry is not None:
            outcomes[index] = _from_entry(row, entry)
            continue
        tasks[key] = (
            row,
            RowTask(
                key=key,
                out_dir=str(out_dir),
                folder_name=row.folder_name,
                answers_yaml=row.answers_yaml,
                formats=wanted,
                catalog_dir=str(catalog_dir.resolve()) if catalog_dir else None,
                templates=str(templates.resolve()) if templates else None,
            ),
        )
    index_of = {id(row): index for index, row in enumerate(rows)}
    workers = min(jobs or default_jobs(), len(tasks))
    if progress is not None:
        progress.begin(
            len(rows),
            len(tasks),
            sum(1 for o in outcomes.values() if o.status is RowStatus.UP_TO_DATE),
            sum(1 for o in outcomes.values() if o.status is RowStatus.INVALID),
        )

    peak = 0.0

    def finish(row: BatchRow, result: RowResult, notify: bool = True) -> None:
        nonlocal peak
        peak = max(peak, result.memory_mib)
        outcome = _from_result(row, result)
        outcomes[index_of[id(row)]] = outcome
        manifest.record(result.key, _entry(row, outcome))
        if notify and progress is not None:
            progress.advance(outcome)

    def result_now() -> BatchResult:
        done = tuple(outcomes[i] for i in sorted(outcomes))
        result = BatchResult(
            out_dir=out_dir,
            outcomes=done,
            formats=wanted,
            jobs=workers,
            seconds=time.perf_counter() - started,
            peak_worker_mib=peak,
            summary_csv=out_dir / SUMMARY_CSV,
            summary_json=out_dir / SUMMARY_JSON,
            manifest=manifest.path,
        )
        manifest.save()
        write_summaries(result)
        return result

    try:
        remaining = list(tasks.values())
        share = workers * max(1, max_tasks_per_child)
        for attempt in range(1, _ATTEMPTS + 1):
            if not remaining:
                break
            crashed = []
            for start in range(0, len(remaining), share):
                crashed += _run_pool(
                    remaining[start : start + share],
                    workers,
                    wanted,
                    catalog_dir,
                    templates,
                    finish,
                    manifest,
                )
            if crashed and attempt == _ATTEMPTS:
                for row, task in crashed:
                    finish(row, RowResult(task.key, ok=False, reason=_CRASHED))
            remaining = crashed
    except KeyboardInterrupt:
        for index, row in enumerate(rows):
            if index not in outcomes:
                outcomes[index] = _outcome(
                    row, RowStatus.FAILED, reason="interrompu avant sa génération."
                )
        raise BatchInterrupted(result_now()) from None
    return result_now()


def _run_pool(
    work: list[tuple[BatchRow, RowTask]],
    workers: int,
    formats: tuple[str, ...],
    catalog_dir: Path | None,
    templates: Path | None,
    finish: Callable[[BatchRow, RowResult, bool], None],
    manifest: Manifest,
) -> list[tuple[BatchRow, RowTask]]:
    """Run ``work`` in a fresh pool of warm workers; returns the tasks lost because one died."""
    crashed: list[tuple[BatchRow, RowTask]] = []
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context("pdf" in formats),
        initializer=init_worker,
        initargs=(
            str(catalog_dir.resolve()) if catalog_dir else None,
            str(templates.resolve()) if templates else None,
            "pdf" in formats,
        ),
        # Reached only by a worker that did the whole share, when the queue is empty (see the
        # module docstring): the executor's own bound, without its deadlock.
        max_tasks_per_child=len(work),
    )
    pending: dict[Future[RowResult], tuple[BatchRow, RowTask]] = {}
    try:
        for row, task in work:
            pending[executor.submit(generate_row, task)] = (row, task)
        while pending:
            done, _ = wait(pending, timeout=SAVE_INTERVAL, return_when=FIRST_COMPLETED)
            for future in done:
                row, task = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    crashed.append((row, task))
                    continue
                except Exception as error:  # the task could not be sent or run at all
                    result = RowResult(
                        task.key,
                        ok=False,
                        reason=f"erreur interne ({type(error).__name__}) : {error}",
                    )
                finish(row, result, True)
            manifest.save(force=False)
    except BaseException:
        # Ctrl-C: drop what has not started, let the dossiers in progress end (so no worker
        # writes after we return) and record them, then let the interruption go on.
        executor.shutdown(wait=True, cancel_futures=True)
        for future, (row, _task) in pending.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                finish(row, future.result(), False)
        raise
    executor.shutdown(wait=True)
    return crashed


def _context(preload_pdf: bool) -> Any:
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        modules = ["webpass.batch.worker", "webpass.render.dispatch", "webpass.documents.cctp"]
        if preload_pdf:
            modules.append("webpass.render.pdf")
        # Only takes effect when the fork server starts (once per process): later runs reuse it.
        context.set_forkserver_preload(modules)
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - macOS, Windows


def _check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageError(
            f"format(s) inconnu(s) : {', '.join(unknown) or '(aucun)'} ; formats possibles : html, pdf, docx."
        )
    return wanted


def _load_catalog(catalog_dir: Path | None) -> Catalog:
    if catalog_dir is None:
        return load_shipped_catalog()
    if catalog_dir.resolve() == shipped_catalog_dir().resolve():
        return load_shipped_catalog()
    return load_catalog(catalog_dir)


def _outcome(row: BatchRow, status: RowStatus, reason: str | None = None) -> RowOutcome:
    folder = row.folder_name if status is not RowStatus.INVALID else ""
    return RowOutcome(row.line, row.name, row.insee, folder, status, reason=reason)


def _from_result(row: BatchRow, result: RowResult) -> RowOutcome:
    if not result.ok:
        return RowOutcome(
            row.line,
            row.name,
            row.insee,
            row.folder_name,
            RowStatus.FAILED,
            reason=result.reason,
            seconds=result.seconds,
        )
    return RowOutcome(
        row.line,
        row.name,
        row.insee,
        row.folder_name,
        RowStatus.GENERATED,
        files=result.files,
        pages=result.pages,
        estimate=result.estimate,
        subsidy=result.subsidy,
        seconds=result.seconds,
        memory_mib=result.memory_mib,
    )


def _entry(row: BatchRow, outcome: RowOutcome) -> dict[str, Any]:
    return {
        "dossier": row.folder_name,
        "ligne": row.line,
        "nom": row.name,
        "statut": "genere" if outcome.status is RowStatus.GENERATED else "echec",
        "fichiers": [file.as_json() for file in outcome.files],
        "pages": outcome.pages,
        "estimation": outcome.estimate,
        "subvention": outcome.subsidy,
        "motif": outcome.reason,
    }


def _from_entry(row: BatchRow, entry: dict[str, Any]) -> RowOutcome:
    return RowOutcome(
        row.line,
        row.name,
        row.insee,
        row.folder_name,
        RowStatus.UP_TO_DATE,
        files=tuple(OutputFile.from_json(item) for item in entry["fichiers"]),
        pages=entry.get("pages"),
        estimate=entry.get("estimation"),
        subsidy=entry.get("subvention"),
    )
