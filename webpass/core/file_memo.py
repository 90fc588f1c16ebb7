"""What a process reads from a file once, read again only when the file changes.

A batch worker selects hundreds of dossiers against the same catalogue: its cost model, its
thresholds and its aid rules are the same files every time, and validating them again for each
commune cost milliseconds of every dossier. The key is the file's identity, size and
modification time, so a long-lived process (the web wizard) still sees a catalogue edited
meanwhile; a file that cannot be examined is not remembered, and its loader reports the problem
as it always did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["read_once"]

T = TypeVar("T")

_lock = threading.Lock()
_memo: dict[tuple[str, Path], tuple[tuple[int, int, int, int], Any]] = {}


def read_once(kind: str, path: Path, loader: Callable[[], T]) -> T:
    """``loader()``, which reads ``path`` only, remembered under ``kind`` while ``path`` is unchanged.

    The value is shared by every caller: it must not be modified.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return loader()
    signature = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    key = (kind, Path(path).absolute())
    with _lock:
        found = _memo.get(key)
    if found is not None and found[0] == signature:
        value: T = found[1]
        return value
    value = loader()
    with _lock:
        _memo[key] = (signature, value)
    return value
