"""Running a batch: validate every row, skip what is up to date, generate the rest in parallel.

The rows are all read and validated first (:mod:`webpass.batch.rows`); a row whose fingerprint
the manifest records with intact files is skipped; the others go to warm worker processes
(:mod:`webpass.batch.pool`, :mod:`webpass.batch.worker`), in successive pools of
``jobs × TASKS_PER_WORKER`` dossiers so memory stays flat over thousands of rows. The manifest
is updated as dossiers complete; the summary files are written at the end, and also when the run
is interrupted. One run at a time writes into an output folder (:mod:`webpass.batch.lock`).

On Linux the workers are forked from a server process that has already imported webpass and
the PDF engine its documents use (Typst, or WeasyPrint for HTML templates), so a new worker is
ready in milliseconds instead of re-importing everything; the server is started first
(:mod:`webpass.batch.server`), so its imports overlap the validation of the rows.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from webpass.batch.lock import output_lock, remove_stale_temporaries
from webpass.batch.manifest import (
    SAVE_INTERVAL,
    Manifest,
    OutputFile,
    folder_digest,
    row_fingerprint,
)
from webpass.batch.outcome import BatchResult, RowOutcome, RowStatus
from webpass.batch.plan import makes_everything
from webpass.batch.pool import Interrupted, Terminate, enter_worker, run_share
from webpass.batch.rows import BatchRow, load_base, read_batch
from webpass.batch.server import server_context, start_server, weasyprint_used
from webpass.batch.summary import SUMMARY_CSV, SUMMARY_JSON, write_summaries
from webpass.batch.worker import RowResult, RowTask, generate_row, init_worker
from webpass.catalog import Catalog, load_catalog, load_shipped_catalog
from webpass.core.errors import InputError, UsageError
from webpass.core.frozen_record import frozen_record
from webpass.core.resources import shipped_catalog_dir
from webpass.core.slug import inside
from webpass.render.dispatch import FORMATS, PdfEngine
from webpass.render.html import template_search_path

__all__ = ["BatchInterrupted", "BatchProgress", "default_jobs", "run_batch"]

TASKS_PER_WORKER = 50  # dossiers a worker makes before its pool is replaced by a fresh one
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

    def stopping(self) -> None:
        """Called at once on the first Ctrl-C, before the dossiers in progress are waited for."""

    def warn(self, line: int, message: str) -> None:
        """Called before generation for each row that looks wrong but is made anyway."""


class BatchInterrupted(Exception):
    """The run was interrupted (Ctrl-C, SIGTERM); the manifest and summaries hold what finished.

    Attributes:
        result: every row's outcome; those not made are failed « interrompu ».
        stopped: dossiers in progress that were ended before they finished (made again by the
            next run).
        remaining: dossiers not made, which the next run will make.
    """

    def __init__(self, result: BatchResult, stopped: int = 0, remaining: int = 0) -> None:
        super().__init__("interrompu")
        self.result = result
        self.stopped = stopped
        self.remaining = remaining


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
    tasks_per_worker: int = TASKS_PER_WORKER,
    engine: PdfEngine | None = None,
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
        tasks_per_worker: dossiers a worker makes before its pool is replaced.
        engine: the PDF engine (``--moteur``); None lets each document choose (Typst, or
            WeasyPrint for the user's templates).

    Returns:
        The outcome of every row; ``result.exit_code`` is 1 when any row failed.

    Raises:
        UsageError: bad formats or jobs, an output path that is a file, or an output folder
            another run is writing into (exit 2).
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
    if makes_everything(out_dir, force):
        # The workers' server imports on another core while the rows are validated.
        start_server("pdf" in wanted, weasyprint_used(engine, templates))
    catalog = _load_catalog(catalog_dir)
    base = load_base(base_answers_path, catalog)
    rows = read_batch(list_path, base, catalog, sheet=sheet)
    search_path = template_search_path(templates)
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    with output_lock(out_dir):
        remove_stale_temporaries(out_dir)
        options = _Options(catalog_dir, templates, jobs, max(1, tasks_per_worker), force, engine)
        plan = _Plan(out_dir, wanted, Manifest.load(out_dir), started, options)
        plan.prepare(rows, catalog, folder_digest([catalog.root]), folder_digest(search_path))
        return plan.run(progress)


@frozen_record
class _Options:
    catalog_dir: Path | None
    templates: Path | None
    jobs: int | None
    per_worker: int
    force: bool
    engine: PdfEngine | None = None


class _Plan:
    """One run over validated rows: what is up to date, what to make, and the outcomes so far."""

    def __init__(
        self,
        out_dir: Path,
        formats: tuple[str, ...],
        manifest: Manifest,
        started: float,
        options: _Options,
    ) -> None:
        self.out_dir = out_dir
        self.formats = formats
        self.manifest = manifest
        self.started = started
        self.rows: list[BatchRow] = []
        self.outcomes: dict[int, RowOutcome] = {}
        self.tasks: list[tuple[int, RowTask]] = []
        self.options = options
        self.workers = 0
        self.peak = 0.0

    def prepare(
        self, rows: list[BatchRow], catalog: Catalog, catalogue: str, templates: str
    ) -> None:
        """Sort the rows into invalid and valid (the tasks); each task keyed by its fingerprint."""
        self.rows = rows
        for index, row in enumerate(rows):
            if not row.valid or row.answers_yaml is None:
                self.outcomes[index] = _outcome(row, RowStatus.INVALID, reason=row.reason)
                continue
            try:
                inside(self.out_dir, row.folder_name)
            except InputError as error:
                self.outcomes[index] = _outcome(row, RowStatus.INVALID, reason=error.message)
                continue
            key = row_fingerprint(
                row.answers_yaml,
                catalog.version,
                catalogue,
                templates,
                self.formats,
                self.options.engine if "pdf" in self.formats else None,
            )
            self.tasks.append((index, self._task(row, key)))

    def _task(self, row: BatchRow, key: str) -> RowTask:
        catalog_dir, templates = self.options.catalog_dir, self.options.templates
        assert row.answers_yaml is not None
        return RowTask(
            key=key,
            out_dir=str(self.out_dir),
            folder_name=row.folder_name,
            answers_yaml=row.answers_yaml,
            formats=self.formats,
            catalog_dir=str(catalog_dir.resolve()) if catalog_dir else None,
            templates=str(templates.resolve()) if templates else None,
            engine=self.options.engine.value if self.options.engine else None,
        )

    def run(self, progress: BatchProgress | None) -> BatchResult:
        """Skip what is up to date, make the rest in successive pools; the result of every row."""
        todo = []
        for index, task in self.tasks:
            entry = None if self.options.force else self.manifest.up_to_date(task.key)
            if entry is None:
                todo.append((index, task))
            else:
                self.outcomes[index] = _from_entry(self.rows[index], entry)
        self.workers = min(self.options.jobs or default_jobs(), len(todo))
        if progress is not None:
            if hasattr(progress, "warn"):  # optional: older listeners lack it
                for row in self.rows:
                    for warning in row.warnings:
                        progress.warn(row.line, warning)
            statuses = [o.status for o in self.outcomes.values()]
            progress.begin(
                len(self.rows),
                len(todo),
                statuses.count(RowStatus.UP_TO_DATE),
                statuses.count(RowStatus.INVALID),
            )
        previous = _terminate_on_sigterm()
        try:
            self._generate(todo, progress)
        except Interrupted as stop:
            remaining = [i for i in range(len(self.rows)) if i not in self.outcomes]
            for index in remaining:
                self.outcomes[index] = _outcome(
                    self.rows[index], RowStatus.FAILED, reason="interrompu avant d'être produit."
                )
            remove_stale_temporaries(self.out_dir)
            raise BatchInterrupted(self.result(), stop.killed, len(remaining)) from None
        finally:
            _restore_sigterm(previous)
        return self.result()

    def _generate(self, todo: list[tuple[int, RowTask]], progress: BatchProgress | None) -> None:
        if not todo:
            return
        share = self.workers * self.options.per_worker

        def finish(item: tuple[int, RowTask], result: RowResult) -> None:
            self.record(item[0], result, progress)

        def stopping() -> None:
            if progress is not None and hasattr(progress, "stopping"):
                progress.stopping()

        for attempt in range(1, _ATTEMPTS + 1):
            crashed: list[tuple[int, RowTask]] = []
            for start in range(0, len(todo), share):
                outcome = run_share(
                    todo[start : start + share],
                    lambda item: item[1],
                    generate_row,
                    _executor(self.workers, self.formats, self.options),
                    finish,
                    stopping,
                    in_flight=self.workers,
                    tick=SAVE_INTERVAL,
                    on_tick=lambda: self.manifest.save(force=False),
                )
                crashed += outcome.crashed
            if crashed and attempt == _ATTEMPTS:
                for index, task in crashed:
                    self.record(index, RowResult(task.key, ok=False, reason=_CRASHED), progress)
            todo = crashed
            if not todo:
                return

    def record(self, index: int, result: RowResult, progress: BatchProgress | None) -> None:
        """A dossier is done (made or failed): its outcome, the manifest, the progress."""
        row = self.rows[index]
        self.peak = max(self.peak, result.memory_mib)
        outcome = _from_result(row, result)
        self.outcomes[index] = outcome
        self.manifest.record(result.key, _entry(row, outcome))
        if progress is not None:
            progress.advance(outcome)

    def result(self) -> BatchResult:
        """The outcomes so far, with the manifest and the summaries written."""
        result = BatchResult(
            out_dir=self.out_dir,
            outcomes=tuple(self.outcomes[i] for i in sorted(self.outcomes)),
            formats=self.formats,
            jobs=self.workers,
            seconds=time.perf_counter() - self.started,
            peak_worker_mib=self.peak,
            summary_csv=self.out_dir / SUMMARY_CSV,
            summary_json=self.out_dir / SUMMARY_JSON,
            manifest=self.manifest.path,
        )
        self.manifest.save()
        write_summaries(result)
        return result


def _terminate_on_sigterm() -> Any:
    """In the main thread, SIGTERM stops the run like a second Ctrl-C (workers ended at once)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum: int, frame: Any) -> None:
        raise Terminate

    return signal.signal(signal.SIGTERM, handler)


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _executor(workers: int, formats: tuple[str, ...], options: _Options) -> ProcessPoolExecutor:
    """Fresh warm workers; never ``max_tasks_per_child`` (see :mod:`webpass.batch.pool`)."""
    catalog_dir, templates = options.catalog_dir, options.templates
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=server_context("pdf" in formats, weasyprint_used(options.engine, templates)),
        initializer=enter_worker,
        initargs=(
            os.getpid(),
            init_worker,
            str(catalog_dir.resolve()) if catalog_dir else None,
            str(templates.resolve()) if templates else None,
            "pdf" in formats,
            options.engine.value if options.engine else None,
        ),
    )


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
