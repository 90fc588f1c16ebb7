"""The length of a month, and adding months to a date, as the planned service counts them."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from webpass.dossier.service_period import add_months, days_in_month


@given(st.integers(min_value=1, max_value=9998), st.integers(min_value=1, max_value=12))
def test_days_in_month_is_calendars(year: int, month: int) -> None:
    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


def test_the_31st_plus_one_month_is_the_last_day_of_february() -> None:
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 15), 14) == dt.date(2028, 2, 15)
