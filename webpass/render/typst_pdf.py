"""A document model typeset by Typst: tagged PDF/UA-1 (and PDF/A-3a), in memory, reading nothing.

The source is built in memory (``document.typ`` followed by the generated calls) and compiled
with the project root set to a temporary folder created for the compilation that holds that
source and nothing else, so a ``#read``, ``#include`` or ``#image`` — which our source never
writes, see :mod:`webpass.render.typst_escape` — would find nothing else to read. The style
imports no package (a test checks it), so Typst never goes to the network either. Fonts are the DejaVu faces
shipped in the template folder (plus those built into Typst), loaded once per process; system
fonts are ignored so that every machine lays out the same pages. The creation date is the
document's date, so the same inputs give the same bytes. The page count comes from Typst
itself (a query on the compiled document), not from re-reading the PDF.

This module imports Typst at import time; import it only where a PDF is produced.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import typst

from webpass.core.errors import InputError
from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import CctpDocument
from webpass.render.attachment import Attachment
from webpass.render.typst_source import TypstWriter

__all__ = [
    "PAGE_COUNT",
    "PDF_STANDARDS",
    "TypstPdf",
    "TypstRefused",
    "compile_typst",
    "render_typst_pdf",
    "typst_source",
]

# PDF/UA-1 for accessibility; PDF/A-3a for archiving, the level of PDF/A that allows the
# attached answers file and requires the same tagging.
PDF_STANDARDS: list[typst.PDFStandard] = ["ua-1", "a-3a"]
STYLE_FILE = "document.typ"
MAIN_FILE = "document.typ"
FONTS_FOLDER = "fonts"
PAGES_LABEL = "webpass-pages"
# The number of pages, as metadata a query can read once the layout is done.
PAGE_COUNT = f"\n#context [#metadata(counter(page).final().first()) <{PAGES_LABEL}>]\n"


class TypstRefused(InputError):
    """Typst could not typeset the document."""


@frozen_record
class TypstPdf:
    """The PDF bytes and the number of pages Typst laid out."""

    data: bytes
    pages: int


@cache
def _fonts(folder: Path) -> typst.Fonts:
    # Loading the font files costs a few milliseconds: once per process and folder.
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(folder)]
    )


@cache
def _style(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def typst_source(
    document: CctpDocument,
    style_folder: Path,
    attachments: Sequence[Attachment] = (),
) -> str:
    """The complete Typst source of ``document`` (style of ``style_folder``, then the body)."""
    body = TypstWriter(style_folder / FONTS_FOLDER).body(document, attachments)
    return _style(style_folder / STYLE_FILE) + "\n" + body + PAGE_COUNT


def render_typst_pdf(
    document: CctpDocument,
    style_folder: Path,
    attachments: Sequence[Attachment] = (),
) -> TypstPdf:
    """PDF bytes of ``document`` typeset by Typst with the style and fonts of ``style_folder``.

    Raises:
        TypstRefused: Typst reported an error (a bug of the style file, not of the dossier).
    """
    stamp = dt.datetime.combine(document.date, dt.time(0, 0), tzinfo=dt.UTC)
    source = typst_source(document, style_folder, attachments)
    return compile_typst(source, style_folder / FONTS_FOLDER, stamp)


class _CacheRelease:
    """Frees what Typst memoised for the previous document of a long-lived process.

    typst-py ends each compilation with ``comemo::evict(10)``: what the last ten compilations
    did not use is freed, so a batch worker kept about ten documents' layouts (70 MB each) in
    memory. Ten compilations of an empty document, already memoised and so almost free, age
    everything else out. Done before a process's second document and every one after, so a
    single ``webpass generer`` never pays for it.
    """

    EVICTION_AGE = 10

    def __init__(self) -> None:
        # The web wizard may render from several threads; the empty compiler is not shareable.
        self._lock = threading.Lock()
        self.compiled = 0
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._compiler: typst.Compiler | None = None

    def before_compiling(self, fonts: typst.Fonts) -> None:
        with self._lock:
            self.compiled += 1
            if self.compiled > 1:
                self._release(fonts)

    def _release(self, fonts: typst.Fonts) -> None:
        if self._compiler is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="webpass-typst-vide-")
            empty = Path(self._scratch.name) / MAIN_FILE
            empty.write_text("", encoding="utf-8")
            self._compiler = typst.Compiler(
                input=str(empty),
                root=self._scratch.name,
                font_paths=fonts,
                ignore_system_fonts=True,
            )
        for _ in range(self.EVICTION_AGE):
            self._compiler.compile(format="svg")


_release = _CacheRelease()


def compile_typst(source: str, fonts: Path, stamp: dt.datetime) -> TypstPdf:
    """Compile ``source`` alone, in an empty root, with the fonts of ``fonts`` only.

    The source must end with the page-count marker of :func:`typst_source`.
    """
    _release.before_compiling(_fonts(fonts))
    with tempfile.TemporaryDirectory(prefix="webpass-typst-") as scratch:
        # The root holds the source and nothing else: it is all Typst may read. (The source is
        # written to a file because typst-py 0.15 cannot query a document given as bytes.)
        main = Path(scratch) / MAIN_FILE
        main.write_text(source, encoding="utf-8")
        compiler = typst.Compiler(
            input=str(main), root=scratch, font_paths=_fonts(fonts), ignore_system_fonts=True
        )
        try:
            data = compiler.compile(format="pdf", pdf_standards=PDF_STANDARDS, timestamp=stamp)
            # Answered from the compilation just made (Typst memoises it): no second layout.
            pages = json.loads(compiler.query(f"<{PAGES_LABEL}>", field="value", one=True))
        except RuntimeError as exc:  # typst.TypstError, or a bare one from the query
            message = getattr(exc, "message", str(exc))
            raise TypstRefused(
                f"la mise en page Typst a échoué : {message} ; signalez-le à l'équipe webpass "
                "ou produisez le PDF avec --moteur weasyprint."
            ) from exc
    assert isinstance(data, bytes)
    return TypstPdf(data, int(pages))
