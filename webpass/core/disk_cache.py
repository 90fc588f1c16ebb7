"""The user's cache folder: data webpass checked once, kept as JSON for the next process.

Two caches live there: the validated catalogue (:mod:`webpass.catalog.cache`) and the YAML files
read through :mod:`webpass.untrusted.safe_yaml` (:mod:`webpass.untrusted.yaml_cache`). Their
entries are skipped checks, taken on the word of their key; so only a folder and files of the
user's own, closed to others, are read: whoever can write there can already change the user's
files. Entries are plain JSON (never pickle or marshal): reading one never runs code, and an
entry that cannot be read or parsed is ignored. ``WEBPASS_CACHE`` names another folder, or
``non`` to keep none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = [
    "CACHE_ENV",
    "Unstorable",
    "cache_dir",
    "code_digest",
    "dumps",
    "loads",
    "package_stamp",
    "read_entry",
    "usable_folder",
    "write_entry",
]

CACHE_ENV = "WEBPASS_CACHE"
_DISABLED = frozenset({"0", "non", "no", "off", "false", "aucun"})
MAX_BYTES = 64_000_000
_PACKAGE = Path(__file__).resolve().parent.parent  # webpass/


class Unstorable(ValueError):
    """A value the JSON form cannot hold exactly: it is then not stored."""


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


@functools.cache
def code_digest() -> str:
    """Name, size and date of every module of webpass, Python's version: an edit is a new key.

    The version number alone would not do for a source checkout, where the models and checks
    change between two commits of the same version. A millisecond for some 200 files, once per
    process: the key names the code that runs, as it was when it was imported.
    """
    digest = hashlib.sha256(sys.version.encode("utf-8") + b"\n")
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


@functools.cache
def package_stamp(name: str) -> str:
    """Name, size and date of every file of the installed package ``name``, without importing it.

    A key that names a library's version (PyYAML's, which parses and writes what is kept) must
    not cost that library's import, which a process that finds everything in the cache never
    needs: an upgrade rewrites the package's files, and so changes the stamp.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "absent"
    folder = Path(spec.origin).parent
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.is_file(follow_symlinks=False):
                info = entry.stat()
                entries.append(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join([str(folder), *sorted(entries)]).encode()).hexdigest()


def usable_folder(create: bool) -> Path | None:
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
    # Another user's folder, or one others may write to, could hand us data that never
    # passed the checks: such a folder is not used.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
        return None
    return folder


def read_own_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of ours (not a link), else OSError/ValueError."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            raise ValueError("not a file of ours")
        if info.st_size > MAX_BYTES:
            raise ValueError("too large")
        return handle.read(MAX_BYTES + 1)


def read_entry(name: str) -> bytes | None:
    """The bytes of the entry ``name`` of the cache folder, or None (none, not ours, unreadable)."""
    folder = usable_folder(create=False)
    if folder is None:
        return None
    try:
        return read_own_file(folder / name)
    except (OSError, ValueError):
        return None


def write_entry(name: str, text: str, prefix: str, keep: int) -> None:
    """Write the entry ``name`` whole or not at all, keeping the ``keep`` newest of ``prefix``."""
    folder = usable_folder(create=True)
    if folder is None:
        return
    tmp: str | None = None
    try:
        # mkstemp makes the file 0600; the rename makes it appear whole or not at all. No fsync:
        # a file cut short by a crash is only a corrupt entry, ignored and rewritten.
        fd, tmp = tempfile.mkstemp(prefix=f".{prefix}", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp).replace(folder / name)
        tmp = None
        _prune(folder, prefix, keep)
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()


def recall_values(prefix: str, key: str, layout: int) -> list[Any] | None:
    """The values stored after the header of the entry ``prefix`` + ``key``, or None.

    Every entry is the JSON list ``[layout, key, values…]`` (:func:`keep_values`): one whose
    header names another layout or key, or that does not parse, is as good as absent.
    """
    raw = read_entry(f"{prefix}{key}.json")
    if raw is None:
        return None
    try:
        entry = loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(entry, list) or entry[:2] != [layout, key]:
        return None
    return entry[2:]


def keep_values(prefix: str, key: str, layout: int, values: list[Any], keep: int) -> None:
    """Store ``values`` under the header ``[layout, key]``; nothing if they cannot be stored."""
    try:
        text = dumps([layout, key, *values])
    except (Unstorable, RecursionError):
        return
    write_entry(f"{prefix}{key}.json", text, prefix, keep)


def _prune(folder: Path, prefix: str, keep: int) -> None:
    entries = []
    for path in folder.glob(f"{prefix}*.json"):
        with contextlib.suppress(OSError):
            entries.append((path.lstat().st_mtime_ns, path))
    for _, path in sorted(entries, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


# The YAML values as JSON: str, int, float, bool, null, lists and mappings as they are; a date
# or date-time wrapped in a one-key object ("d", "t"), and a mapping that could pass for such a
# wrapper (its one key is "m", "d" or "t") wrapped as its list of pairs ("m"). So a one-key object
# whose key is a tag is always a wrapper, and no value can pass for another type once read back.
# (Every mapping was once stored as pairs: an entry so written reads back the same.)
_TAGS = frozenset({"m", "d", "t"})


def dumps(value: Any) -> str:
    """``value`` (YAML's values) as JSON text; :class:`Unstorable` if it cannot be exactly."""
    return json.dumps(_wrapped(value), ensure_ascii=False, check_circular=False)


def _wrapped(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [_wrapped(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Unstorable("mapping key")
        if len(value) == 1 and next(iter(value)) in _TAGS:
            return {"m": [[k, _wrapped(v)] for k, v in value.items()]}
        return {k: _wrapped(v) for k, v in value.items()}
    if kind is dt.datetime:
        text = value.isoformat()
        back = dt.datetime.fromisoformat(text)
        if back != value or back.utcoffset() != value.utcoffset():
            raise Unstorable("date-time")  # an offset finer than a second, say
        return {"t": text}
    if kind is dt.date:
        return {"d": value.isoformat()}
    raise Unstorable(kind.__name__)


def loads(raw: bytes | str) -> Any:
    """The value :func:`dumps` wrote; ValueError (or a subclass) if the text is not such."""
    return json.loads(raw, object_hook=_unwrapped)


def _unwrapped(mapping: dict[str, Any]) -> Any:
    # Called by the parser for every object of an entry (a thousand in the catalogue's): most
    # are mappings, returned as they are after one length test.
    if len(mapping) != 1:
        return mapping
    ((tag, inner),) = mapping.items()
    if tag == "m":
        if type(inner) is not list:
            raise ValueError("malformed mapping")
        for pair in inner:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise ValueError("malformed mapping")
        return dict(inner)
    if tag in ("d", "t") and type(inner) is not str:
        raise ValueError("malformed date")
    if tag == "d":
        return dt.date.fromisoformat(inner)
    if tag == "t":
        return dt.datetime.fromisoformat(inner)
    return mapping
