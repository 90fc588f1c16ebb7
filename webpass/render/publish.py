"""Writing a consultation document other than the CCTP (RC, RAO) as HTML, PDF or DOCX.

The documents are :class:`~webpass.documents.cctp.CctpDocument` values with their own title and
acronym, so they go through the CCTP's renderers unchanged; only the PDF's running footer, which
the shipped ``pdf.css`` writes as « CCTP — … », gets the document's acronym from one more rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from webpass.core.atomic import write_bytes_atomic
from webpass.core.errors import UsageError
from webpass.core.files import check_regular, read_text
from webpass.documents.cctp import CctpDocument
from webpass.render.html import render_html, template_search_path

__all__ = ["DOCUMENT_FORMATS", "render_document", "write_document"]

DOCUMENT_FORMATS = ("docx", "pdf", "html")


def _footer_css(acronym: str) -> str:
    safe = re.sub(r"[^\w .'-]", "", acronym)
    return (
        "@page { @bottom-left { content: "
        f'"{safe} — " string(buyer) " — page " counter(page) " / " counter(pages); }} }}\n'
        "@page :first { @bottom-left { content: none; } }\n"
        "caption { break-after: avoid; }\n"
    )


def render_document(
    document: CctpDocument,
    fmt: str,
    search_path: Sequence[Path] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """The document as ``fmt`` (docx, pdf, html) bytes.

    Args:
        document: the document model.
        fmt: ``docx``, ``pdf`` or ``html``.
        search_path: template folders (the shipped one by default).
        attachments: files embedded in the PDF, as (name, bytes, description).
    """
    paths = list(search_path or template_search_path(None))
    if fmt == "html":
        return render_html(document, paths).encode("utf-8")
    if fmt == "docx":
        from webpass.render.docx import render_docx

        reference = next(
            (
                check_regular(p / "reference.docx", root=p)
                for p in paths
                if (p / "reference.docx").exists() or (p / "reference.docx").is_symlink()
            ),
            None,
        )
        if reference is None:
            raise UsageError("reference.docx introuvable dans les dossiers de modèles.")
        return render_docx(document, reference)
    if fmt != "pdf":
        raise UsageError(f"format « {fmt} » inconnu ; formats possibles : docx, pdf, html.")
    from webpass.render.pdf import PdfAttachment, html_to_pdf

    html = render_html(document, paths)
    stylesheets = []
    for folder in paths:
        candidate = folder / "pdf.css"
        if candidate.exists() or candidate.is_symlink():  # a pipe or a link out is refused
            stylesheets.append((read_text(candidate, root=folder), folder))
            break
    stylesheets.append((_footer_css(document.acronym), paths[0]))
    created = dt.datetime.combine(document.date, dt.time(0, 0), tzinfo=dt.UTC)
    return html_to_pdf(
        html,
        assets=paths,
        stylesheets=stylesheets,
        attachments=[PdfAttachment(name, data, text) for name, data, text in attachments],
        created=created,
    )


def write_document(
    document: CctpDocument,
    target: Path,
    search_path: Sequence[Path] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> str:
    """Write the document in the format its suffix names (.docx, .pdf, .html); return the format."""
    fmt = target.suffix.lower().lstrip(".")
    if fmt == "htm":
        fmt = "html"
    if fmt not in DOCUMENT_FORMATS:
        raise UsageError(
            f"« {target.name} » : le nom du fichier doit se terminer par .docx, .pdf ou .html."
        )
    write_bytes_atomic(target, render_document(document, fmt, search_path, attachments))
    return fmt
