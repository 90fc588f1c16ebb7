"""Safe file names from untrusted text (collectivity names, bidders' names, list rows)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PureWindowsPath

from webpass.core.errors import InputError

__all__ = ["folder_slug", "inside", "slugify"]

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """``"Saint-Étienne / ../../etc"`` → ``"saint-etienne-etc"``; never empty, never a path."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    slug = _UNSAFE.sub("-", ascii_text).strip("-")[:max_length].strip("-")
    if not slug or PureWindowsPath(slug).is_reserved():
        slug = f"document-{slug}" if slug else "document"
    return slug


def folder_slug(name: str, code: str, max_length: int = 60) -> str:
    """A folder name for a named thing with a code, unique for each (name, code) pair.

    The code is never cut off (two communes whose names share their first 60 characters keep
    their own INSEE code in their folder names), and a name too long to fit whole is shortened
    with a digest of the full name, so two different long names never share a folder.
    """
    tail = slugify(code, 20) if code.strip() else ""
    room = max_length - len(tail) - 1 if tail else max_length
    whole = slugify(name, 10_000) if name.strip() else ""
    if len(whole) > room:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        whole = f"{whole[: room - 9].rstrip('-')}-{digest}"
    return "-".join(part for part in (whole, tail) if part) or "document"


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land outside ``folder``."""
    base = folder.resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base) or target == base:
        raise InputError(f"nom de fichier refusé : « {name} » sortirait du dossier {folder}.")
    return target
