"""The beat task and the rebuild command: drift is repaired, snapshots recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from dashboard.models import DailyDossierRollup, MonthlyDossierRollup, SnapshotDay
from dashboard.selectors import Filters, indicators
from dashboard.tasks import nightly_rollups
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db


def test_rebuild_command_fixes_drift_and_takes_snapshots(history):
    history.finish(at(2026, 3, 2), at(2026, 3, 5))
    DailyDossierRollup.objects.update(received=7)
    MonthlyDossierRollup.objects.update(received=7)
    call_command("rollups_rebuild", "--from", "2026-03-01", "--to", "2026-03-31")
    march = Filters(first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 31))
    assert indicators(filters=march).received == 1
    assert SnapshotDay.objects.filter(day=dt.date(2026, 3, 31)).exists()


def test_rebuild_command_refuses_bad_dates(db):
    with pytest.raises(CommandError):
        call_command("rollups_rebuild", "--from", "31/03/2026")
    with pytest.raises(CommandError):
        call_command("rollups_rebuild", "--from", "2026-03-31", "--to", "2026-03-01")


def test_nightly_task_snapshots_yesterday(history):
    dossier = history.intake(at(2026, 3, 2))
    DailyDossierRollup.objects.update(received=5)
    with time_machine.travel(at(2026, 3, 3, 0, 20), tick=False):
        nightly_rollups()
    assert DailyDossierRollup.objects.get().received == 1
    assert SnapshotDay.objects.filter(day=dt.date(2026, 3, 2)).exists()
    with time_machine.travel(at(2026, 3, 10), tick=False):
        day = Filters(first=dt.date(2026, 3, 2), last=dt.date(2026, 3, 2))
        stock = indicators(filters=day, with_feedback=False).stock
    assert stock is not None
    assert stock.within == 1
    assert dossier.pk
