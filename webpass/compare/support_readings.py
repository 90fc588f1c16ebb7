"""G12's end-of-support dates in each compared offer, and the analyst's decision on them.

``webpass comparer`` runs on every offer the check ``webpass verifier`` runs
(:func:`webpass.grid.support_dates.support_alerts`): an end of support its G12 answer writes
before the dossier's limit means the offer does not meet G12 and is irregular, if the date is
really the offer's. The date is read from prose, so the check decides nothing alone: while a
ranked offer has such a date and the notes record no decision on it, no award is proposed
(00:20 reading, N1: the RAO proposed an awardee and said « complets » of information its own
G12 answer contradicted). The analyst records, under ``verifications``, ``lectures``, ``G12``,
either a misreading with what the offer really says (the RAO quotes it) or the offer irregular
(set aside as ``irregularites`` does).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from webpass.compare.notes import NotedCheck, ReadingStatus, SupportReading
from webpass.core.errors import Problem, ValidationFailed
from webpass.core.frozen_record import frozen_record
from webpass.documents.typography import date_fr, of_name
from webpass.grid.regularity import Irregularity
from webpass.grid.support_dates import SUPPORT_ITEM, SupportAlert, support_alerts
from webpass.grid.verify import EARLY_SUPPORT

if TYPE_CHECKING:
    from webpass.compare.scoring import OfferFile
    from webpass.selection.engine import Selection

__all__ = [
    "OfferReading",
    "reading_blocker",
    "reading_irregularities",
    "resolve_readings",
]


@frozen_record
class OfferReading:
    """The ends of support read too early in one offer's G12 answer, and the analyst's decision.

    Attributes:
        name: the offer's name, for sentences.
        alerts: each date read before the limit, with its passage.
        decision: the analyst's record in the notes, if any.
    """

    name: str
    alerts: tuple[SupportAlert, ...]
    decision: SupportReading | None = None

    @property
    def undecided(self) -> bool:
        """A date read before the limit, and no decision of the analyst on it."""
        return bool(self.alerts) and self.decision is None

    @property
    def misread(self) -> bool:
        """The analyst recorded that webpass misread the answer."""
        return self.decision is not None and self.decision.status is ReadingStatus.MISREAD

    @property
    def read(self) -> str:
        """What was read: every passage with its brick, its date and the limit."""
        return " ; ".join(alert.facts for alert in self.alerts)


def resolve_readings(
    selection: Selection, offers: Sequence[OfferFile], checks: Mapping[str, NotedCheck]
) -> dict[str, OfferReading]:
    """Every offer's G12 alerts and the analyst's decision, by offer path. A decision on a
    requirement webpass reads no date in, or on an answer where it reads none before the
    limit, is refused at its line: it would quote a check that never fired.

    Raises:
        ValidationFailed: every problem, each at its line of the notes file.
    """
    problems: list[Problem] = []
    found: dict[str, OfferReading] = {}
    for offer in offers:
        alerts = tuple(support_alerts(selection, offer.grid))
        check = checks.get(str(offer.path))
        decision = None
        if check is not None:
            decision = _decision(check, bool(alerts), offer.name, selection, problems)
        found[str(offer.path)] = OfferReading(offer.name, alerts, decision)
    if problems:
        source = next(iter(checks.values())).file
        raise ValidationFailed(problems, summary=f"{source} : notes à corriger")
    return found


def _decision(
    check: NotedCheck, alerted: bool, name: str, selection: Selection, problems: list[Problem]
) -> SupportReading | None:
    """The analyst's decision on G12 in ``check``; a misplaced one is added to ``problems``."""
    decision = None
    for reading in check.readings:
        where = f"verifications.{check.offer}.lectures"
        if reading.item != SUPPORT_ITEM:
            message = _not_read(reading)
        elif not alerted:
            message = _nothing_read(name, selection)
        else:
            decision = reading
            continue
        problems.append(Problem(check.file, reading.line, None, message, where=where))
    return decision


def _not_read(reading: SupportReading) -> str:
    return (
        f"« lectures » de {reading.item} : webpass ne lit de dates que dans la réponse à "
        f"l'exigence {SUPPORT_ITEM} (fins de support de sécurité). Écrivez {SUPPORT_ITEM}, ou "
        "retirez cette lecture ; une exigence que l'offre contredit s'écrit sous "
        "« irregularites »."
    )


def _nothing_read(name: str, selection: Selection) -> str:
    from webpass.documents.support_window import support_deadline

    deadline = support_deadline(selection.answers)
    read = (
        f"webpass ne lit dans la réponse {of_name(name)} à {SUPPORT_ITEM} aucune fin de support "
        f"avant le {date_fr(deadline)}"
        if deadline is not None
        else "le dossier ne donne pas de mise en ligne visée (projet, mise_en_ligne) : webpass "
        f"ne lit pas les dates de {SUPPORT_ITEM}"
    )
    return (
        f"{read} ; cette lecture est sans objet, retirez-la. Une exigence que l'offre contredit "
        "s'écrit sous « irregularites »."
    )


def reading_irregularities(
    readings: Mapping[str, OfferReading], selection: Selection
) -> dict[str, tuple[Irregularity, ...]]:
    """The offers the analyst found irregular on their G12 dates, by path, with the reason
    the RAO's article on the irregular offers quotes. Never regularisable: a later end of
    support would change the offer."""
    selected = selection.selected(SUPPORT_ITEM)
    title = f" ({selected.item.title})" if selected is not None else ""
    found: dict[str, tuple[Irregularity, ...]] = {}
    for path, reading in readings.items():
        decision = reading.decision
        if decision is None or decision.status is not ReadingStatus.IRREGULAR:
            continue
        text = (
            f"{SUPPORT_ITEM}{title} : l'offre ne la respecte pas. Sa réponse écrit "
            f"{reading.read}. {decision.reason.rstrip('.')}."
        )
        found[path] = (Irregularity(EARLY_SUPPORT, text, False),)
    return found


def reading_blocker(readings: Sequence[OfferReading]) -> str:
    """Why no award is proposed while ranked offers have a G12 date without a decision: the
    offer, the brick, the date read and the limit, and what the analyst records; empty when
    every date has its decision."""
    undecided = [reading for reading in readings if reading.undecided]
    if not undecided:
        return ""
    read = " ; ".join(
        f"la réponse {of_name(r.name)} à {SUPPORT_ITEM} écrit {r.read}" for r in undecided
    )
    several = len(undecided) > 1 or len(undecided[0].alerts) > 1
    dates = "ces fins de support, qui tombent" if several else "cette fin de support, qui tombe"
    return (
        f"l'analyste n'a pas consigné sa décision sur {dates} avant la limite que fixe "
        f"l'exigence {SUPPORT_ITEM} : {read}. Si la date est bien celle de "
        "l'offre, celle-ci ne respecte pas l'exigence et elle est irrégulière : écrire, dans le "
        "fichier des notes, rubrique « verifications », sous l'offre, « lectures », "
        f"« {SUPPORT_ITEM} », « statut » : « {ReadingStatus.IRREGULAR.value} », et le motif ; "
        f"si webpass a mal lu, « statut » : « {ReadingStatus.MISREAD.value} », et, dans "
        "« motif », ce que l'offre dit vraiment"
    )
