"""A data file read and validated once per process for the same bytes.

Opening a dossier reads the catalogue's cost model and procedure thresholds, and a batch worker
its aid rules; a worker opens hundreds of dossiers against the same files. Each call still reads the file through
:mod:`webpass.core.files` (same gates, same errors), and the validated model of those exact
bytes is reused: an edited file is read anew, a file that fails is reported every time.
Only validated data is kept, in memory: nothing is written, nothing that runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from webpass.core.errors import UnreadableFileError, ValidationFailed
from webpass.core.files import read_bytes
from webpass.core.validation import load_model, validate_located
from webpass.untrusted.safe_yaml import YamlLimits, YamlRefused, load_yaml_text

__all__ = ["load_model_once", "loaded_once"]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# A process reads a handful of such files; the bound only guards against a caller that would
# feed it endless versions.
_MAX_ENTRIES = 64
_validated: dict[tuple[type[BaseModel], str, bytes], BaseModel] = {}
_loaded: dict[tuple[str, str, bytes], Any] = {}


def loaded_once(kind: str, path: Path, loader: Callable[[], T]) -> T:
    """``loader()``, which reads and checks ``path``, kept under ``kind`` for the same bytes.

    For a loader with checks of its own beyond a model (the aid rules' cross-checks). A file that
    cannot be read is not remembered, and ``loader`` reports it as it always did; nor is a failure.
    The value is shared by every caller: it must not be modified.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return loader()
    key = (kind, str(path), hashlib.sha256(raw).digest())
    if key not in _loaded:
        value = loader()
        if len(_loaded) >= _MAX_ENTRIES:
            _loaded.clear()
        _loaded[key] = value
    return cast(T, _loaded[key])


def load_model_once(
    path: Path, model: type[M], summary: str | None = None, root: Path | None = None
) -> M:
    """:func:`~webpass.core.validation.load_model`, validated once for the same bytes.

    The model must be frozen: every caller gets the same instance.
    """
    limits = YamlLimits()
    try:
        raw = read_bytes(path, root=root, max_bytes=limits.max_bytes)
    except UnreadableFileError:
        return load_model(path, model, summary, root)  # reports it exactly as always
    key = (model, str(path), hashlib.sha256(raw).digest())
    found = _validated.get(key)
    if found is None:
        found = _validated_model(raw, str(path), model, summary, limits)
        if len(_validated) >= _MAX_ENTRIES:
            _validated.clear()
        _validated[key] = found
    return cast(M, found)


def _validated_model(
    raw: bytes, source: str, model: type[M], summary: str | None, limits: YamlLimits
) -> M:
    # The steps of load_model (read_located, then validate_located) on the bytes read above.
    try:
        located = load_yaml_text(raw, source, limits, remember=True)
    except YamlRefused as exc:
        raise ValidationFailed([exc.problem], summary=summary) from exc
    parsed, problems = validate_located(model, located)
    if parsed is None:
        raise ValidationFailed(problems, summary=summary)
    return parsed
