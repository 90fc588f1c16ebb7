"""The workspace of the web wizard: one folder per dossier, as the command line makes them.

A dossier is a folder holding ``webpass.yaml`` (written by :func:`webpass.dossier.opening.save_answers`),
so ``webpass generer ESPACE/NOM`` works on it and a dossier made by ``webpass nouveau`` inside the
workspace shows up in the browser. Until the project step is answered the collectivity's answers
wait in a draft file beside it: they are not yet a complete answers file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from webpass.core.atomic import write_text_atomic
from webpass.core.errors import InputError, UnreadableFileError, WebpassError
from webpass.core.files import read_bytes
from webpass.core.frozen_record import frozen_record
from webpass.core.slug import inside, slugify
from webpass.dossier.answers import ANSWERS_FILE, Answers, load_answers
from webpass.dossier.opening import save_answers

__all__ = ["DRAFT_FILE", "DossierEntry", "UnknownDossier", "Workspace"]

DRAFT_FILE = ".brouillon-assistant.json"
_MAX_DRAFT_BYTES = 1_000_000


class UnknownDossier(LookupError):
    """The name in the address is not a dossier of the workspace."""


@frozen_record
class DossierEntry:
    """A dossier of the workspace, as the home page lists it."""

    slug: str
    folder: Path
    name: str
    complete: bool
    readable: bool
    level: int | None = None


class Workspace:
    """The folder of dossiers the server works in."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def folder(self, slug: str) -> Path:
        """The folder of dossier ``slug``; refuses any name that is not a plain slug of the workspace."""
        if not slug or slug != slugify(slug):
            raise UnknownDossier(slug)
        try:
            folder = inside(self.root, slug)
        except InputError as error:
            raise UnknownDossier(slug) from error
        if folder.parent != self.root:
            raise UnknownDossier(slug)
        return folder

    def existing(self, slug: str) -> Path:
        """Like :meth:`folder`, for a dossier that exists (complete or draft)."""
        folder = self.folder(slug)
        if not ((folder / ANSWERS_FILE).is_file() or (folder / DRAFT_FILE).is_file()):
            raise UnknownDossier(slug)
        return folder

    def is_taken(self, slug: str) -> bool:
        """Whether a folder of that name already exists in the workspace."""
        return self.folder(slug).exists()

    def entries(self) -> list[DossierEntry]:
        """The dossiers of the workspace, sorted by name."""
        out = []
        for child in sorted(self.root.iterdir()):
            # A link to a folder elsewhere is not a dossier of this workspace: not listed.
            if child.is_symlink() or not child.is_dir() or child.name != slugify(child.name):
                continue
            answers_file = child / ANSWERS_FILE
            if answers_file.is_file():
                try:
                    answers, _ = load_answers(child)
                except WebpassError:
                    out.append(DossierEntry(child.name, child, child.name, True, False))
                    continue
                out.append(
                    DossierEntry(
                        child.name,
                        child,
                        answers.collectivity.name,
                        True,
                        True,
                        answers.project.target_level,
                    )
                )
            elif (child / DRAFT_FILE).is_file():
                draft = self.draft(child.name) or {}
                body = draft.get("collectivite")
                name = body.get("nom") if isinstance(body, dict) else None
                out.append(
                    DossierEntry(
                        child.name,
                        child,
                        name if isinstance(name, str) else child.name,
                        False,
                        True,
                    )
                )
        return out

    def draft(self, slug: str) -> dict[str, Any] | None:
        """The draft answers of a dossier whose project step is not answered yet."""
        folder = self.folder(slug)
        path = folder / DRAFT_FILE
        try:
            raw = read_bytes(path, root=folder, max_bytes=_MAX_DRAFT_BYTES)
            data = json.loads(raw.decode("utf-8"))
        except (UnreadableFileError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    def save_draft(self, slug: str, data: dict[str, Any]) -> None:
        """Keep the answers given so far (the collectivity) until the project step completes them."""
        folder = self.folder(slug)
        folder.mkdir(exist_ok=True)
        write_text_atomic(folder / DRAFT_FILE, json.dumps(data, ensure_ascii=False, indent=2))

    def save(self, slug: str, answers: Answers) -> Path:
        """Write the dossier's ``webpass.yaml`` (the command line's format) and drop its draft."""
        folder = self.folder(slug)
        folder.mkdir(exist_ok=True)
        path = save_answers(folder, answers)
        (folder / DRAFT_FILE).unlink(missing_ok=True)
        return path
