"""Demo step (seed_demo): recount the rollups and record the end-of-day snapshots of
the last year, so the demo dashboards show stocks for past period ends too."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dashboard.services import rollups_rebuild, snapshots_take


def seed() -> None:
    today = timezone.localdate()
    first = today - dt.timedelta(days=400)
    rollups_rebuild(first=first, last=today)
    snapshots_take(first=first, last=today - dt.timedelta(days=1))
