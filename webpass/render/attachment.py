"""A file embedded in a PDF, whichever engine writes it: the dossier's answers, for provenance.

Every PDF webpass writes carries the answers it was made from (``webpass.yaml``), so
``webpass generer --depuis`` can regenerate the document from the PDF alone.
"""

from __future__ import annotations

from webpass.core.frozen_record import frozen_record
from webpass.documents.cctp import CctpDocument

__all__ = ["ANSWERS_ATTACHMENT", "Attachment", "answers_attachment"]

ANSWERS_ATTACHMENT = "webpass.yaml"


@frozen_record
class Attachment:
    """A text file embedded in the PDF (UTF-8)."""

    name: str
    data: bytes
    description: str = ""
    mime_type: str = "application/yaml"


def answers_attachment(document: CctpDocument) -> Attachment:
    """The answers the document was built from, as ``webpass.yaml``."""
    return Attachment(
        ANSWERS_ATTACHMENT, document.answers_yaml.encode("utf-8"), "Réponses du dossier webpass"
    )
