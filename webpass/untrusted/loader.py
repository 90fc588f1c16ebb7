"""The Jinja2 loader of template folders: it reads only regular files inside each folder.

Jinja2's :class:`~jinja2.FileSystemLoader` refuses ``../`` in a template name but follows a
symbolic link wherever it points and opens whatever it finds: ``modeles/p.j2 -> /etc/passwd``
included by a user template, or ``modeles/cctp.css -> /etc/passwd``, put a local file into a
published CCTP, and a named pipe hangs the render. This loader reads through
:func:`webpass.core.files.read_text`, so the rule of every file webpass opens holds for
templates and stylesheets too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

from webpass.core.files import read_text

__all__ = ["MAX_TEMPLATE_BYTES", "RootedLoader"]

MAX_TEMPLATE_BYTES = 2_000_000  # a template or a stylesheet; the shipped ones weigh 30 kB


class RootedLoader(BaseLoader):
    """Templates of one folder, each read as a regular file that stays inside it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        candidate = self.root.joinpath(*pieces)
        if not os.path.lexists(candidate):
            raise TemplateNotFound(template)
        text = read_text(
            candidate,
            root=self.root,
            max_bytes=MAX_TEMPLATE_BYTES,
            too_big="un modèle ou une feuille de style pèse bien moins.",
        )
        return text, str(candidate), lambda: True

    def list_templates(self) -> list[str]:
        found = []
        for folder, _, files in os.walk(self.root):
            for name in files:
                relative = Path(folder, name).relative_to(self.root)
                found.append(relative.as_posix())
        return sorted(found)
