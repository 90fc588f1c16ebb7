"""Imported by the fork server of a batch, and only there: see :func:`.worker.prepare_shared`.

``multiprocessing`` lets a fork server import modules before it forks any worker, and nothing
else; importing this one is how the server prepares what every worker shares.
"""

from __future__ import annotations

from webpass.batch.worker import prepare_shared

prepare_shared()
