"""The family of the procedure (quotes, MAPA, formal), which decides the pieces of the DCE.

Apart from :mod:`webpass.documents.terms`, which re-exports it, because the CCTP names its pieces
after it (« au bordereau des prix » or « au formulaire de devis ») and ``webpass generer`` need
not import everything the other pieces compute.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from webpass.core.errors import InputError

if TYPE_CHECKING:
    from webpass.selection.engine import Selection

__all__ = ["ProcedureKind", "procedure_kind"]


class ProcedureKind(StrEnum):
    """The family of procedure, which decides the pieces of the DCE."""

    QUOTES = "devis"
    ADAPTED = "mapa"
    FORMAL = "formalisee"


def procedure_kind(selection: Selection) -> ProcedureKind:
    """The family of the procedure the selection names."""
    code = str(selection.procedure.code)
    if code.startswith("dispense"):
        return ProcedureKind.QUOTES
    if code.startswith("formalis"):
        return ProcedureKind.FORMAL
    if code.startswith("mapa"):
        return ProcedureKind.ADAPTED
    raise InputError(f"procédure « {code} » inconnue : impossible de choisir les pièces du DCE.")
