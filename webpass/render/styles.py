"""Where a document's templates, styles and reference.docx come from: looked up once.

The user's template folder (``--modeles``) comes first, then the shipped one; the HTML template,
the print stylesheet of WeasyPrint (``pdf.css``) and the reference.docx are each the first found
along that path, and each must be a regular file inside its folder. The Typst style (``document.typ``) and its fonts are always the shipped ones:
a user designs in HTML/CSS, and that output goes through WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

from webpass.core.errors import UsageError
from webpass.core.files import check_regular, read_text
from webpass.core.frozen_record import frozen_record
from webpass.core.resources import shipped_templates_dir
from webpass.render.html import template_search_path

__all__ = ["PDF_STYLESHEET", "REFERENCE_DOCX", "Styles", "styles_for"]

PDF_STYLESHEET = "pdf.css"
REFERENCE_DOCX = "reference.docx"


@frozen_record
class Styles:
    """The folders a document is rendered with.

    Attributes:
        search_path: the template folders, the user's first.
        custom: whether the user gave a folder of their own.
        typst_folder: the folder of ``document.typ`` and ``fonts/``.
        reference_docx: the Word styles the DOCX is built on.
        pdf_css: the print stylesheet for WeasyPrint and the folder its URLs resolve against.
    """

    search_path: tuple[Path, ...]
    custom: bool
    typst_folder: Path
    reference_docx: Path
    pdf_css: tuple[str, Path] | None


def _first(search_path: tuple[Path, ...], name: str) -> tuple[Path, Path] | None:
    """The first ``name`` along the path, with its folder, once it is a regular file inside it.

    Something that exists under that name but is a pipe, a folder, a device or a link out of its
    folder is refused, not skipped: the user meant it, and reading a pipe would hang.
    """
    for folder in search_path:
        candidate = folder / name
        if candidate.exists() or candidate.is_symlink():
            return check_regular(candidate, root=folder), folder
    return None


def styles_for(templates: Path | None) -> Styles:
    """The styles for the user's template folder ``templates`` (None: the shipped ones).

    Not cached: a long-lived process (the web wizard) sees a stylesheet edited meanwhile, and
    the lookup is a few file checks.
    """
    search_path = tuple(template_search_path(templates))
    reference = _first(search_path, REFERENCE_DOCX)
    if reference is None:
        raise UsageError(f"{REFERENCE_DOCX} introuvable dans les dossiers de modèles.")
    found_css = _first(search_path, PDF_STYLESHEET)
    css = None
    if found_css is not None:
        css_path, css_folder = found_css
        css = (read_text(css_path, root=css_folder), css_folder)
    return Styles(search_path, templates is not None, shipped_templates_dir(), reference[0], css)
