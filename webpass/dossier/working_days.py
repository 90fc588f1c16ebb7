"""Working days in France: a deadline webpass computes never falls on a weekend or a public
holiday (Code du travail, article L3133-1), so a bidder never meets a closed office."""

from __future__ import annotations

import datetime as dt
from functools import cache

__all__ = ["is_working_day", "previous_working_day", "public_holidays"]


def _easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """The eleven public holidays of article L3133-1 of the Code du travail in ``year``."""
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + dt.timedelta(days=n) for n in (1, 39, 50)]  # lundis, Ascension
    return frozenset([dt.date(year, m, d) for m, d in fixed] + moving)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, not a public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def previous_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
