"""Reading several filled grids, the next one parsed on the second core while this one is checked.

Calamine parses a sheet with the interpreter lock released, a third of reading a grid; the rest
(archive checks, rows, the caller's check of the offer) holds it. :func:`read_filled_grids`
reads each grid with the very code of :func:`~webpass.grid.read.read_filled_grid`, written as
stages (:mod:`~webpass.untrusted.staged`): the checks of grid n + 1 run here, then its parse
goes to one worker thread while grid n is finished here and handed to the caller.

A thread waiting for the lock gets it only when the holder is asked to let go, every switch
interval (5 ms by default): the worker, back from each sheet's parse, waited that long, and
ate the gain. While grids are read so, the interval is shortened (:data:`SWITCH_INTERVAL`), and
restored once the last reading of the process ends, however it ends.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from webpass.grid.read import FilledGrid, filled_grid_stages
from webpass.untrusted.staged import Job, Staged, run_staged

__all__ = ["SWITCH_INTERVAL", "GridRead", "read_filled_grids"]

# Seconds. A sheet's parse takes about a millisecond: much longer than this, and the worker
# waits more for the lock than it parses; much shorter, and the two threads trade the lock
# for nothing.
SWITCH_INTERVAL = 0.0002


@dataclass(frozen=True, slots=True)
class GridRead:
    """One grid read: the grid, or the error its reading raised."""

    path: Path
    grid: FilledGrid | None = None
    error: Exception | None = None

    def result(self) -> FilledGrid:
        """The grid, or raise what :func:`~webpass.grid.read.read_filled_grid` would have.

        Raises:
            UnreadableFileError: missing, irregular, too large or hostile (exit code 2).
            InputError: a readable file that is not a grid (exit code 1).
        """
        if self.error is not None:
            raise self.error
        assert self.grid is not None  # one of the two is set
        return self.grid


def read_filled_grids(paths: Iterable[Path]) -> Generator[GridRead, None, None]:
    """Each of ``paths`` read as :func:`~webpass.grid.read.read_filled_grid` reads it, in order.

    A grid that cannot be read gives its error in its place (:meth:`GridRead.result` raises
    it) and the others are still read. The next grid is read ahead while the caller works on
    the one handed over; close the iterator (or exhaust it) to end the reading: a ``for`` loop
    does, and so does :func:`contextlib.closing`.
    """
    paths = list(paths)
    if len(paths) < 2:  # nothing to overlap
        yield from (_read_in_place(path) for path in paths)
        return
    pending: deque[_Started] = deque()
    with _ShortSwitchInterval(), ThreadPoolExecutor(1, "webpass-grilles") as worker:
        try:
            for path in paths:
                pending.append(_start(path, worker))
                if len(pending) > 1:
                    yield pending.popleft().finish()
            while pending:
                yield pending.popleft().finish()
        finally:
            while pending:  # the caller stopped early: no job may outlive its workbook
                pending.popleft().abandon()


def _read_in_place(path: Path) -> GridRead:
    try:
        return GridRead(path, grid=run_staged(filled_grid_stages(path)))
    except Exception as exc:  # handed over in its place, as a reading in place raises it
        return GridRead(path, error=exc)


@dataclass(slots=True)
class _Started:
    """A grid whose stages have run up to their job, submitted to the worker (or none)."""

    path: Path
    stages: Staged[FilledGrid] | None
    job: Future[object] | None
    read: GridRead | None

    def finish(self) -> GridRead:
        if self.read is not None:
            return self.read
        assert self.stages is not None and self.job is not None
        try:
            return GridRead(self.path, grid=run_staged(self.stages, self.job.result))
        except Exception as exc:
            return GridRead(self.path, error=exc)

    def abandon(self) -> None:
        if self.job is not None and not self.job.cancel():
            wait([self.job])  # running: closing the stages closes its workbook
        if self.stages is not None:
            self.stages.close()


def _start(path: Path, worker: ThreadPoolExecutor) -> _Started:
    stages = filled_grid_stages(path)
    try:
        job: Job = next(stages)
    except StopIteration as stop:  # read at once (CSV, YAML, JSON, openpyxl's reader)
        return _Started(path, None, None, GridRead(path, grid=stop.value))
    except Exception as exc:
        return _Started(path, None, None, GridRead(path, error=exc))
    return _Started(path, stages, worker.submit(job), None)


class _ShortSwitchInterval:
    """The interpreter's switch interval at most :data:`SWITCH_INTERVAL` while any reading runs.

    Readings may overlap (threads of a server): the first to start keeps the interval it
    found, the last to end puts it back.
    """

    _lock = threading.Lock()
    _active = 0
    _saved = 0.0

    def __enter__(self) -> None:
        cls = type(self)
        with cls._lock:
            if cls._active == 0:
                cls._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(cls._saved, SWITCH_INTERVAL))
            cls._active += 1

    def __exit__(self, *exc: object) -> None:
        cls = type(self)
        with cls._lock:
            cls._active -= 1
            if cls._active == 0:
                sys.setswitchinterval(cls._saved)
