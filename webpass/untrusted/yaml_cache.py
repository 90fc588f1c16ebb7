"""A YAML file read before, kept as what its reading gave: the next process skips the parsing.

Every ``webpass generer`` reads four YAML files (the dossier's answers, the catalogue's cost
model, thresholds and contract data): the event scan, libyaml's composition and the conversion
that records where each value stands cost some fifty million instructions, about three per cent
of the command outside the PDF engine (issue 24), and PyYAML's import as much again. A text that
passed :mod:`webpass.untrusted.safe_yaml`'s gates is kept in the user's cache folder
(:mod:`webpass.core.disk_cache`), keyed by its digest, the limits it was read under, webpass's
code and PyYAML's files: its values (dates tagged), the place of each value and key, and which
scalars YAML read as floats. The next read of the same text under the same limits by the same
code gets the same :class:`~webpass.untrusted.safe_yaml.Located` from it, without the gates it
already passed. Only the folder and files of the user's own are read, never code (JSON); an
entry that cannot be read or does not parse is ignored, the text read again and the entry
written anew. A refused text is never kept: it is refused every time.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from webpass.core.disk_cache import code_digest, keep_values, package_stamp, recall_values

if TYPE_CHECKING:
    from webpass.untrusted.safe_yaml import Located, Path_, YamlLimits

    # The data, the marks, the key marks and the float paths of a Located.
    Recalled = tuple[Any, dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]], set[Path_]]

__all__ = ["keep", "recall"]

_FORMAT = 1  # of the stored data; bump it when the layout below changes
_PREFIX = "yaml-"
_MAX_ENTRIES = 64  # a user's dossiers and the shipped data files, a few kilobytes each
_MAX_CHARACTERS = 256_000  # larger texts (a hostile or unusual file) are not kept


def recall(text: str, limits: YamlLimits) -> Recalled | None:
    """What reading ``text`` under ``limits`` gave before, or None (never read, or unusable)."""
    if len(text) > _MAX_CHARACTERS:
        return None
    values = recall_values(_PREFIX, _key(text, limits), _FORMAT)
    if values is None:
        return None
    try:
        data, marks, key_marks, floats = values
        return (
            data,
            {tuple(path): (line, column) for path, line, column in marks},
            {tuple(path): (line, column) for path, line, column in key_marks},
            {tuple(path) for path in floats},
        )
    except (ValueError, TypeError, IndexError):
        return None


def keep(text: str, limits: YamlLimits, located: Located) -> None:
    """Keep what reading ``text`` gave for the next process; nothing if it cannot be kept."""
    if len(text) > _MAX_CHARACTERS:
        return
    values = [
        located.data,
        [[list(path), *mark] for path, mark in located.marks.items()],
        [[list(path), *mark] for path, mark in located.key_marks.items()],
        [list(path) for path in located.floats],
    ]
    keep_values(_PREFIX, _key(text, limits), _FORMAT, values, _MAX_ENTRIES)


def _key(text: str, limits: YamlLimits) -> str:
    # What reads the text: our gates and conversion (webpass's code and Python's), libyaml or
    # PyYAML's parser (its files: a hit need not import it), the limits; then the text itself.
    parts = [
        _FORMAT,
        package_stamp("yaml"),
        code_digest(),
        [limits.max_bytes, limits.max_depth, limits.max_scalars],
        hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()
