"""Writes to the working calendar. Every change invalidates the calendar of every
process once the transaction commits."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from worktime.calendar import bump_calendar_version
from worktime.models import DayOverride


def _invalidate_on_commit() -> None:
    transaction.on_commit(bump_calendar_version)


@transaction.atomic
def day_override_set(
    *, date: dt.date, kind: str, name: str, note: str = ""
) -> DayOverride:
    """Create or replace the override of `date` (one override per day).

    Raises `ValidationError` (with messages in the user's language) on bad input.
    """
    override = DayOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        override = DayOverride(date=date)
    override.kind = kind
    override.name = name
    override.note = note
    return day_override_save(override=override)


@transaction.atomic
def day_override_save(*, override: DayOverride) -> DayOverride:
    """Save an edited override (the admin form's instance)."""
    override.full_clean()
    override.save()
    _invalidate_on_commit()
    return override


@transaction.atomic
def day_override_delete(*, date: dt.date) -> bool:
    """Remove the override of `date`; False when there was none."""
    deleted, _per_model = DayOverride.objects.filter(date=date).delete()
    if deleted:
        _invalidate_on_commit()
    return bool(deleted)
