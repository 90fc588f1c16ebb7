"""Reading several filled grids, the next ones inflated and parsed on the second core while this one is checked.

Calamine parses a sheet and zlib inflates a part with the interpreter lock released, more than
a third of reading a grid; the rest (archive checks, rows, the caller's check of the offer)
holds it. :func:`read_filled_grids` reads each grid with the very code of
:func:`~webpass.grid.read.read_filled_grid`, written as stages
(:mod:`~webpass.untrusted.staged`), whose jobs go to one worker thread: while grid n is
finished here and handed to the caller, the worker parses the sheets of grid n + 1 and
inflates the large parts of grid n + 2.

A thread waiting for the lock gets it only when the holder is asked to let go, every switch
interval (5 ms by default): the worker, back from each sheet's parse, waited that long, and
ate the gain. While grids are read so, the interval is shortened (:data:`SWITCH_INTERVAL`), and
restored once the last reading of the process ends, however it ends.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from webpass.grid.read import FilledGrid, filled_grid_stages
from webpass.untrusted.staged import Staged, resume, run_staged

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
    if len(paths) < 2 or _usable_cores() < 2:  # nothing to overlap, or nothing to overlap on
        yield from (_read_in_place(path) for path in paths)
        return
    # Three grids in flight: the newest has its large parts inflated, the one before it its
    # sheets parsed, by the worker, while the oldest is finished here and handed over.
    window: deque[_Reading] = deque()
    with _ShortSwitchInterval(), ThreadPoolExecutor(1, "webpass-grilles") as worker:
        try:
            for path in paths:
                window.append(_Reading.start(path, worker))
                if len(window) > 1:
                    window[-2].advance(worker)
                if len(window) > 2:
                    yield window.popleft().finish(worker)
            while window:
                yield window.popleft().finish(worker)
        finally:
            while window:  # the caller stopped early: no job may outlive its workbook
                window.popleft().abandon()


def _usable_cores() -> int:
    # The cores this process may run on (a container or taskset may allow fewer than exist).
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _read_in_place(path: Path) -> GridRead:
    try:
        return GridRead(path, grid=run_staged(filled_grid_stages(path)))
    except Exception as exc:  # handed over in its place, as a reading in place raises it
        return GridRead(path, error=exc)


@dataclass(slots=True)
class _Reading:
    """A grid's stages, run here up to their next job, which the worker runs (or read)."""

    path: Path
    stages: Staged[FilledGrid]
    job: Future[object] | None = None
    read: GridRead | None = None

    @classmethod
    def start(cls, path: Path, worker: ThreadPoolExecutor) -> _Reading:
        reading = cls(path, filled_grid_stages(path))
        try:
            reading.job = worker.submit(next(reading.stages))
        except StopIteration as stop:  # read at once (CSV, YAML, JSON, openpyxl's reader)
            reading.read = GridRead(path, grid=stop.value)
        except Exception as exc:
            reading.read = GridRead(path, error=exc)
        return reading

    def advance(self, worker: ThreadPoolExecutor) -> None:
        """Wait for the job, run the stages here up to the next one, and hand it over."""
        if self.read is not None or self.job is None:
            return
        try:
            self.job = worker.submit(resume(self.stages, self.job.result))
        except StopIteration as stop:
            self.read = GridRead(self.path, grid=stop.value)
        except Exception as exc:
            self.read = GridRead(self.path, error=exc)

    def finish(self, worker: ThreadPoolExecutor) -> GridRead:
        while self.read is None:
            self.advance(worker)
        return self.read

    def abandon(self) -> None:
        if self.job is not None and not self.job.cancel():
            wait([self.job])  # running: closing the stages closes its workbook
        self.stages.close()


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
