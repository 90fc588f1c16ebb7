"""Batch mode: one dossier per row of a list of collectivities (``webpass lot``).

- :mod:`webpass.batch.plan` says what the batch will make, from the list alone, at once;
- :mod:`webpass.batch.rows` reads the list, merges each row over the base answers and validates
  it with the wizard's validators;
- :mod:`webpass.batch.manifest` records what each row produced, so a re-run skips it;
- :mod:`webpass.batch.server` starts the fork server of the workers early;
- :mod:`webpass.batch.worker` is what runs in the warm worker processes;
- :mod:`webpass.batch.run` runs the pool and writes the summaries
  (:mod:`webpass.batch.summary`).

The library entry point is :func:`run_batch`; it imports no WeasyPrint in the calling process.
The names below are imported on first use, so ``webpass.batch.plan`` and
``webpass.batch.server`` are ready before the rest is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from webpass.batch.outcome import BatchResult, RowOutcome, RowStatus
    from webpass.batch.run import BatchInterrupted, BatchProgress, default_jobs, run_batch

_API = {
    "BatchInterrupted": "webpass.batch.run",
    "BatchProgress": "webpass.batch.run",
    "BatchResult": "webpass.batch.outcome",
    "RowOutcome": "webpass.batch.outcome",
    "RowStatus": "webpass.batch.outcome",
    "default_jobs": "webpass.batch.run",
    "run_batch": "webpass.batch.run",
}

__all__ = [
    "BatchInterrupted",
    "BatchProgress",
    "BatchResult",
    "RowOutcome",
    "RowStatus",
    "default_jobs",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'webpass.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(_API[name]), name)
