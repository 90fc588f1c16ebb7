"""G12's end-of-support dates in an offer, set against the dossier's targeted going online.

G12 asks that no brick (the tool, each extension, the language, the database) reaches the end of
its security support within the months after the going online the dossier aims for; the offer
gives each date in its written answer. A date written before that limit is a warning of
``webpass verifier`` with the dossier: the answer is French prose, read here for the dates it
writes « jusqu'au 31 décembre 2028 », so the warning quotes the passage for a person to judge,
and never decides the offer's regularity (the analyst records it in the notes, 22:25 reading, M1).
"""

from __future__ import annotations

import datetime as dt
import re

from webpass.core.frozen_record import frozen_record
from webpass.documents.support_window import SUPPORT_MONTHS
from webpass.documents.typography import MONTHS, date_fr

__all__ = ["SUPPORT_ITEM", "EarlySupport", "early_support_message", "early_supports"]

#: The requirement whose answer gives the end-of-support dates.
SUPPORT_ITEM = "G12"

_DATE = re.compile(
    r"jusqu['’]\s*au\s+(1er|\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE
)
# A passage is what one date belongs to: the answer's clauses are separated by « ; » or a full
# stop followed by a space (never the one inside « 8.5 »).
_PASSAGES = re.compile(r";|\.\s")


@frozen_record
class EarlySupport:
    """A date of end of support the answer writes before the limit, with its passage."""

    passage: str
    ends: dt.date


def early_supports(answer: str, deadline: dt.date) -> list[EarlySupport]:
    """Each end of support ``answer`` writes before ``deadline``, G12's window as
    :func:`webpass.documents.support_window.support_deadline` gives it for the dossier; an
    impossible date (« 31 février ») is no date and is left alone."""
    found = []
    for passage in _PASSAGES.split(answer):
        for day, month, year in _DATE.findall(passage):
            try:
                ends = dt.date(
                    int(year), MONTHS.index(month.lower()) + 1, int(day.removesuffix("er"))
                )
            except ValueError:
                continue
            if ends < deadline:
                found.append(EarlySupport(" ".join(passage.split()), ends))
    return found


def early_support_message(early: EarlySupport, go_live: dt.date, deadline: dt.date) -> str:
    """The verifier's warning, in French."""
    return (
        f"{SUPPORT_ITEM} : « {early.passage} » : ce support finit le {date_fr(early.ends)}, "
        f"avant le {date_fr(deadline)}, fin des {SUPPORT_MONTHS} mois qui suivent "
        f"la mise en ligne visée ({date_fr(go_live)}). {SUPPORT_ITEM} exige qu'aucune brique "
        "n'atteigne la fin de son support de sécurité dans ce délai : si la date est bien "
        "celle-là, l'offre ne respecte pas l'exigence et elle est irrégulière."
    )
