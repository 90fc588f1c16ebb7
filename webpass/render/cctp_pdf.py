"""The CCTP as a tagged PDF: the HTML of :mod:`webpass.render.html` through WeasyPrint.

The answers file is attached to the PDF (``webpass.yaml``), so ``webpass generer --depuis``
can regenerate the same document from the PDF alone. Dates come from the dossier, never from
the clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from webpass.core.files import read_text
from webpass.documents.cctp import CctpDocument
from webpass.render.html import render_html
from webpass.render.pdf import PdfAttachment, html_to_pdf

__all__ = ["render_pdf"]

ANSWERS_ATTACHMENT = "webpass.yaml"


def render_pdf(document: CctpDocument, search_path: Sequence[Path]) -> bytes:
    """PDF/UA-1 bytes of the CCTP; assets (CSS, fonts) come only from the template folders."""
    html = render_html(document, search_path)
    stylesheets = []
    for folder in search_path:
        candidate = folder / "pdf.css"
        if candidate.exists() or candidate.is_symlink():  # a pipe or a link out is refused
            stylesheets.append((read_text(candidate, root=folder), folder))
            break
    created = dt.datetime.combine(document.date, dt.time(0, 0), tzinfo=dt.UTC)
    return html_to_pdf(
        html,
        assets=list(search_path),
        stylesheets=stylesheets,
        attachments=[
            PdfAttachment(
                ANSWERS_ATTACHMENT,
                document.answers_yaml.encode("utf-8"),
                "Réponses du dossier webpass",
            )
        ],
        created=created,
    )
