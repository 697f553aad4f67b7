"""Periodic work on dossiers."""

from __future__ import annotations

from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from dossiers.models import Dossier, DossierState
from worktime.calendar import get_calendar

S = DossierState
RUNNING_STATES = (S.RECEIVED, S.APPRAISING, S.PENDING_APPROVAL)


@shared_task(name="dossiers.mark_dossier_deadlines")
def mark_dossier_deadlines() -> dict[str, int]:
    """Mark running dossiers within / nearing / past their appointment, in bulk.

    Nearing means at most DOSSIER_NEARING_HOURS working hours remain. Paused
    dossiers (supplement, payment) keep their status: their clock stands still.
    Idempotent: only rows whose status changes are written.
    """
    now = timezone.now()
    hours = Decimal(str(getattr(settings, "DOSSIER_NEARING_HOURS", 8)))
    nearing_limit = get_calendar().add_working_hours(now, hours)
    running = Dossier.objects.filter(
        state__in=RUNNING_STATES, appointment_at__isnull=False
    )
    status = Dossier.DeadlineStatus
    changed = {
        status.OVERDUE: running.filter(appointment_at__lt=now)
        .exclude(deadline_status=status.OVERDUE)
        .update(deadline_status=status.OVERDUE, updated_at=now),
        status.NEARING: running.filter(
            appointment_at__gte=now, appointment_at__lte=nearing_limit
        )
        .exclude(deadline_status=status.NEARING)
        .update(deadline_status=status.NEARING, updated_at=now),
        status.WITHIN: running.filter(appointment_at__gt=nearing_limit)
        .exclude(Q(deadline_status=status.WITHIN))
        .update(deadline_status=status.WITHIN, updated_at=now),
    }
    return {str(key): value for key, value in changed.items()}
