"""One batch run at a time per output folder, and no half-written file left behind.

Two ``webpass lot`` runs writing into the same ``--sortie`` would each rewrite the manifest and
the summaries with their own view (the last one wins, ``synthese.csv`` lists one run). The
first run takes an exclusive lock on a file of the folder (``flock``: released by the kernel
when the process ends, however it ends); the second is refused at once.

Files are written through a temporary file renamed over the target (:mod:`webpass.atomic`);
a worker ended in the middle of a write leaves that temporary file. While it holds the lock a
run removes those left by an earlier, interrupted run: no other process can be writing them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

from webpass.core.errors import UsageError

__all__ = ["LOCK_FILE", "output_lock", "remove_stale_temporaries"]

LOCK_FILE = ".webpass-lot.verrou"
# The temporary names of webpass.atomic: ".NAME.XXXXXXXX.tmp" (hidden, random part, .tmp).
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for the duration of the block.

    Raises:
        UsageError: another run holds it, or the folder cannot be written (exit 2).
    """
    path = out_dir / LOCK_FILE
    try:
        descriptor = os.open(
            path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o644
        )
    except OSError as exc:
        raise UsageError(
            f"--sortie {out_dir} : impossible d'y écrire ({exc.strerror}) ; choisissez un "
            "dossier où vous avez le droit d'écrire."
        ) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise UsageError(
                f"--sortie {out_dir} : un autre « webpass lot » écrit déjà dans ce dossier ; "
                "attendez qu'il se termine ou choisissez un autre dossier de sortie."
            ) from exc
        yield
    finally:
        os.close(descriptor)  # releases the lock


def remove_stale_temporaries(out_dir: Path) -> int:
    """Remove the temporary files of interrupted writes in ``out_dir`` and its sub-folders."""
    removed = 0
    for folder in (out_dir, *(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink())):
        for path in folder.iterdir():
            if _TEMPORARY.match(path.name) and path.is_file() and not path.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
    return removed
