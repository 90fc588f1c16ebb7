"""The one render dispatcher: a document model to HTML, PDF or DOCX bytes, and to files.

Every piece webpass builds from its own model (CCTP, RC, RAO, and the pieces to come) goes
through :func:`render`; the CLI, the batch workers, the DCE bundle and the web wizard call it,
directly or through :func:`write_documents` and :func:`generate`. The model is generic
(numbered articles holding blocks), so a new piece needs no code here.

The PDF engine is chosen per document. Typst typesets the model directly (no HTML detour): a
tagged PDF/UA-1 in a fraction of the time. WeasyPrint stays the engine of what is designed in
HTML/CSS: with a user's ``--modeles`` folder, a user's templates decide the look, so their HTML
goes through WeasyPrint; ``--moteur weasyprint`` asks for it explicitly. Each engine is imported
only when a PDF is made with it. Every PDF carries the answers it was made from (``webpass.yaml``)
and the running title of the model in its footer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from webpass.core.atomic import write_bytes_atomic, write_many_atomic
from webpass.core.errors import UsageError
from webpass.core.frozen_record import frozen_record
from webpass.core.slug import inside, slugify
from webpass.documents.cctp import CctpDocument, build_document
from webpass.documents.typeset import typeset
from webpass.render.attachment import Attachment, answers_attachment
from webpass.render.html import render_html
from webpass.render.styles import Styles, styles_for
from webpass.selection.engine import Selection

__all__ = [
    "FORMATS",
    "GeneratedFile",
    "OutputFormat",
    "PdfEngine",
    "Rendered",
    "choose_engine",
    "generate",
    "output_stem",
    "parse_engine",
    "parse_formats",
    "render",
    "render_document",
    "write_document",
    "write_documents",
]


class OutputFormat(StrEnum):
    """What a document can be written as."""

    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class PdfEngine(StrEnum):
    """Who typesets a PDF."""

    TYPST = "typst"
    WEASYPRINT = "weasyprint"


FORMATS = tuple(fmt.value for fmt in OutputFormat)


@frozen_record
class Rendered:
    """A document's bytes in one format, with its page count when it has pages."""

    format: OutputFormat
    data: bytes
    pages: int | None = None


@frozen_record
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


def parse_engine(text: str | None) -> PdfEngine | None:
    """``--moteur`` as an engine (None: chosen per document)."""
    if text is None:
        return None
    try:
        return PdfEngine(text.strip().lower())
    except ValueError:
        raise UsageError(
            f"--moteur : « {text} » inconnu ; moteurs possibles : typst, weasyprint."
        ) from None


def choose_engine(styles: Styles, requested: PdfEngine | None = None) -> PdfEngine:
    """The engine asked for, else WeasyPrint for the user's own templates, else Typst."""
    if requested is not None:
        return requested
    return PdfEngine.WEASYPRINT if styles.custom else PdfEngine.TYPST


def _pdf(
    document: CctpDocument, styles: Styles, engine: PdfEngine, files: Sequence[Attachment]
) -> Rendered:
    if engine is PdfEngine.TYPST:
        from webpass.render.typst_pdf import render_typst_pdf

        typeset = render_typst_pdf(document, styles.typst_folder, files)
        return Rendered(OutputFormat.PDF, typeset.data, typeset.pages)
    from webpass.render.pdf import html_to_pdf_pages

    data, pages = html_to_pdf_pages(
        render_html(document, styles.search_path),
        assets=list(styles.search_path),
        stylesheets=[styles.pdf_css] if styles.pdf_css else [],
        attachments=files,
        created=dt.datetime.combine(document.date, dt.time(0, 0), tzinfo=dt.UTC),
    )
    return Rendered(OutputFormat.PDF, data, pages)


def render(
    document: CctpDocument,
    fmt: OutputFormat | str,
    styles: Styles | None = None,
    engine: PdfEngine | str | None = None,
    attachments: Sequence[Attachment] = (),
) -> Rendered:
    """``document`` as ``fmt``.

    Args:
        document: the document model.
        fmt: html, pdf or docx.
        styles: templates, styles and reference.docx (the shipped ones by default).
        engine: the PDF engine (by default: see :func:`choose_engine`).
        attachments: files embedded in the PDF besides the answers.
    """
    return _render_typeset(typeset(document), fmt, styles, engine, attachments)


def _render_typeset(
    document: CctpDocument,
    fmt: OutputFormat | str,
    styles: Styles | None,
    engine: PdfEngine | str | None,
    attachments: Sequence[Attachment],
) -> Rendered:
    """:func:`render` of a document already through :func:`typeset`."""
    styles = styles or styles_for(None)
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.HTML:
        return Rendered(fmt, render_html(document, styles.search_path).encode("utf-8"))
    if fmt is OutputFormat.DOCX:
        from webpass.render.docx import render_docx

        return Rendered(fmt, render_docx(document, styles.reference_docx))
    files = [answers_attachment(document), *attachments]
    requested = PdfEngine(engine) if engine is not None else None
    return _pdf(document, styles, choose_engine(styles, requested), files)


def render_document(
    document: CctpDocument,
    fmt: str,
    styles: Styles | None = None,
    engine: PdfEngine | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """The bytes of :func:`render`."""
    return render(document, fmt, styles, engine, attachments).data


def write_documents(
    document: CctpDocument,
    formats: Sequence[str],
    out_dir: Path,
    stem: str,
    styles: Styles | None = None,
    engine: PdfEngine | None = None,
    attachments: Sequence[Attachment] = (),
) -> list[GeneratedFile]:
    """Write ``document`` as ``out_dir/stem.<fmt>`` for each of ``formats``, atomically.

    Every format is made before any file is replaced: a failure at the PDF step leaves the
    previous HTML and DOCX, not a mix of this run's files and the last one's.
    """
    written: list[GeneratedFile] = []
    contents: list[tuple[Path, bytes]] = []
    styles = styles or styles_for(None)
    typeset_once = typeset(document)  # the same text for every format, typeset once
    for fmt in formats:
        target = inside(out_dir, f"{stem}.{fmt}")
        rendered = _render_typeset(typeset_once, fmt, styles, engine, attachments)
        contents.append((target, rendered.data))
        written.append(GeneratedFile(fmt, target, len(rendered.data), rendered.pages))
    write_many_atomic(contents)
    return written


def write_document(
    document: CctpDocument,
    target: Path,
    styles: Styles | None = None,
    engine: PdfEngine | None = None,
    attachments: Sequence[Attachment] = (),
) -> GeneratedFile:
    """Write ``document`` in the format its suffix names (.docx, .pdf, .html or .htm)."""
    fmt = target.suffix.lower().lstrip(".")
    fmt = "html" if fmt == "htm" else fmt
    if fmt not in FORMATS:
        raise UsageError(
            f"« {target.name} » : le nom du fichier doit se terminer par .docx, .pdf ou .html."
        )
    rendered = render(document, fmt, styles, engine, attachments)
    write_bytes_atomic(target, rendered.data)
    return GeneratedFile(fmt, target, len(rendered.data), rendered.pages)


def output_stem(document: CctpDocument) -> str:
    """``cctp-kerbriac-sur-lie`` (``rc-…``, ``rao-…``)."""
    return f"{document.acronym.lower()}-{slugify(document.buyer)}"


def generate(
    selection: Selection,
    formats: Sequence[str],
    out_dir: Path,
    templates: Path | None = None,
    engine: PdfEngine | None = None,
) -> list[GeneratedFile]:
    """Build the CCTP of ``selection`` once and write it in each of ``formats`` into ``out_dir``."""
    document = build_document(selection)
    styles = styles_for(templates)
    return write_documents(document, formats, out_dir, output_stem(document), styles, engine)
