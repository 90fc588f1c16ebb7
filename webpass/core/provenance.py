"""Reading back the dossier's answers embedded in a generated CCTP (PDF, DOCX or HTML).

Every generated document carries the answers it was made from, so ``webpass generer --depuis``
can regenerate it, and a consultant can tell which answers produced a file found in a mailbox.
"""

from __future__ import annotations

import base64
import binascii
import html.parser
from pathlib import Path

from webpass.core.errors import InputError, UnreadableFileError
from webpass.core.files import check_regular, read_bytes

__all__ = ["answers_from_document"]

MAX_DOCUMENT_BYTES = 50_000_000
MAX_ANSWERS_BYTES = 2_000_000  # an answers file weighs a few kilobytes


def answers_from_document(path: Path) -> str:
    """The answers YAML embedded in ``path``; a French error when there are none."""
    if check_regular(path).stat().st_size > MAX_DOCUMENT_BYTES:
        raise UnreadableFileError(path, "document trop volumineux pour en relire les réponses.")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _from_pdf(path)
    if suffix == ".docx":
        from webpass.render.docx import read_docx_answers

        return str(read_docx_answers(path))
    if suffix in (".html", ".htm"):
        return _from_html(path)
    raise InputError(
        f"{path} : format non reconnu ; indiquez un CCTP produit par webpass (.pdf, .docx ou .html)."
    )


def _from_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        contents = reader.attachments.get("webpass.yaml")
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        # pypdf stops a decompression bomb itself (LimitReachedError): refused like a bad PDF
        raise UnreadableFileError(path, f"PDF illisible ou piégé ({type(exc).__name__}).") from exc
    if not contents:
        raise InputError(f"{path} : ce PDF ne contient pas les réponses d'un dossier webpass.")
    if len(contents[0]) > MAX_ANSWERS_BYTES:
        raise UnreadableFileError(path, "réponses embarquées démesurées : ce PDF a été altéré.")
    try:
        return contents[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} : les réponses embarquées ne sont pas en UTF-8 ; ce PDF n'a pas été produit "
            "par webpass ou a été modifié. Repartez du fichier webpass.yaml du dossier."
        ) from exc


class _MetaReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "webpass-reponses":
            self.value = values.get("content")


def _from_html(path: Path) -> str:
    reader = _MetaReader()
    reader.feed(read_bytes(path, max_bytes=MAX_DOCUMENT_BYTES).decode("utf-8", errors="replace"))
    if not reader.value:
        raise InputError(f"{path} : cette page ne contient pas les réponses d'un dossier webpass.")
    try:
        return base64.b64decode(reader.value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path} : réponses embarquées illisibles.") from exc
