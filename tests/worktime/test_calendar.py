"""The working calendar on its own (no database): office hours, weekends, Vietnamese
public holidays and make-up days, adding and measuring working time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.worktime.conftest import at
from worktime.calendar import WorkCalendar, parse_office_hours, public_holidays

# 2026-11-30 is a Monday; 2026-12-05/06 the weekend after it.
MONDAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("received", "clock_starts"),
    [
        (at(2026, 11, 30, 9, 15), at(2026, 11, 30, 9, 15)),  # office hours: at once
        (at(2026, 11, 30, 17, 0), at(2026, 12, 1, 7, 0)),  # at closing → next morning
        (at(2026, 11, 30, 18, 42), at(2026, 12, 1, 7, 0)),  # after 17:00
        (at(2026, 11, 30, 23, 59), at(2026, 12, 1, 7, 0)),
        (at(2026, 11, 30, 5, 30), at(2026, 11, 30, 7, 0)),  # before 07:00
        (at(2026, 11, 30, 11, 30), at(2026, 11, 30, 13, 30)),  # lunch starts
        (at(2026, 11, 30, 12, 10), at(2026, 11, 30, 13, 30)),  # during lunch
        (at(2026, 11, 30, 13, 30), at(2026, 11, 30, 13, 30)),
        (at(2026, 12, 4, 17, 5), at(2026, 12, 7, 7, 0)),  # Friday evening → Monday
        (at(2026, 12, 5, 10, 0), at(2026, 12, 7, 7, 0)),  # Saturday → Monday
        (at(2026, 12, 6, 16, 0), at(2026, 12, 7, 7, 0)),  # Sunday
    ],
)
def test_clock_starts_at_the_next_working_moment(calendar, received, clock_starts):
    assert calendar.next_working_moment(received) == clock_starts


def test_moments_in_other_zones_are_read_as_vietnamese_wall_clock(calendar):
    # 10:00 UTC is 17:00 in Hà Nội: after closing time.
    utc_moment = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    result = calendar.next_working_moment(utc_moment)
    assert result == at(2026, 12, 1, 7, 0)
    assert result.utcoffset() == dt.timedelta(hours=7)


def test_naive_datetimes_are_refused(calendar):
    with pytest.raises(ValueError, match="aware"):
        calendar.next_working_moment(dt.datetime(2026, 11, 30, 9))  # noqa: DTZ001


def test_eight_hours_from_monday_morning_end_monday_at_closing_time(calendar):
    assert calendar.add_working_hours(at(2026, 11, 30, 7), Decimal(8)) == at(
        2026, 11, 30, 17
    )
    assert calendar.add_working_days(at(2026, 11, 30, 7), Decimal(1)) == at(
        2026, 11, 30, 17
    )


def test_a_morning_shift_ends_at_lunch_not_after_it(calendar):
    assert calendar.add_working_hours(at(2026, 11, 30, 7), Decimal("4.5")) == at(
        2026, 11, 30, 11, 30
    )
    assert calendar.add_working_hours(at(2026, 11, 30, 7), Decimal("4.75")) == at(
        2026, 11, 30, 13, 45
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(2026, 11, 30, 7), at(2026, 11, 30, 11)),
        (at(2026, 11, 30, 10), at(2026, 11, 30, 16)),  # 1.5 h + 2.5 h over lunch
        (at(2026, 11, 30, 15), at(2026, 12, 1, 9)),  # 2 h today, 2 h tomorrow
        (at(2026, 12, 4, 15), at(2026, 12, 7, 9)),  # over the weekend
        (at(2026, 11, 30, 18), at(2026, 12, 1, 11)),  # received after hours
    ],
)
def test_half_day_procedures(calendar, start, end):
    assert calendar.add_working_days(start, Decimal("0.5")) == end


def test_fifteen_working_day_procedure(calendar):
    # Tuesday 1 Dec 09:00 + 15 working days, skipping three weekends.
    assert calendar.add_working_days(at(2026, 12, 1, 9), Decimal(15)) == at(
        2026, 12, 22, 9
    )
    # Received at opening time: the last working hour ends the evening before.
    assert calendar.add_working_days(at(2026, 12, 1, 7), Decimal(15)) == at(
        2026, 12, 21, 17
    )


def test_zero_hours_leave_the_moment_unchanged(calendar):
    assert calendar.add_working_hours(at(2026, 12, 5, 10), Decimal(0)) == at(
        2026, 12, 5, 10
    )


def test_negative_hours_are_refused(calendar):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(at(2026, 11, 30, 9), Decimal(-1))


def test_what_the_holidays_package_gives_for_tet_2027():
    # Tết Nguyên Đán 2027 is Saturday 6 February. holidays.Vietnam gives 29 Tết
    # (Thu 4) to the fifth day (Wed 10): five Tết days plus the weekend swapped
    # to weekdays.
    names, _makeup = public_holidays(2027)
    tet = {day: name for day, name in names.items() if day.month == 2}
    assert sorted(tet) == [dt.date(2027, 2, day) for day in range(4, 11)]
    assert tet[dt.date(2027, 2, 6)] == "Tết Nguyên Đán"


def test_tet_2027_is_skipped(calendar):
    assert calendar.is_working_day(dt.date(2027, 2, 3))  # Wednesday before Tết
    for day in range(4, 11):
        assert not calendar.is_working_day(dt.date(2027, 2, day))
    assert calendar.is_working_day(dt.date(2027, 2, 11))
    # Received Wednesday 3 Feb at 09:00 with one working day: back after Tết.
    assert calendar.add_working_days(at(2027, 2, 3, 9), Decimal(1)) == at(
        2027, 2, 11, 9
    )
    # A 15-day procedure received before Tết ends 7 days later than without Tết.
    assert calendar.add_working_days(at(2027, 1, 25, 8), Decimal(15)) == at(
        2027, 2, 22, 8
    )


def test_an_extra_day_off_after_tet_moves_the_appointment():
    calendar = WorkCalendar(overrides={dt.date(2027, 2, 11): False})
    assert not calendar.is_working_day(dt.date(2027, 2, 11))
    assert calendar.add_working_days(at(2027, 2, 3, 9), Decimal(1)) == at(
        2027, 2, 12, 9
    )


def test_a_make_up_saturday_counts_as_a_working_day():
    plain = WorkCalendar()
    with_makeup = WorkCalendar(overrides={dt.date(2027, 2, 20): True})
    friday_morning = at(2027, 2, 19, 9)
    assert plain.add_working_days(friday_morning, Decimal(1)) == at(2027, 2, 22, 9)
    assert with_makeup.add_working_days(friday_morning, Decimal(1)) == at(
        2027, 2, 20, 9
    )
    # Received on the make-up Saturday evening: the clock starts on Monday.
    assert with_makeup.next_working_moment(at(2027, 2, 20, 10)) == at(2027, 2, 20, 10)
    assert with_makeup.next_working_moment(at(2027, 2, 20, 18)) == at(2027, 2, 22, 7)


def test_make_up_saturdays_published_by_the_package_are_worked():
    # 2026: the Monday before National Day (31 Aug) is off, Saturday 22 Aug worked.
    calendar = WorkCalendar()
    assert dt.date(2026, 8, 22) in public_holidays(2026)[1]
    assert calendar.is_working_day(dt.date(2026, 8, 22))
    assert not calendar.is_working_day(dt.date(2026, 8, 31))
    # An override wins over the package.
    assert not WorkCalendar(overrides={dt.date(2026, 8, 22): False}).is_working_day(
        dt.date(2026, 8, 22)
    )


def test_an_override_can_reopen_a_public_holiday():
    calendar = WorkCalendar(overrides={dt.date(2026, 11, 24): True})
    assert calendar.is_working_day(dt.date(2026, 11, 24))


def test_working_hours_between(calendar):
    monday = at(2026, 11, 30, 7)
    assert calendar.working_hours_between(monday, at(2026, 11, 30, 17)) == 8
    assert calendar.working_hours_between(monday, at(2026, 12, 7, 7)) == 40
    assert calendar.working_hours_between(at(2026, 12, 7, 7), monday) == -40
    # Evenings, nights and weekends add nothing.
    assert calendar.working_hours_between(at(2026, 12, 4, 17), at(2026, 12, 7, 7)) == 0
    assert calendar.working_hours_between(
        at(2026, 11, 30, 11), at(2026, 11, 30, 14)
    ) == Decimal(1)


def test_working_days_between(calendar):
    assert calendar.working_days_between(MONDAY, MONDAY) == 0
    assert (
        calendar.working_days_between(dt.date(2026, 12, 4), dt.date(2026, 12, 7)) == 1
    )
    assert (
        calendar.working_days_between(dt.date(2026, 12, 7), dt.date(2026, 12, 4)) == -1
    )
    assert calendar.working_days_between(dt.date(2027, 2, 3), dt.date(2027, 2, 11)) == 1
    # Across a year boundary, counting weekends and the 1 January holiday.
    assert (
        calendar.working_days_between(dt.date(2026, 12, 31), dt.date(2027, 1, 8)) == 5
    )


def test_sixty_working_days_across_years(calendar):
    # Received Friday 4 Dec 2026 at 09:00: Christmas is a working day in Vietnam,
    # 1 Jan 2027 and Tết (4-10 Feb) are not.
    result = calendar.add_working_days(at(2026, 12, 4, 9), Decimal(60))
    assert calendar.working_hours_between(at(2026, 12, 4, 9), result) == 480
    assert result == at(2027, 3, 8, 9)


def test_office_hours_are_configurable():
    calendar = WorkCalendar(
        office_hours=parse_office_hours("07:30-11:30, 13:00-17:00"),
        weekend_days=[6],
    )
    assert calendar.next_working_moment(at(2026, 11, 30, 7, 10)) == at(
        2026, 11, 30, 7, 30
    )
    assert calendar.is_working_day(dt.date(2026, 12, 5))  # Saturday worked
    assert calendar.add_working_days(at(2026, 12, 4, 7, 30), 2) == at(2026, 12, 5, 17)


@pytest.mark.parametrize(
    "value",
    ["", "7h-11h", "11:30-07:00", "07:00-12:00,11:00-17:00", "07:00-11:30;13:30-17:00"],
)
def test_bad_office_hours_are_refused(value):
    with pytest.raises(ImproperlyConfigured):
        parse_office_hours(value)


def test_a_week_without_working_days_is_refused():
    with pytest.raises(ImproperlyConfigured):
        WorkCalendar(weekend_days=range(7))
