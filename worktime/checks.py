"""System checks: a misconfigured working calendar fails at start-up, not at receipt."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from worktime.calendar import MICROSECONDS_PER_HOUR, WorkCalendar, parse_office_hours


@checks.register()
def check_worktime_settings(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    try:
        calendar = WorkCalendar(
            office_hours=parse_office_hours(settings.WORKTIME_OFFICE_HOURS),
            weekend_days=settings.WORKTIME_WEEKEND_DAYS,
            hours_per_day=settings.WORKTIME_HOURS_PER_DAY,
        )
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="worktime.E001")]
    office = Decimal(calendar.capacity) / MICROSECONDS_PER_HOUR
    if office != calendar.hours_per_day:
        return [
            checks.Warning(
                f"Office hours add up to {office} h a day but WORKTIME_HOURS_PER_DAY "
                f"is {calendar.hours_per_day}: a one-day procedure will not end on "
                "the day it starts.",
                id="worktime.W001",
            )
        ]
    return []
