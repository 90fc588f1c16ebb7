"""YAML text written before for the same data, taken from the user's cache instead of PyYAML.

Every PDF carries its dossier's answers as YAML (``webpass.yaml``, for ``generer --depuis``).
Writing them is quick, but importing PyYAML to do it costs some ninety million instructions,
six per cent of ``webpass generer`` outside the PDF engine, once its inputs come from the cache
(:mod:`webpass.untrusted.yaml_cache`, issue 24). So the text written for some data is kept in the
user's cache folder (:mod:`webpass.core.disk_cache`), keyed by that data, the width, webpass's
code and PyYAML's files: the same data gives the same text, whichever way it is obtained. An entry
that cannot be read or does not parse is ignored and written anew.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from webpass.core.disk_cache import (
    Unstorable,
    code_digest,
    dumps,
    keep_values,
    package_stamp,
    recall_values,
)

__all__ = ["remembered_yaml"]

_FORMAT = 1  # of the stored data; bump it when the layout below changes
_PREFIX = "texte-yaml-"
_MAX_ENTRIES = 64


def remembered_yaml(data: Any, width: int) -> str:
    """``dump_yaml(data, width)``, from the cache when the same data was written before."""
    from_cache = None
    try:
        key = _key(data, width)
    except (Unstorable, RecursionError):
        key = None
    if key is not None:
        from_cache = _recall(key)
    if from_cache is not None:
        return from_cache
    from webpass.core.yaml_dump import dump_yaml

    text = dump_yaml(data, width=width)
    if key is not None:
        keep_values(_PREFIX, key, _FORMAT, [text], _MAX_ENTRIES)
    return text


def _recall(key: str) -> str | None:
    values = recall_values(_PREFIX, key, _FORMAT)
    if values is not None and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None


def _key(data: Any, width: int) -> str:
    # What writes the text: our code (the choice of emitter, the options) and Python's, PyYAML's
    # files (its emitters), the width; then the data, with its types (a date is not its text).
    parts = [_FORMAT, package_stamp("yaml"), code_digest(), width, dumps(data)]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()
