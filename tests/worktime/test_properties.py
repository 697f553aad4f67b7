"""Properties of working-time arithmetic, checked with hypothesis against each other
and against a plain day-by-day reference count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.worktime.conftest import VN
from worktime.calendar import WorkCalendar, hours_to_microseconds

FIRST = dt.datetime(2025, 12, 1)  # noqa: DTZ001  (hypothesis bounds are naive)
LAST = dt.datetime(2028, 2, 28)  # noqa: DTZ001

moments = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(VN)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)
override_days = st.dictionaries(
    st.dates(min_value=FIRST.date(), max_value=LAST.date()), st.booleans(), max_size=40
)
minutes = st.integers(min_value=0, max_value=80 * 8 * 60)  # up to 80 working days

SETTINGS = settings(max_examples=150, deadline=None, database=None)


def reference_hours(
    calendar: WorkCalendar, start: dt.datetime, end: dt.datetime
) -> Decimal:
    """Working time from start to end by intersecting every day's office intervals."""
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            for opens, closes in calendar.office_hours:
                low = max(start, dt.datetime.combine(day, opens, tzinfo=VN))
                high = min(end, dt.datetime.combine(day, closes, tzinfo=VN))
                if high > low:
                    total += high - low
        day += dt.timedelta(days=1)
    return Decimal(total.total_seconds()) / 3600


@SETTINGS
@given(moments, moments, override_days)
def test_between_matches_a_day_by_day_count(first, second, overrides):
    calendar = WorkCalendar(overrides=overrides)
    start, end = sorted((first, second))
    assert calendar.working_hours_between(start, end) == reference_hours(
        calendar, start, end
    )


@SETTINGS
@given(moments, moments, override_days)
def test_adding_the_hours_between_lands_on_the_end(first, second, overrides):
    calendar = WorkCalendar(overrides=overrides)
    start, end = sorted((first, second))
    landed = calendar.add_working_hours(
        start, calendar.working_hours_between(start, end)
    )
    # Same place in working time: the end itself when it is inside office hours,
    # otherwise the end of the working hour before it.
    assert landed <= end or landed == calendar.next_working_moment(end)
    assert calendar.next_working_moment(landed) == calendar.next_working_moment(end)
    assert calendar.working_hours_between(landed, end) == 0


@SETTINGS
@given(moments, minutes, override_days)
def test_hours_between_a_start_and_the_sum_are_the_hours_added(start, count, overrides):
    calendar = WorkCalendar(overrides=overrides)
    hours = Decimal(count) / 60
    end = calendar.add_working_hours(start, hours)
    assert end >= start
    measured = calendar.working_hours_between(start, end)
    assert hours_to_microseconds(measured) == count * 60_000_000
    if count:
        # The result is always inside office hours of a working day, or at the end
        # of an office interval, never at the start of the next one.
        assert calendar.is_working_day(end.date())
        local = end.timetz().replace(tzinfo=None)
        assert any(opens < local <= closes for opens, closes in calendar.office_hours)


@SETTINGS
@given(moments, moments, moments)
def test_between_is_additive_and_antisymmetric(first, second, third):
    calendar = WorkCalendar()
    low, middle, high = sorted((first, second, third))
    # Hours are Decimals of non-terminating fractions (20 min = 0.333... h): sums
    # are exact to the microsecond, which is what the calendar reads back.
    whole = calendar.working_hours_between(low, high)
    parts = calendar.working_hours_between(
        low, middle
    ) + calendar.working_hours_between(middle, high)
    assert hours_to_microseconds(whole) == hours_to_microseconds(parts)
    assert calendar.working_hours_between(high, low) == -calendar.working_hours_between(
        low, high
    )


@SETTINGS
@given(moments, st.integers(min_value=0, max_value=120), override_days)
def test_whole_working_days_step_over_days_off(start, days, overrides):
    calendar = WorkCalendar(overrides=overrides)
    end = calendar.add_working_days(start, days)
    begun = calendar.next_working_moment(start)
    assert calendar.working_days_between(begun.date(), end.date()) in {days - 1, days}
