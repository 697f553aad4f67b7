"""Deadline rules for dossiers (design.md §4, domain.md §1.3-1.4, §2.2-2.3).

Pure functions over a `WorkCalendar`: no database writes. Each function takes an
optional `calendar`; without one it uses the process-wide `get_calendar()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import Procedure
from worktime.calendar import WorkCalendar, get_calendar

SHIFT = Procedure.SupplementPolicy.SHIFT
RESTART = Procedure.SupplementPolicy.RESTART


class Timeliness(models.TextChoices):
    """How a finished dossier, or a finished hand-over step, met its deadline."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Progress(models.TextChoices):
    """Where an unfinished dossier stands against its appointment."""

    WITHIN = "within", _("Within the deadline")
    NEARING = "nearing", _("Nearing the deadline")
    OVERDUE = "overdue", _("Overdue")


@dataclass(frozen=True)
class Pause:
    """A stop of the clock (supplement, payment); `end` is None while it lasts."""

    start: dt.datetime
    end: dt.datetime | None
    reason: str


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else get_calendar()


def appointment_for(
    *,
    received_at: dt.datetime,
    processing_days: Decimal,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The appointment (hẹn trả) for a dossier validly received at `received_at`.

    The clock starts at the next working moment after receipt; the appointment is
    the end of the last working hour of the processing time.
    """
    if processing_days < 0:
        raise ValueError("Processing time must not be negative.")
    work = _calendar(calendar)
    start = work.next_working_moment(received_at)
    return work.add_working_days(start, processing_days)


def paused_hours(
    *,
    pauses: Iterable[Pause],
    until: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> Decimal:
    """Working hours the clock stood still; an open pause counts up to `until`."""
    work = _calendar(calendar)
    total = Decimal(0)
    for pause in pauses:
        end = pause.end if pause.end is not None else until
        if end > pause.start:
            total += work.working_hours_between(pause.start, end)
    return total


def appointment_after_supplement(
    *,
    policy: str,
    received_at: dt.datetime,
    appointment: dt.datetime,
    processing_days: Decimal,
    pause_start: dt.datetime,
    pause_end: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The appointment once the citizen has supplemented the dossier.

    "shift": the current appointment moves later by the working hours of the pause
    (only the part after receipt counts: a request made at intake stops no clock).
    "restart": the full processing time runs again from the supplement (pause_end).
    """
    if pause_end < pause_start:
        raise ValueError("A pause cannot end before it starts.")
    work = _calendar(calendar)
    if policy == RESTART:
        return appointment_for(
            received_at=pause_end, processing_days=processing_days, calendar=work
        )
    if policy == SHIFT:
        start = max(pause_start, received_at)
        if pause_end <= start:
            return appointment
        return work.add_working_hours(
            appointment, work.working_hours_between(start, pause_end)
        )
    raise ValueError(f"Unknown supplement policy {policy!r}.")


def appointment_after_payment(
    *,
    appointment: dt.datetime,
    pause_start: dt.datetime,
    pause_end: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """The appointment after a payment pause: always shifted by the paused time."""
    if pause_end < pause_start:
        raise ValueError("A pause cannot end before it starts.")
    work = _calendar(calendar)
    return work.add_working_hours(
        appointment, work.working_hours_between(pause_start, pause_end)
    )


def _local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in the portal's zone (Asia/Ho_Chi_Minh), whatever zone
    the request activated."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Deadline comparisons need aware datetimes.")
    return moment.astimezone(timezone.get_default_timezone()).date()


def finished_timeliness(
    *,
    finished_at: dt.datetime,
    appointment: dt.datetime,
    supplement_requests: int = 0,
) -> Timeliness:
    """Early, on time or late for a finished dossier (domain.md §2.3).

    Dates are compared, as in the Thanh Hóa reports: finished on an earlier date
    than the appointment's is early, on the same date on time, later late. More
    than one supplement request makes the dossier late regardless (Decision 766,
    formula 2.1). Pass the ORIGINAL appointment: an apology's new date does not
    count for metrics.
    """
    if supplement_requests > 1:
        return Timeliness.LATE
    finished = _local_date(finished_at)
    due = _local_date(appointment)
    if finished < due:
        return Timeliness.EARLY
    if finished == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def progress_at(
    *,
    appointment: dt.datetime,
    at: dt.datetime,
    nearing_hours: Decimal = Decimal(8),
    calendar: WorkCalendar | None = None,
) -> Progress:
    """Within, nearing or past the appointment at the moment `at`.

    Overdue once `at` is after the appointment; nearing when at most
    `nearing_hours` working hours remain.
    """
    if at > appointment:
        return Progress.OVERDUE
    remaining = _calendar(calendar).working_hours_between(at, appointment)
    if remaining <= nearing_hours:
        return Progress.NEARING
    return Progress.WITHIN


def step_timeliness(*, allotted_hours: Decimal, used_hours: Decimal) -> Timeliness:
    """Timeliness of one hand-over step: allotted > used early, = on time, < late."""
    if allotted_hours > used_hours:
        return Timeliness.EARLY
    if allotted_hours == used_hours:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def apology_appointment_valid(
    *, current_appointment: dt.datetime, new_appointment: dt.datetime
) -> bool:
    """An apology (Mẫu 04) must set an appointment later than the current one."""
    return new_appointment > current_appointment
