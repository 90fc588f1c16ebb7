"""When the Code requires the advance, and so when the buyer may choose to pay it anyway.

Article R2191-3 of the Code de la commande publique: an advance is due on a contract whose
initial amount exceeds 50,000 € HT and that lasts more than two months. Above the dispense
threshold (MAPA, formal procedures) the sincere estimate is already over it; under it, the
estimate of a consultation by quotes is the contract's amount and decides. Where the advance is
not due, paying it is the buyer's choice (``marche.avance_facultative``), which both wizards ask
there and only there; the CCAP, the quote form and the acte d'engagement print the outcome.
"""

from __future__ import annotations

from decimal import Decimal

from webpass.dossier.procedure import Procedure, ProcedureCode

__all__ = ["ADVANCE_THRESHOLD", "advance_required"]

ADVANCE_THRESHOLD = Decimal(50000)


def advance_required(procedure: Procedure) -> bool:
    """Whether the Code requires the advance for this procedure and its sincere estimate."""
    return procedure.code is not ProcedureCode.EXEMPT or procedure.amount > ADVANCE_THRESHOLD
