"""The beat sweep marks running dossiers within, nearing or past their appointment."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from dossiers.models import Dossier
from dossiers.tasks import mark_dossier_deadlines

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def test_sweep_marks_within_nearing_overdue_and_is_idempotent(make_dossier):
    now = at(2026, 12, 2, 9, 0)  # Wednesday morning
    within = make_dossier(
        received=True, appointment_at=at(2026, 12, 10, 17, 0), deadline_status=""
    )
    nearing = make_dossier(
        appraising=True, appointment_at=at(2026, 12, 3, 8, 0), deadline_status="within"
    )
    overdue = make_dossier(
        pending_approval=True,
        appointment_at=at(2026, 12, 1, 17, 0),
        deadline_status="within",
    )
    paused = make_dossier(
        supplement_requested=True,
        appointment_at=at(2026, 11, 20, 17, 0),
        deadline_status="within",
    )
    finished = make_dossier(
        ready=True, appointment_at=at(2026, 11, 20, 17, 0), deadline_status=""
    )
    with time_machine.travel(now, tick=False):
        first = mark_dossier_deadlines()
        second = mark_dossier_deadlines()
    assert first == {"overdue": 1, "nearing": 1, "within": 1}
    assert second == {"overdue": 0, "nearing": 0, "within": 0}
    statuses = dict(Dossier.objects.values_list("pk", "deadline_status"))
    assert statuses[within.pk] == "within"
    assert statuses[nearing.pk] == "nearing"
    assert statuses[overdue.pk] == "overdue"
    assert statuses[paused.pk] == "within"  # the clock stands still while paused
    assert statuses[finished.pk] == ""


def test_sweep_is_registered_with_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["dossiers-mark-deadlines"]
    assert entry["task"] == mark_dossier_deadlines.name


def test_queues_for_each_role(make_dossier, actors):
    from dossiers import selectors  # noqa: PLC0415

    submitted = make_dossier(submitted=True)
    received = make_dossier(received=True)
    appraising = make_dossier(appraising=True)
    pending = make_dossier(pending_approval=True)
    ready = make_dossier(ready=True)
    overdue = make_dossier(appraising=True, deadline_status="overdue")
    clerk, specialist, leader = actors.clerk, actors.specialist, actors.leader
    assert list(selectors.queue_to_receive(user=clerk)) == [submitted]
    assert set(selectors.queue_to_hand_over(user=clerk)) == {received}
    assert set(selectors.queue_to_hand_over(user=leader)) == {received}
    assert set(selectors.queue_to_appraise(user=specialist)) == {appraising, overdue}
    assert list(selectors.queue_to_approve(user=leader)) == [pending]
    assert list(selectors.queue_ready_to_return(user=clerk)) == [ready]
    assert list(selectors.queue_overdue(user=leader)) == [overdue]
    assert not selectors.queue_to_receive(user=actors.other_clerk).exists()
    assert not selectors.queue_to_receive(user=specialist).exists()
