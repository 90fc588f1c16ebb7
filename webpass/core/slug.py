"""Safe file names from untrusted text (collectivity names, bidders' names, list rows)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PureWindowsPath

from webpass.core.errors import InputError

__all__ = ["inside", "slugify"]

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """``"Saint-Étienne / ../../etc"`` → ``"saint-etienne-etc"``; never empty, never a path."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    slug = _UNSAFE.sub("-", ascii_text).strip("-")[:max_length].strip("-")
    if not slug or PureWindowsPath(slug).is_reserved():
        slug = f"document-{slug}" if slug else "document"
    return slug


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land outside ``folder``."""
    base = folder.resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base) or target == base:
        raise InputError(f"nom de fichier refusé : « {name} » sortirait du dossier {folder}.")
    return target
