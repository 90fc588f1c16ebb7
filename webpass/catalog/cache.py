"""A validated catalogue kept on disk between processes, as data, keyed by what it was made of.

Reading and checking the catalogue (YAML parsing, every clause template parsed, cross-checks)
costs a third of a second, paid again by every ``webpass`` command. Once a catalogue has passed
every check, the data its files held is written to the user's cache folder; the next process
that finds the same bytes, read by the same webpass code with the same libraries and Python,
builds the models from that data and skips the parsing and checks that it already passed.
``webpass catalogue valider`` always checks for real.

What is stored is plain JSON (the YAML values, dates tagged, and the syntax trees Jinja made of
the conditional clauses, as lists), never pickle or marshal: reading an entry never runs code,
its values go through the models' validation again and its trees through the acceptance rules
of :mod:`webpass.untrusted.clause_tree` (a tree refused there is parsed by Jinja again). Its checks
are skipped on the word of its key, so only a folder and files of the user's own, closed to
others, are read (:mod:`webpass.core.disk_cache`). An entry that cannot be read, does not parse,
names another key or format, or that the models refuse is ignored and the catalogue validated
again. ``WEBPASS_CACHE`` names another folder, or ``non`` to keep none.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from webpass.core.disk_cache import (
    CACHE_ENV,
    cache_dir,
    code_digest,
    keep_values,
    package_stamp,
    recall_values,
)
from webpass.core.frozen_record import frozen_record

__all__ = ["CACHE_ENV", "StoredCatalog", "StoredFile", "cache_dir", "read_stored", "write_stored"]

_FORMAT = 3  # of the stored data; bump it when the layout below changes
_PREFIX = "catalogue-"
_MAX_ENTRIES = 16  # a region editing its own catalogue leaves one entry per version tried


@frozen_record
class StoredFile:
    """One file of a validated catalogue: its name in the folder, its data, its items' lines."""

    name: str
    data: Any
    item_lines: tuple[int, ...] = ()


@frozen_record
class StoredCatalog:
    """The files of a catalogue that passed every check, in the order the loader read them."""

    files: tuple[StoredFile, ...]
    # The clauses rendered from Jinja's tree, with that tree as data
    # (:func:`webpass.untrusted.clause_template.trees_to_keep`).
    trees: tuple[tuple[str, Any], ...] = ()


def read_stored(fingerprint: str) -> StoredCatalog | None:
    """The stored catalogue whose files have this digest, or None (missing, corrupt, foreign)."""
    values = recall_values(_PREFIX, _key(fingerprint), _FORMAT)
    if values is None:
        return None
    try:
        files, trees = values
        return StoredCatalog(
            tuple(_stored_file(f) for f in files), tuple(_stored_tree(t) for t in trees)
        )
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def write_stored(fingerprint: str, stored: StoredCatalog) -> None:
    """Keep ``stored`` for the next process; silently nothing when the cache cannot be written."""
    files = [[f.name, f.data, list(f.item_lines)] for f in stored.files]
    trees = [[clause, tree] for clause, tree in stored.trees]
    keep_values(_PREFIX, _key(fingerprint), _FORMAT, [files, trees], _MAX_ENTRIES)


def _key(fingerprint: str) -> str:
    """The catalogue's digest with everything that could change how it validates."""
    import jinja2
    import pydantic
    import pydantic_core

    from webpass import __version__

    # What reads and checks a catalogue: our code, the YAML parser (its files: a process that
    # finds its YAML in the cache need not import it), the template parser that checks clauses,
    # the model validation, Python's Unicode tables.
    parts = [
        _FORMAT,
        __version__,
        pydantic.VERSION,
        pydantic_core.__version__,
        jinja2.__version__,
        package_stamp("yaml"),
        sys.version,
        code_digest(),
        fingerprint,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _stored_file(raw: Any) -> StoredFile:
    name, data, lines = raw
    if not isinstance(name, str) or not all(type(line) is int for line in lines):
        raise ValueError("malformed entry")
    return StoredFile(name, data, tuple(lines))


def _stored_tree(raw: Any) -> tuple[str, Any]:
    text, tree = raw
    if not isinstance(text, str) or not isinstance(tree, list):
        raise ValueError("malformed tree")
    return text, tree
