"""Beat tasks: the nightly snapshot of open dossiers and a recount of recent days."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from dashboard.services import rollups_rebuild, snapshots_take


@shared_task(name="dashboard.nightly_rollups")
def nightly_rollups() -> dict[str, int]:
    """Snapshot yesterday's open dossiers and recount the last days' flows.

    The recount fixes drift (a row written by hand, a restored backup); the workflow
    keeps the counters exact between runs. Idempotent: safe to run twice.
    """
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    first = today - dt.timedelta(days=settings.DASHBOARD_RECOUNT_DAYS)
    rows = rollups_rebuild(first=first, last=yesterday)
    snapshots = snapshots_take(first=yesterday, last=yesterday)
    return {"rollup_rows": rows, "snapshot_rows": snapshots}
