"""Property: whatever the history, the rollups written by the workflow equal a
brute-force recount from the dossiers' own columns and rows (not from the events the
rollups were built from)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.models import DailyDossierRollup, MonthlyDossierRollup
from dashboard.services import rollups_rebuild
from dossiers.exceptions import DossierError
from dossiers.models import Apology, Dossier, PaymentRequest, Result, SupplementRequest
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db

ACTIONS = (
    "intake",
    "intake_post",
    "assign",
    "approve",
    "request_supplement",
    "supplement",
    "request_payment",
    "confirm_payment",
    "apologize",
    "withdraw",
    "stop",
    "return_result",
)
COUNTERS = (
    "received",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "stopped",
    "returned",
    "results",
    "apologies",
    "supplement_requests",
    "payment_requests",
)

# Each history opens with a few receipts, then draws actions, the common ones more often.
WEIGHTED = (*ACTIONS, "assign", "assign", "approve", "approve", "return_result")
opening = st.lists(st.sampled_from(("intake", "intake_post")), min_size=1, max_size=3)
steps = st.lists(
    st.tuples(
        st.sampled_from(WEIGHTED),
        st.integers(min_value=0, max_value=3),  # which dossier
        st.integers(min_value=1, max_value=100),  # hours later
    ),
    min_size=1,
    max_size=18,
)


class RollbackExampleError(Exception):
    pass


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _add(expected: Counter, moment, dossier, counter) -> None:
    key = (dossier.receiving_agency_id, dossier.procedure_id, dossier.channel)
    expected[(_day(moment), *key, counter)] += 1


def _recount_dossiers(expected: Counter) -> None:
    for dossier in Dossier.objects.all():
        if dossier.received_at:
            _add(expected, dossier.received_at, dossier, "received")
        if dossier.finished_at and dossier.timeliness:
            _add(
                expected, dossier.finished_at, dossier, f"finished_{dossier.timeliness}"
            )
        if dossier.state in ("withdrawn", "stopped"):
            _add(expected, dossier.finished_at, dossier, dossier.state)
        if dossier.returned_at:
            _add(expected, dossier.returned_at, dossier, "returned")


def _recount() -> Counter:
    """Expected counters from the dossiers and their rows, per (day, key, counter)."""
    expected: Counter = Counter()
    _recount_dossiers(expected)
    approved = Result.objects.filter(approved_by__isnull=False).select_related(
        "dossier"
    )
    for result in approved:
        _add(expected, result.dossier.finished_at, result.dossier, "results")
    for apology in Apology.objects.select_related("dossier"):
        _add(expected, apology.created_at, apology.dossier, "apologies")
    for request in SupplementRequest.objects.select_related("dossier"):
        received = request.dossier.received_at
        if received is not None and request.requested_at >= received:
            _add(expected, request.requested_at, request.dossier, "supplement_requests")
    for payment in PaymentRequest.objects.select_related("dossier"):
        _add(expected, payment.requested_at, payment.dossier, "payment_requests")
    return expected


def _rollups() -> Counter:
    found: Counter = Counter()
    for row in DailyDossierRollup.objects.all():
        for counter in COUNTERS:
            value = getattr(row, counter)
            if value:
                key = (row.day, row.receiving_agency_id, row.procedure_id, row.channel)
                found[(*key, counter)] += value
    return found


def _daily_by_month() -> Counter:
    found: Counter = Counter()
    for row in DailyDossierRollup.objects.all():
        key = (
            row.day.replace(day=1),
            row.receiving_agency_id,
            row.agency_id,
            row.channel,
        )
        for counter in COUNTERS:
            found[(*key, counter)] += getattr(row, counter)
    return +found


def _monthly() -> Counter:
    found: Counter = Counter()
    for row in MonthlyDossierRollup.objects.all():
        key = (
            row.day,
            row.receiving_agency_id,
            row.agency_id,
            row.channel,
        )
        for counter in COUNTERS:
            found[(*key, counter)] += getattr(row, counter)
    return +found


def _apply(history, dossiers, action, index, moment):
    h = history
    if action in ("intake", "intake_post"):
        channel = (
            Dossier.Channel.POST if action == "intake_post" else Dossier.Channel.COUNTER
        )
        dossiers.append(h.intake(moment, channel=channel))
        return
    if not dossiers:
        return
    dossier = Dossier.objects.get(pk=dossiers[index % len(dossiers)].pk)
    if action == "approve":
        if dossier.state != "appraising":
            return
        h.approve(dossier, moment)
    elif action == "apologize":
        if dossier.appointment_at is None:
            return
        h.apologize(
            dossier,
            moment,
            new=max(dossier.appointment_at, moment) + dt.timedelta(days=3),
        )
    else:
        getattr(h, action)(dossier, moment)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(intakes=opening, history_steps=steps)
def test_rollups_equal_a_recount(history, intakes, history_steps):
    try:
        with transaction.atomic():
            moment = at(2026, 3, 2, 8)
            dossiers: list[Dossier] = []
            opened = [(action, 0, 1) for action in intakes]
            for action, index, hours in opened + history_steps:
                moment += dt.timedelta(hours=hours)
                try:
                    with transaction.atomic():
                        _apply(history, dossiers, action, index, moment)
                except DossierError:
                    pass  # not possible in that state: the history goes on
            expected = _recount()
            assert _rollups() == expected
            assert _monthly() == _daily_by_month()
            # A recount of the days from the events gives the same table, hours too.
            hours = sorted(
                DailyDossierRollup.objects.exclude(timed_count=0).values_list(
                    "day", "processing_hours_sum", "legal_hours_sum"
                )
            )
            rollups_rebuild(first=dt.date(2026, 3, 1), last=dt.date(2026, 4, 30))
            assert _rollups() == expected
            assert _monthly() == _daily_by_month()
            assert (
                sorted(
                    DailyDossierRollup.objects.exclude(timed_count=0).values_list(
                        "day", "processing_hours_sum", "legal_hours_sum"
                    )
                )
                == hours
            )
            assert all(h[1] >= Decimal(0) for h in hours)
            raise RollbackExampleError
    except RollbackExampleError:
        pass
