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
others, are read. An entry that cannot be read, does not parse, names another key or format, or
that the models refuse is ignored and the catalogue validated again. ``WEBPASS_CACHE`` names
another folder, or ``non`` to keep none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from webpass.core.frozen_record import frozen_record

__all__ = ["CACHE_ENV", "StoredCatalog", "StoredFile", "cache_dir", "read_stored", "write_stored"]

CACHE_ENV = "WEBPASS_CACHE"
_DISABLED = frozenset({"0", "non", "no", "off", "false", "aucun"})
_FORMAT = 3  # of the stored data; bump it when the layout below changes
_PREFIX = "catalogue-"
_MAX_ENTRIES = 16  # a region editing its own catalogue leaves one entry per version tried
_MAX_BYTES = 64_000_000
_PACKAGE = Path(__file__).resolve().parent.parent  # webpass/


class _Unstorable(ValueError):
    """A value the JSON form cannot hold exactly: the catalogue is then not stored."""


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


def cache_dir() -> Path | None:
    """The folder of the cache (``$XDG_CACHE_HOME/webpass``), or None when it is turned off."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in _DISABLED:
        return None
    if setting:
        return Path(setting)
    base = Path(os.environ.get("XDG_CACHE_HOME", ""))
    if not base.is_absolute():  # the XDG rule: a relative value is ignored
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home folder: no cache
            return None
    return base / "webpass"


def read_stored(fingerprint: str) -> StoredCatalog | None:
    """The stored catalogue whose files have this digest, or None (missing, corrupt, foreign)."""
    folder = _usable_folder(create=False)
    if folder is None:
        return None
    key = _key(fingerprint)
    try:
        entry = _loads(_read_own_file(folder / f"{_PREFIX}{key}.json"))
        if not isinstance(entry, list) or entry[:2] != [_FORMAT, key]:
            return None
        return StoredCatalog(
            tuple(_stored_file(f) for f in entry[2]), tuple(_stored_tree(t) for t in entry[3])
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None


def write_stored(fingerprint: str, stored: StoredCatalog) -> None:
    """Keep ``stored`` for the next process; silently nothing when the cache cannot be written."""
    folder = _usable_folder(create=True)
    if folder is None:
        return
    key = _key(fingerprint)
    files = [[f.name, f.data, list(f.item_lines)] for f in stored.files]
    trees = [[clause, tree] for clause, tree in stored.trees]
    try:
        text = _dumps([_FORMAT, key, files, trees])
    except (_Unstorable, RecursionError):
        return
    tmp: str | None = None
    try:
        # mkstemp makes the file 0600; the rename makes it appear whole or not at all. No fsync:
        # a file cut short by a crash is only a corrupt entry, ignored and rewritten.
        fd, tmp = tempfile.mkstemp(prefix=f".{_PREFIX}", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(folder / f"{_PREFIX}{key}.json")
        tmp = None
        _prune(folder)
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def _key(fingerprint: str) -> str:
    """The catalogue's digest with everything that could change how it validates."""
    import jinja2
    import pydantic
    import pydantic_core
    import yaml

    from webpass import __version__

    # What reads and checks a catalogue: our code, the YAML parser, the template parser that
    # checks clauses, the model validation, Python's Unicode tables.
    parts = [
        _FORMAT,
        __version__,
        pydantic.VERSION,
        pydantic_core.__version__,
        jinja2.__version__,
        yaml.__version__,
        sys.version,
        _code_digest(),
        fingerprint,
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _code_digest() -> str:
    """Name, size and date of every module of webpass: an edited checkout is a new key.

    The version number alone would not do for a source checkout, where the models and checks
    change between two commits of the same version. A millisecond for some 160 files.
    """
    digest = hashlib.sha256()
    pending = [_PACKAGE]
    entries: list[str] = []
    while pending:
        with os.scandir(pending.pop()) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(Path(entry.path))
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    entries.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}")
    for line in sorted(entries):
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def _usable_folder(create: bool) -> Path | None:
    """The cache folder if it is ours and closed to others (created 0700 when asked)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    # Another user's folder, or one others may write to, could hand us a catalogue that never
    # passed the checks: such a folder is not used.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        return None
    return folder


def _read_own_file(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise ValueError("not a file of ours")
        if info.st_size > _MAX_BYTES:
            raise ValueError("too large")
        return handle.read(_MAX_BYTES + 1)


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


# The YAML values as JSON: str, int, float, bool, null and lists as they are; every mapping
# (as its list of pairs), date and date-time wrapped in a one-key object ("m", "d", "t"). Every
# JSON object of a file is such a wrapper, so the parser's object hook turns each back into its
# value in one pass, and no value of a file can pass for another type once read back.
def _dumps(value: Any) -> str:
    return json.dumps(_wrapped(value), ensure_ascii=False, check_circular=False)


def _wrapped(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [_wrapped(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise _Unstorable("mapping key")
        return {"m": [[k, _wrapped(v)] for k, v in value.items()]}
    if kind is dt.datetime:
        text = value.isoformat()
        back = dt.datetime.fromisoformat(text)
        if back != value or back.utcoffset() != value.utcoffset():
            raise _Unstorable("date-time")  # an offset finer than a second, say
        return {"t": text}
    if kind is dt.date:
        return {"d": value.isoformat()}
    raise _Unstorable(kind.__name__)


def _loads(raw: bytes | str) -> Any:
    return json.loads(raw, object_hook=_unwrapped)


def _unwrapped(wrapper: dict[str, Any]) -> Any:
    if len(wrapper) != 1:
        raise ValueError("malformed value")
    ((tag, inner),) = wrapper.items()
    if tag == "m" and isinstance(inner, list):
        if not all(
            type(pair) is list and len(pair) == 2 and type(pair[0]) is str for pair in inner
        ):
            raise ValueError("malformed mapping")
        return dict(inner)
    if tag == "d":
        return dt.date.fromisoformat(inner)
    if tag == "t":
        return dt.datetime.fromisoformat(inner)
    raise ValueError("unknown tag")


def _prune(folder: Path) -> None:
    entries = []
    for path in folder.glob(f"{_PREFIX}*.json"):
        with contextlib.suppress(OSError):
            entries.append((path.lstat().st_mtime_ns, path))
    for _, path in sorted(entries, reverse=True)[_MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            path.unlink()
