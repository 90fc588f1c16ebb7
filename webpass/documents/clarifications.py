"""The bidders' questions and the buyer's answers: one rule for the RC and the consultation letter.

A bidder asks up to ten days before the deadline for offers; the buyer answers every bidder at
the latest six days before it, the delay article R2132-6 of the Code de la commande publique
sets for formalised procedures and that adapted ones borrow, so each bidder has the same six
days to take the answer into its offer. Both dates move back to a working day
(:mod:`webpass.dossier.working_days`): a Saturday or a public holiday closes offices.
"""

from __future__ import annotations

import datetime as dt

from webpass.core.frozen_record import frozen_record
from webpass.dossier.working_days import previous_working_day

__all__ = ["ANSWER_DAYS", "QUESTION_DAYS", "ClarificationDates", "clarification_dates"]

QUESTION_DAYS = 10
ANSWER_DAYS = 6


@frozen_record
class ClarificationDates:
    """The last day for a bidder's question and the last day for the buyer's answer."""

    last_question: dt.date
    last_answer: dt.date


def clarification_dates(deadline: dt.date) -> ClarificationDates:
    """Both dates for a deadline for offers, each on a working day."""
    return ClarificationDates(
        previous_working_day(deadline - dt.timedelta(days=QUESTION_DAYS)),
        previous_working_day(deadline - dt.timedelta(days=ANSWER_DAYS)),
    )
