"""The years of service a yearly price is expected to be paid for, from the dossier's dates.

A yearly price (hosting, maintenance) runs from the going online to the term and is paid by the
month started (CCAP, prices article). Multiplying it by the market's whole duration would weigh
it for months in which the site is still being built, favour the offers whose build is dear and
whose subscription is cheap, and overstate the estimate. The comparison, the estimate and every
price piece therefore use the planned service: from the going online the buyer aims for to the
term, counted from the expected notification.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from webpass.compare.award import offers_deadline
from webpass.core.frozen_record import frozen_record
from webpass.documents.typography import date_fr
from webpass.dossier.answers import Answers

__all__ = [
    "TO_NOTIFICATION",
    "ServicePeriod",
    "add_months",
    "days_in_month",
    "expected_notification",
    "planned_service",
    "year_fraction",
]

# From the offers' deadline to the notification: analysis, choice, signature, letters to the
# providers not retained.
TO_NOTIFICATION = dt.timedelta(weeks=4)
# Months of service as years, to four decimals: to the tenth, 40 months made 3,3 years in the
# BPU while the AE's periods (16/12 + 12/12 + 12/12) made 3,3333, and the contract's amount was
# not the sum of its periods (groupement review N5). A renewal being whole years, the first
# period's fraction and the whole service's keep the same decimals, so the periods add up.
_PLACES = Decimal("0.0001")


def year_fraction(months: int) -> Decimal:
    """``months`` of service in years, to four decimals (half up): 40 → 3,3333."""
    return (Decimal(months) / 12).quantize(_PLACES, rounding=ROUND_HALF_UP)


def expected_notification(answers: Answers) -> dt.date:
    """The date the market is expected to be notified."""
    return offers_deadline(answers) + TO_NOTIFICATION


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The 31st of a shorter month is its last day.
    return dt.date(year, month, min(day.day, days_in_month(year, month)))


def days_in_month(year: int, month: int) -> int:
    """The number of days of ``month`` (1–12) of ``year``: ``calendar.monthrange``'s second value.

    Computed here rather than asked of :mod:`calendar`, whose import (and that of :mod:`locale`
    it brings) every ``webpass generer`` would pay for this one number.
    """
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _started_months(start: dt.date, end: dt.date) -> int:
    """Months started between ``start`` and ``end``, as the yearly prices are paid."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return max(months, 0)


@frozen_record
class ServicePeriod:
    """The planned service of the yearly prices.

    Attributes:
        start: the going online the buyer aims for (None: not given, the whole term counts).
        end: the term, the market's duration after the expected notification.
        months: the months of service started between them.
        years: those months in years, to four decimals (:func:`year_fraction`): the quantity
            of a yearly price.
    """

    start: dt.date | None
    end: dt.date
    months: int
    years: Decimal

    @property
    def from_go_live(self) -> bool:
        """Whether the period starts at the planned going online (else the whole term)."""
        return self.start is not None

    def nature(self, duration_months: int) -> str:
        """What the quantity counts, for the price pieces' « nature » column."""
        if self.start is None:
            return "années de la durée du marché, reconductions comprises"
        return (
            f"années de service prévues ({self.months} mois ÷ 12), de la mise en ligne visée "
            f"({date_fr(self.start)}) au terme ({duration_months} mois après la notification)"
        )


def first_period_service_months(answers: Answers, first_months: int) -> int | None:
    """The months of service planned in the firm first period, from the going online aimed for;
    None without that date. The AE's period amount counts them, fixed at award so that the
    advance computed on it is known at signature (groupement review R5)."""
    start = answers.project.go_live
    if start is None:
        return None
    first_end = add_months(expected_notification(answers), first_months)
    return _started_months(start, first_end)


def planned_service(answers: Answers) -> ServicePeriod:
    """The service from the planned going online to the term; the whole term without a date."""
    project = answers.project
    notification = expected_notification(answers)
    end = add_months(notification, project.duration_months)
    start = project.go_live
    if start is None or start >= end:
        years = Decimal(project.duration_years)
        return ServicePeriod(None, end, project.duration_years * 12, years)
    months = max(_started_months(start, end), 1)
    return ServicePeriod(start, end, months, year_fraction(months))
