"""Documents served by the web wizard: made one at a time, kept while the dossier is unchanged.

The server answers requests from several threads, but Pango, under WeasyPrint, is not
thread-safe: three PDF downloads at once corrupted the process heap (« corrupted double-linked
list »). Every document is therefore made under one process-wide lock, and kept in memory under
the fingerprint of what it is made from (the dossier's answers file, the catalogue, the
templates, the format and webpass's version): a double click or a second download waits for the
first and then costs nothing; an edited dossier gets a new fingerprint, hence a new document.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from webpass import __version__
from webpass.batch.manifest import folder_digest

__all__ = ["MAX_CACHED_BYTES", "Made", "document"]

MAX_CACHED_BYTES = 200_000_000

_lock = threading.Lock()
_cache: OrderedDict[str, Made] = OrderedDict()


@dataclass(frozen=True)
class Made:
    """A document ready to send: its bytes and its file name."""

    data: bytes
    name: str


def fingerprint(kind: str, answers: bytes, folders: Sequence[Path]) -> str:
    """What a document depends on, as one SHA-256."""
    digest = hashlib.sha256()
    for part in (kind, __version__, folder_digest(folders)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(answers)
    return digest.hexdigest()


def document(key: str, make: Callable[[], Made]) -> Made:
    """The document of fingerprint ``key``: from the cache, or made now (one at a time)."""
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        made = make()
        _cache[key] = made
        while sum(len(m.data) for m in _cache.values()) > MAX_CACHED_BYTES and len(_cache) > 1:
            _cache.popitem(last=False)
        return made


def clear() -> None:
    """Forget every kept document (tests)."""
    with _lock:
        _cache.clear()
