"""Deadline rules for dossiers: appointments, pauses, apology, timeliness."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from dossiers.deadlines import (
    Pause,
    Progress,
    Timeliness,
    apology_appointment_valid,
    appointment_after_payment,
    appointment_after_supplement,
    appointment_for,
    finished_timeliness,
    paused_hours,
    progress_at,
    step_timeliness,
)
from worktime.calendar import WorkCalendar, clear_calendar_cache
from worktime.models import DayOverride

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _fresh_process_calendar(settings):
    # Override rows roll back with the test; the version key is per test because
    # parallel workers share one Redis.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    clear_calendar_cache()
    yield
    clear_calendar_cache()


# --- appointment at receipt -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "days", "appointment"),
    [
        # Monday 30 Nov 2026, office hours: 1 day later at the same time.
        (at(2026, 11, 30, 9), Decimal(1), at(2026, 12, 1, 9)),
        # After 17:00: the clock starts Tuesday 07:00, one day ends Tuesday 17:00.
        (at(2026, 11, 30, 17, 20), Decimal(1), at(2026, 12, 1, 17)),
        # Before 07:00: the clock starts at 07:00 the same day.
        (at(2026, 11, 30, 6, 15), Decimal(1), at(2026, 11, 30, 17)),
        # During lunch: the clock starts at 13:30; 3.5 h Monday + 4.5 h Tuesday.
        (at(2026, 11, 30, 12), Decimal(1), at(2026, 12, 1, 11, 30)),
        # On a Saturday: the clock starts on Monday morning.
        (at(2026, 12, 5, 9), Decimal(3), at(2026, 12, 9, 17)),
        # Half a working day.
        (at(2026, 11, 30, 7), Decimal("0.5"), at(2026, 11, 30, 11)),
        (at(2026, 11, 30, 15), Decimal("0.5"), at(2026, 12, 1, 9)),
        # A 15-working-day procedure.
        (at(2026, 12, 1, 9), Decimal(15), at(2026, 12, 22, 9)),
        # Received the week before Tết 2027 (6 Feb): 4-10 Feb are off.
        (at(2027, 2, 3, 9), Decimal(1), at(2027, 2, 11, 9)),
        (at(2027, 1, 25, 8), Decimal(15), at(2027, 2, 22, 8)),
    ],
)
def test_appointment_for(received_at, days, appointment):
    assert (
        appointment_for(
            received_at=received_at, processing_days=days, calendar=CALENDAR
        )
        == appointment
    )


def test_appointment_across_a_make_up_saturday():
    calendar = WorkCalendar(overrides={dt.date(2027, 2, 20): True})
    assert appointment_for(
        received_at=at(2027, 2, 19, 9), processing_days=Decimal(2), calendar=calendar
    ) == at(2027, 2, 22, 9)
    assert appointment_for(
        received_at=at(2027, 2, 19, 9), processing_days=Decimal(2), calendar=CALENDAR
    ) == at(2027, 2, 23, 9)


@pytest.mark.django_db
def test_appointment_uses_the_admins_extra_day_off_by_default():
    DayOverride.objects.create(
        date=dt.date(2027, 2, 11), kind=DayOverride.Kind.DAY_OFF, name="Nghỉ bù Tết"
    )
    assert appointment_for(
        received_at=at(2027, 2, 3, 9), processing_days=Decimal(1)
    ) == at(2027, 2, 12, 9)


def test_negative_processing_time_is_refused():
    with pytest.raises(ValueError, match="negative"):
        appointment_for(
            received_at=at(2026, 11, 30, 9),
            processing_days=Decimal(-1),
            calendar=CALENDAR,
        )


# --- pauses ------------------------------------------------------------------------------

RECEIVED = at(2026, 11, 30, 8)  # Monday
APPOINTMENT = at(2026, 12, 14, 8)  # 10 working days later
REQUESTED = at(2026, 12, 2, 8)  # Wednesday: supplement requested
SUPPLEMENTED = at(2026, 12, 4, 8)  # Friday: documents completed, 16 working hours


def test_the_example_appointment():
    assert (
        appointment_for(
            received_at=RECEIVED, processing_days=Decimal(10), calendar=CALENDAR
        )
        == APPOINTMENT
    )


def test_supplement_with_shift_moves_the_appointment_by_the_paused_time():
    assert appointment_after_supplement(
        policy="shift",
        received_at=RECEIVED,
        appointment=APPOINTMENT,
        processing_days=Decimal(10),
        pause_start=REQUESTED,
        pause_end=SUPPLEMENTED,
        calendar=CALENDAR,
    ) == at(2026, 12, 16, 8)


def test_supplement_with_restart_gives_the_full_time_again():
    assert appointment_after_supplement(
        policy="restart",
        received_at=RECEIVED,
        appointment=APPOINTMENT,
        processing_days=Decimal(10),
        pause_start=REQUESTED,
        pause_end=SUPPLEMENTED,
        calendar=CALENDAR,
    ) == at(2026, 12, 18, 8)


def test_restart_after_a_supplement_brought_in_the_evening_starts_next_morning():
    assert appointment_after_supplement(
        policy="restart",
        received_at=RECEIVED,
        appointment=APPOINTMENT,
        processing_days=Decimal(10),
        pause_start=REQUESTED,
        pause_end=at(2026, 12, 4, 18, 30),
        calendar=CALENDAR,
    ) == at(2026, 12, 18, 17)


def test_shift_ignores_the_pause_over_a_weekend():
    # Requested Friday 17:00, supplemented Monday 07:00: no working time lost.
    assert (
        appointment_after_supplement(
            policy="shift",
            received_at=RECEIVED,
            appointment=APPOINTMENT,
            processing_days=Decimal(10),
            pause_start=at(2026, 12, 4, 17),
            pause_end=at(2026, 12, 7, 7),
            calendar=CALENDAR,
        )
        == APPOINTMENT
    )


def test_shift_counts_only_the_pause_after_receipt():
    # Supplement asked for at intake (before valid receipt): only the time after
    # receipt (Mon 08:00 → Tue 08:00, 8 h) moves the appointment.
    assert appointment_after_supplement(
        policy="shift",
        received_at=RECEIVED,
        appointment=APPOINTMENT,
        processing_days=Decimal(10),
        pause_start=at(2026, 11, 27, 10),
        pause_end=at(2026, 12, 1, 8),
        calendar=CALENDAR,
    ) == at(2026, 12, 15, 8)


@pytest.mark.parametrize("policy", ["shift", "restart"])
def test_a_pause_ending_before_it_starts_is_refused(policy):
    with pytest.raises(ValueError, match="before it starts"):
        appointment_after_supplement(
            policy=policy,
            received_at=RECEIVED,
            appointment=APPOINTMENT,
            processing_days=Decimal(10),
            pause_start=SUPPLEMENTED,
            pause_end=REQUESTED,
            calendar=CALENDAR,
        )


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="policy"):
        appointment_after_supplement(
            policy="pause",
            received_at=RECEIVED,
            appointment=APPOINTMENT,
            processing_days=Decimal(10),
            pause_start=REQUESTED,
            pause_end=SUPPLEMENTED,
            calendar=CALENDAR,
        )


def test_a_payment_pause_always_shifts():
    # Due Thursday 14:00, paid Friday 10:00: 3 h + 3 h of working time.
    assert appointment_after_payment(
        appointment=APPOINTMENT,
        pause_start=at(2026, 12, 10, 14),
        pause_end=at(2026, 12, 11, 10),
        calendar=CALENDAR,
    ) == at(2026, 12, 14, 16)


def test_paused_hours_add_up_closed_and_open_pauses():
    pauses = [
        Pause(start=REQUESTED, end=SUPPLEMENTED, reason="Bổ sung giấy tờ"),
        Pause(start=at(2026, 12, 10, 14), end=None, reason="Chờ nộp phí"),
    ]
    assert (
        paused_hours(pauses=pauses, until=at(2026, 12, 11, 10), calendar=CALENDAR) == 22
    )


def test_a_pause_is_immutable():
    pause = Pause(start=REQUESTED, end=None, reason="Bổ sung")
    with pytest.raises(AttributeError):
        pause.end = SUPPLEMENTED


# --- apology (Mẫu 04) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_appointment", "valid"),
    [
        (at(2026, 12, 16, 8), True),
        (at(2026, 12, 14, 16), True),  # later the same day
        (APPOINTMENT, False),
        (at(2026, 12, 11, 8), False),
    ],
)
def test_an_apology_must_set_a_later_appointment(new_appointment, valid):
    assert (
        apology_appointment_valid(
            current_appointment=APPOINTMENT, new_appointment=new_appointment
        )
        is valid
    )


def test_after_an_apology_metrics_still_use_the_original_appointment():
    new_appointment = at(2026, 12, 18, 17)
    assert apology_appointment_valid(
        current_appointment=APPOINTMENT, new_appointment=new_appointment
    )
    finished = at(2026, 12, 17, 10)  # before the new date, after the original
    assert (
        finished_timeliness(finished_at=finished, appointment=APPOINTMENT)
        == Timeliness.LATE
    )


# --- early / on time / late ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finished_at", "supplements", "expected"),
    [
        (at(2026, 12, 11, 16), 0, Timeliness.EARLY),
        (at(2026, 12, 14, 7, 30), 0, Timeliness.ON_TIME),
        (at(2026, 12, 14, 16, 45), 0, Timeliness.ON_TIME),  # same date, later hour
        (at(2026, 12, 15, 7), 0, Timeliness.LATE),
        (at(2026, 12, 11, 16), 1, Timeliness.EARLY),  # one supplement is allowed
        (at(2026, 12, 11, 16), 2, Timeliness.LATE),  # more than one: late anyway
        (at(2026, 12, 14, 8), 3, Timeliness.LATE),
    ],
)
def test_finished_timeliness(finished_at, supplements, expected):
    assert (
        finished_timeliness(
            finished_at=finished_at,
            appointment=APPOINTMENT,
            supplement_requests=supplements,
        )
        == expected
    )


def test_dates_are_compared_in_vietnam_whatever_the_zone():
    # 23:30 UTC on 13 Dec is 06:30 on 14 Dec in Hà Nội: the appointment's date.
    finished = dt.datetime(2026, 12, 13, 23, 30, tzinfo=dt.UTC)
    assert (
        finished_timeliness(finished_at=finished, appointment=APPOINTMENT)
        == Timeliness.ON_TIME
    )


def test_stored_values_are_stable():
    # These values are stored in reports and sent to the national portal.
    assert {choice.value for choice in Timeliness} == {"early", "on_time", "late"}
    assert {choice.value for choice in Progress} == {"within", "nearing", "overdue"}


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 12, 10, 8), Progress.WITHIN),  # 16 working hours left
        (at(2026, 12, 11, 7, 59), Progress.WITHIN),  # 8 h 1 min left
        (at(2026, 12, 11, 8), Progress.NEARING),  # exactly 8 h left
        (
            at(2026, 12, 12, 10),
            Progress.NEARING,
        ),  # Saturday before a Monday appointment
        (APPOINTMENT, Progress.NEARING),
        (at(2026, 12, 14, 8, 1), Progress.OVERDUE),
    ],
)
def test_progress_at(moment, expected):
    assert (
        progress_at(appointment=APPOINTMENT, at=moment, calendar=CALENDAR) == expected
    )


def test_progress_with_a_wider_warning_window():
    assert (
        progress_at(
            appointment=APPOINTMENT,
            at=at(2026, 12, 10, 8),
            nearing_hours=Decimal(16),
            calendar=CALENDAR,
        )
        == Progress.NEARING
    )


@pytest.mark.django_db
def test_progress_now():
    with time_machine.travel(at(2026, 12, 14, 9), tick=False):
        assert (
            progress_at(appointment=APPOINTMENT, at=timezone.now()) == Progress.OVERDUE
        )
    with time_machine.travel(at(2026, 12, 11, 14), tick=False):
        assert (
            progress_at(appointment=APPOINTMENT, at=timezone.now()) == Progress.NEARING
        )


@pytest.mark.parametrize(
    ("allotted", "used", "expected"),
    [
        (Decimal(16), Decimal("12.5"), Timeliness.EARLY),
        (Decimal(16), Decimal(16), Timeliness.ON_TIME),
        (Decimal(16), Decimal("16.25"), Timeliness.LATE),
    ],
)
def test_step_timeliness(allotted, used, expected):
    assert step_timeliness(allotted_hours=allotted, used_hours=used) == expected


def test_step_timeliness_from_a_measured_hand_over():
    used = CALENDAR.working_hours_between(at(2026, 12, 1, 9), at(2026, 12, 3, 9))
    assert step_timeliness(allotted_hours=Decimal(16), used_hours=used) == (
        Timeliness.ON_TIME
    )
