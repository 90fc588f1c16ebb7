"""Batch mode: one dossier per row of a list of collectivities (``webpass lot``).

- :mod:`webpass.batch.rows` reads the list, merges each row over the base answers and validates
  it with the wizard's validators;
- :mod:`webpass.batch.manifest` records what each row produced, so a re-run skips it;
- :mod:`webpass.batch.worker` is what runs in the warm worker processes;
- :mod:`webpass.batch.run` runs the pool and writes the summaries
  (:mod:`webpass.batch.summary`).

The library entry point is :func:`run_batch`; it imports no WeasyPrint in the calling process.
"""

from __future__ import annotations

from webpass.batch.outcome import BatchResult, RowOutcome, RowStatus
from webpass.batch.run import BatchInterrupted, BatchProgress, default_jobs, run_batch

__all__ = [
    "BatchInterrupted",
    "BatchProgress",
    "BatchResult",
    "RowOutcome",
    "RowStatus",
    "default_jobs",
    "run_batch",
]
