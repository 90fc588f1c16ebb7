"""G12's end-of-support dates in an offer, set against the dossier's targeted going online.

G12 asks that no brick (the tool, each extension, the language, the database) reaches the end of
its security support within the months after the going online the dossier aims for; the offer
gives each date in its written answer. A date written before that limit is an anomaly of
``webpass verifier`` with the dossier, and stops ``webpass comparer`` from proposing the offer
until the analyst has recorded a decision on it (00:20 reading, N1): both run
:func:`support_alerts`. The answer is French prose, read here for the dates it writes
« jusqu'au 31 décembre 2028 », so the alert quotes the passage for a person to judge, and never
decides the offer's regularity alone: the analyst records whether the date is really the offer's
(the offer is then irregular) or a misreading, with what the offer really says.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from webpass.core.frozen_record import frozen_record
from webpass.documents.support_window import SUPPORT_MONTHS, support_deadline
from webpass.documents.typography import MONTHS, date_fr

if TYPE_CHECKING:
    from webpass.grid.read import FilledGrid
    from webpass.selection.engine import Selection

__all__ = [
    "SUPPORT_ITEM",
    "EarlySupport",
    "SupportAlert",
    "early_support_message",
    "early_supports",
    "support_alerts",
]

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
    component: str = ""


# What precedes a date in its passage and names no component: the heading of the answer
# (« Versions livrées (dates d'exemple) : »), the words « support (de sécurité) » before it.
_HEADING = re.compile(r"^.*:\s*", re.DOTALL)
_SUPPORT_WORDS = re.compile(r"[\s,]*(support|fin)(\s+de\s+sécurité)?[\s,]*$", re.IGNORECASE)


def _component(before: str) -> str:
    """The brick a date belongs to, from the words before it: « PHP 8.5 »."""
    named = _SUPPORT_WORDS.sub("", _HEADING.sub("", before))
    return " ".join(named.strip(" ,").split())


def early_supports(answer: str, deadline: dt.date) -> list[EarlySupport]:
    """Each end of support ``answer`` writes before ``deadline``, G12's window as
    :func:`webpass.documents.support_window.support_deadline` gives it for the dossier; an
    impossible date (« 31 février ») is no date and is left alone."""
    found = []
    for passage in _PASSAGES.split(answer):
        start = 0
        for match in _DATE.finditer(passage):
            day, month, year = match.groups()
            before, start = passage[start : match.start()], match.end()
            try:
                ends = dt.date(
                    int(year), MONTHS.index(month.lower()) + 1, int(day.removesuffix("er"))
                )
            except ValueError:
                continue
            if ends < deadline:
                found.append(EarlySupport(" ".join(passage.split()), ends, _component(before)))
    return found


@frozen_record
class SupportAlert:
    """An end of support an offer's G12 answer writes before the dossier's limit, with that
    limit and where the answer stands in the grid."""

    early: EarlySupport
    go_live: dt.date
    deadline: dt.date
    where: str

    @property
    def message(self) -> str:
        """The verifier's anomaly, in French."""
        return early_support_message(self.early, self.go_live, self.deadline)

    @property
    def facts(self) -> str:
        """The brick, the date read and the limit, in a few words, for the RAO and comparer."""
        brick = f"{self.early.component} : " if self.early.component else ""
        return (
            f"« {self.early.passage} » ({brick}fin de support le {date_fr(self.early.ends)}, "
            f"avant le {date_fr(self.deadline)}, fin des {SUPPORT_MONTHS} mois qui suivent la "
            f"mise en ligne visée du {date_fr(self.go_live)})"
        )


def support_alerts(selection: Selection, filled: FilledGrid) -> list[SupportAlert]:
    """Each end of support the G12 answer of ``filled`` writes before the limit of
    ``selection``'s dossier: the one check ``webpass verifier`` and ``webpass comparer`` run.
    None without a targeted going online, or when the dossier does not ask G12."""
    go_live = selection.answers.project.go_live
    deadline = support_deadline(selection.answers)
    if go_live is None or deadline is None or selection.selected(SUPPORT_ITEM) is None:
        return []
    return [
        SupportAlert(early, go_live, deadline, row.where)
        for row in filled.rows
        if row.id == SUPPORT_ITEM
        for early in early_supports(row.justification, deadline)
    ]


def early_support_message(early: EarlySupport, go_live: dt.date, deadline: dt.date) -> str:
    """The verifier's warning, in French."""
    return (
        f"{SUPPORT_ITEM} : « {early.passage} » : ce support finit le {date_fr(early.ends)}, "
        f"avant le {date_fr(deadline)}, fin des {SUPPORT_MONTHS} mois qui suivent "
        f"la mise en ligne visée ({date_fr(go_live)}). {SUPPORT_ITEM} exige qu'aucune brique "
        "n'atteigne la fin de son support de sécurité dans ce délai : si la date est bien "
        "celle-là, l'offre ne respecte pas l'exigence et elle est irrégulière."
    )
