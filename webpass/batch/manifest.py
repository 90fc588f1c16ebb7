"""The batch manifest: what each row produced, so a re-run redoes only what changed or failed.

``SORTIE/manifeste-lot.json`` maps the fingerprint of a row's inputs (its merged answers, the
catalogue's version and content, the templates, the formats and webpass's version) to the files
it produced, with their size and SHA-256, and to the figures of the summary. A row is up to date
when its fingerprint is recorded as generated and every recorded file is still there with the
same bytes. The manifest is rewritten atomically as rows complete (at most once a second, and
at the end), so a run that is killed resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from webpass import __version__
from webpass.core.atomic import write_text_atomic
from webpass.core.errors import UnreadableFileError
from webpass.core.files import read_bytes
from webpass.core.frozen_record import frozen_record

__all__ = [
    "MANIFEST_FILE",
    "SAVE_INTERVAL",
    "Manifest",
    "OutputFile",
    "file_sha256",
    "folder_digest",
    "row_fingerprint",
]

MANIFEST_FILE = "manifeste-lot.json"
_FORMAT_VERSION = 1
SAVE_INTERVAL = 1.0  # seconds between two rewrites while rows complete
_MAX_MANIFEST_BYTES = 200_000_000


@frozen_record
class OutputFile:
    """A file a row produced, relative to the output folder."""

    format: str
    path: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, object]:
        """As stored in the manifest."""
        return {
            "format": self.format,
            "chemin": self.path,
            "octets": self.size,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutputFile:
        """Read back; raises KeyError/TypeError/ValueError on a malformed entry."""
        return cls(
            str(data["format"]), str(data["chemin"]), int(data["octets"]), str(data["sha256"])
        )


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of every file under ``folders`` (catalogue, templates).

    A catalogue edited without a new version number, or a restyled template, still changes the
    fingerprint of every row, so its documents are made again.
    """
    digest = hashlib.sha256()
    for folder in folders:
        root = folder.resolve()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(file_sha256(path).encode("ascii"))
        digest.update(b"\1")
    return digest.hexdigest()


def row_fingerprint(
    answers_yaml: str,
    catalogue_version: str,
    catalogue_digest: str,
    templates_digest: str,
    formats: Sequence[str],
    engine: str | None = None,
) -> str:
    """The key of a row in the manifest: a SHA-256 of everything its documents depend on.

    ``engine`` is the PDF engine asked for with ``--moteur``; left out of the key when none was
    asked (each document's own choice follows from the templates, already in the key), so the
    manifests written before the option existed stay valid.
    """
    fields: dict[str, object] = {
        "reponses": answers_yaml,
        "catalogue": catalogue_version,
        "catalogue_empreinte": catalogue_digest,
        "modeles_empreinte": templates_digest,
        "formats": sorted(formats),
        "webpass": __version__,
    }
    if engine is not None:
        fields["moteur"] = str(engine)
    payload = json.dumps(
        fields,
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Manifest:
    """The manifest of one output folder, loaded at start and saved as rows complete."""

    def __init__(self, out_dir: Path, entries: dict[str, dict[str, Any]] | None = None) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_FILE
        self.entries: dict[str, dict[str, Any]] = entries or {}
        self._dirty = False
        self._saved_at = 0.0

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest of ``out_dir``; empty when absent or unreadable (everything is redone)."""
        path = out_dir / MANIFEST_FILE
        try:
            data = json.loads(read_bytes(path, root=out_dir, max_bytes=_MAX_MANIFEST_BYTES))
        except (UnreadableFileError, ValueError, RecursionError):
            return cls(out_dir)
        entries = data.get("dossiers") if isinstance(data, dict) else None
        if not isinstance(entries, dict) or data.get("version") != _FORMAT_VERSION:
            return cls(out_dir)
        return cls(out_dir, {k: v for k, v in entries.items() if isinstance(v, dict)})

    def up_to_date(self, key: str) -> dict[str, Any] | None:
        """The entry of ``key`` when it was generated and its files are intact, else None."""
        entry = self.entries.get(key)
        if not entry or entry.get("statut") != "genere":
            return None
        try:
            files = [OutputFile.from_json(item) for item in entry.get("fichiers", [])]
        except (KeyError, TypeError, ValueError):
            return None
        if not files:
            return None
        base = self.out_dir.resolve()
        for file in files:
            path = (base / file.path).resolve()
            if not path.is_relative_to(base) or not path.is_file():
                return None
            if path.stat().st_size != file.size or file_sha256(path) != file.sha256:
                return None
        return entry

    def record(self, key: str, entry: dict[str, Any]) -> None:
        """Store the outcome of ``key``, dropping older entries of the same output folder."""
        folder = entry.get("dossier")
        for old in [k for k, v in self.entries.items() if v.get("dossier") == folder and k != key]:
            del self.entries[old]
        self.entries[key] = entry
        self._dirty = True
        self.save(force=False)

    def save(self, force: bool = True) -> None:
        """Rewrite the file atomically; unforced saves happen at most once a second."""
        if not force and time.monotonic() - self._saved_at < SAVE_INTERVAL:
            return
        if not self._dirty and self.path.exists():
            return
        text = json.dumps(
            {
                "version": _FORMAT_VERSION,
                "webpass": __version__,
                "dossiers": dict(sorted(self.entries.items())),
            },
            ensure_ascii=False,
            indent=1,
        )
        write_text_atomic(self.path, text + "\n")
        self._dirty = False
        self._saved_at = time.monotonic()
