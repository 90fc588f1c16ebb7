"""The worker processes of a batch: warm, in their own process group, ended with the parent.

A pool runs one share of the work in a :class:`~concurrent.futures.ProcessPoolExecutor` and is
then shut down; the next share gets fresh workers, which keeps memory flat over thousands of
rows. The executor's own ``max_tasks_per_child`` is never used: with the forkserver start
method CPython 3.11 to 3.14 deadlock when a worker retires while tasks are queued
(https://github.com/python/cpython/issues/115634), and ``webpass lot`` then hung at [50/55].

What the workers are promised:

* each worker puts itself in a process group of its own, so a Ctrl-C typed in the terminal
  reaches the parent only: the parent decides what stops, and when;
* a worker ends with the parent, whatever kills it (Ctrl-C, ``kill``, ``kill -9``, a crash): it
  watches the parent's process descriptor (``pidfd``) from a thread and exits the moment the
  parent is gone, and asks the kernel for SIGKILL when its own parent dies (the fork server);
  nothing is left writing into the output folder, nor blocked, under PID 1.

What the parent does when interrupted (:func:`run_share`): the first Ctrl-C cancels what has not
started and gives the dossiers in progress :data:`GRACE_SECONDS` to finish (they are recorded);
a second Ctrl-C, or the end of the grace, ends the workers at once (their process group gets
SIGKILL). A dossier ended that way is not recorded, so the next run makes it again.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = [
    "GRACE_SECONDS",
    "Interrupted",
    "ShareOutcome",
    "Terminate",
    "enter_worker",
    "run_share",
]

GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1

T = TypeVar("T")
R = TypeVar("R")


class Terminate(KeyboardInterrupt):
    """SIGTERM, raised in the parent: stop like a second Ctrl-C, without a grace."""


class Interrupted(Exception):
    """The run was stopped by the user (Ctrl-C) or by SIGTERM; what finished was recorded."""

    def __init__(self, killed: int, forced: bool) -> None:
        super().__init__("interrompu")
        self.killed = killed
        self.forced = forced


@dataclass
class ShareOutcome(Generic[T]):
    """What a share left undone because a worker died (out of memory…), to be tried again."""

    crashed: list[T] = field(default_factory=list)


def enter_worker(parent_pid: int, initializer: Callable[..., None], *args: Any) -> None:
    """Worker initializer: own process group, tied to the parent's life, then ``initializer``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    _die_with_parent(parent_pid)
    initializer(*args)


def _die_with_parent(parent_pid: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        descriptor = os.pidfd_open(parent_pid)
    except ProcessLookupError:
        os._exit(1)  # the parent died before this worker was ready
    except (OSError, AttributeError):  # pragma: no cover - not Linux ≥ 5.3
        return

    def watch() -> None:
        select.select([descriptor], [], [])  # readable when the parent has exited
        os._exit(1)

    threading.Thread(target=watch, name="webpass-parent-watch", daemon=True).start()


def run_share(
    work: Sequence[T],
    task_of: Callable[[T], Any],
    function: Callable[[Any], R],
    executor: ProcessPoolExecutor,
    on_result: Callable[[T, R], None],
    on_stopping: Callable[[], None],
    *,
    in_flight: int,
    tick: float = 1.0,
    on_tick: Callable[[], None] = lambda: None,
    grace: float = GRACE_SECONDS,
) -> ShareOutcome[T]:
    """Run ``function(task_of(item))`` for every item on ``executor``, reporting each result.

    At most ``in_flight`` tasks are handed to the executor at a time (one per worker), so a
    Ctrl-C has only the dossiers really in progress to wait for.

    Raises:
        Interrupted: after a Ctrl-C (KeyboardInterrupt) or SIGTERM (:class:`Terminate`); the
            results that came in during the grace were reported, the workers are gone.
    """
    outcome: ShareOutcome[T] = ShareOutcome()
    pending: dict[Future[R], T] = {}
    queue = list(reversed(work))
    try:
        while queue or pending:
            while queue and len(pending) < in_flight:
                item = queue.pop()
                pending[executor.submit(function, task_of(item))] = item
            done, _ = wait(pending, timeout=tick, return_when=FIRST_COMPLETED)
            _collect(done, pending, on_result, outcome)
            on_tick()
    except KeyboardInterrupt as stop:
        wait_for = 0.0 if isinstance(stop, Terminate) else grace
        with _second_stop_kills(executor) as forced:
            on_stopping()
            lost = _finish_running(executor, pending, on_result, wait_for, forced)
        raise Interrupted(lost, forced.is_set()) from None
    except BaseException:
        _kill(executor)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    return outcome


def _collect(
    done: set[Future[R]],
    pending: dict[Future[R], T],
    on_result: Callable[[T, R], None],
    outcome: ShareOutcome[T],
) -> None:
    for future in done:
        item = pending.pop(future)
        if future.cancelled():
            continue
        try:
            result = future.result()
        except BrokenProcessPool:
            outcome.crashed.append(item)
            continue
        on_result(item, result)


@contextlib.contextmanager
def _second_stop_kills(executor: ProcessPoolExecutor) -> Iterator[threading.Event]:
    """While the running dossiers are waited for, a Ctrl-C or SIGTERM ends the workers at once.

    The signal handler kills rather than raises: an exception could land anywhere, in the
    middle of recording a result; killing the workers makes the wait return at once instead.
    """
    forced = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield forced
        return

    def kill_now(signum: int, frame: Any) -> None:
        forced.set()
        _kill(executor)

    previous = {sig: signal.signal(sig, kill_now) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield forced
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _finish_running(
    executor: ProcessPoolExecutor,
    pending: dict[Future[R], T],
    on_result: Callable[[T, R], None],
    grace: float,
    forced: threading.Event,
) -> int:
    """Wait ``grace`` for the dossiers in progress and report them; the number that were not."""
    if grace <= 0:
        forced.set()
        _kill(executor)
    done, _ = wait(pending, timeout=grace)
    lost = 0
    for future, item in pending.items():
        if future in done and not future.cancelled() and future.exception() is None:
            on_result(item, future.result())
        else:
            lost += 1
    if lost:
        _kill(executor)
    executor.shutdown(wait=not lost and not forced.is_set(), cancel_futures=True)
    return lost


def _kill(executor: ProcessPoolExecutor) -> None:
    """SIGKILL to the process group of every worker (a worker leads its own group)."""
    processes = getattr(executor, "_processes", None) or {}
    for pid in list(processes):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
