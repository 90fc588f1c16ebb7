"""Generating a dossier's CCTP in the requested formats: the library behind ``webpass generer``.

The document model is built once and handed to each renderer; each file is written atomically
under a safe name inside the output folder. The batch mode calls :func:`generate` directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from webpass.core.atomic import write_many_atomic
from webpass.core.errors import UsageError
from webpass.core.files import check_regular
from webpass.core.slug import inside, slugify
from webpass.documents.cctp import CctpDocument, build_document
from webpass.render.html import render_html, template_search_path
from webpass.selection.engine import Selection

__all__ = ["FORMATS", "GeneratedFile", "generate", "parse_formats"]

FORMATS = ("html", "pdf", "docx")


@dataclass(frozen=True)
class GeneratedFile:
    """A written output and its page count (PDF only)."""

    format: str
    path: Path
    size: int
    pages: int | None = None


def parse_formats(text: str) -> list[str]:
    """``"pdf, docx"`` → ``["pdf", "docx"]``; a usage error for anything else."""
    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise UsageError(
            f"format(s) inconnu(s) : {', '.join(unknown) or '(aucun)'} ; formats possibles : html, pdf, docx."
        )
    return list(dict.fromkeys(wanted))


def output_stem(document: CctpDocument) -> str:
    """``cctp-kerbriac-sur-lie``."""
    return "cctp-" + slugify(document.buyer)


def generate(
    selection: Selection,
    formats: Sequence[str],
    out_dir: Path,
    templates: Path | None = None,
) -> list[GeneratedFile]:
    """Build the CCTP of ``selection`` once and write it in each of ``formats`` into ``out_dir``."""
    document = build_document(selection)
    search_path = template_search_path(templates)
    stem = output_stem(document)
    # Every format is made before any file is replaced: a failure at the PDF step leaves the
    # previous HTML and DOCX, not a mix of this run's files and the last one's.
    written: list[GeneratedFile] = []
    contents: list[tuple[Path, bytes]] = []
    for fmt in formats:
        target = inside(out_dir, f"{stem}.{fmt}")
        pages = None
        if fmt == "html":
            data = render_html(document, search_path).encode("utf-8")
        elif fmt == "pdf":
            from webpass.render.cctp_pdf import render_pdf

            data = render_pdf(document, search_path)
            pages = _pdf_pages(data)
        else:
            from webpass.render.docx import render_docx

            data = render_docx(document, _reference_docx(search_path))
        contents.append((target, data))
        written.append(GeneratedFile(fmt, target, len(data), pages))
    write_many_atomic(contents)
    return written


def _reference_docx(search_path: Sequence[Path]) -> Path:
    for folder in search_path:
        candidate = folder / "reference.docx"
        if candidate.exists() or candidate.is_symlink():  # a pipe or a link out is refused
            return check_regular(candidate, root=folder)
    raise UsageError("reference.docx introuvable dans les dossiers de modèles.")


def _pdf_pages(data: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)
