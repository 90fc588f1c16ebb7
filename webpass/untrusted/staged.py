"""A reading written as stages, so that its slow step can run on another thread.

Reading a grid holds the interpreter lock except while calamine parses the sheets (Rust, lock
released). A reader written as a generator yields that step as a job (a callable taking no
argument) and resumes once it has run: :func:`run_staged` runs the jobs in place, one file after
another; :mod:`webpass.grid.read_many` runs the job of the next file on a worker thread while
the caller checks the current one. Either way the same code reads the file, and an error of a
job is thrown back into the stages where it was yielded, so the reader wraps and names it as if
the job had run in place.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

__all__ = ["Job", "Staged", "resume", "run_staged"]

T = TypeVar("T")

Job = Callable[[], object]
Staged = Generator[Job, None, T]


def run_staged(stages: Staged[T], ran: Job | None = None) -> T:
    """Drive ``stages`` to their end, running here every job they yield, and return their value.

    ``ran``: the outcome of the job the stages last yielded, already run elsewhere (calling it
    returns, or raises the job's error, as :meth:`concurrent.futures.Future.result` does); None
    when the stages have not started.
    """
    try:
        job = next(stages) if ran is None else _step(stages, ran)
        while True:
            job = _step(stages, job)
    except StopIteration as stop:
        value: T = stop.value
        return value


def resume(stages: Staged[T], ran: Job) -> Job:
    """The next job of ``stages``, resumed with the outcome of the one they last yielded
    (``ran``, as in :func:`run_staged`).

    Raises:
        StopIteration: the stages ended; its ``value`` is theirs.
    """
    return _step(stages, ran)


def _step(stages: Staged[T], job: Job) -> Job:
    try:
        job()
    except Exception as exc:  # the reader wraps it, naming its file
        return stages.throw(exc)
    return stages.send(None)
