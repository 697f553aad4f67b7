"""Writes to the rollups: deltas from the workflow, and rebuilds from the source of truth.

No business rule lives here: timeliness, appointments and pauses are decided by the
dossier services; these functions only count what those services recorded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone

from dashboard.models import (
    FLOW_COUNTERS,
    HOUR_COUNTERS,
    DailyDossierRollup,
    DailyOpenSnapshot,
    MonthlyDossierRollup,
    SnapshotDay,
)
from dossiers import deadlines
from dossiers.models import Attachment, Dossier, DossierEvent, Pause, Result
from procedures.models import Procedure

if TYPE_CHECKING:
    from feedback.models import Rating

Key = tuple[dt.date, int, int, int]  # day, receiving agency, procedure, channel
COUNTERS = (*FLOW_COUNTERS, *HOUR_COUNTERS)
FINISHING_ACTIONS = ("approve", "stop", "withdraw")
RATING_COUNTERS = {
    "very_satisfied": "rated_very_satisfied",
    "satisfied": "rated_satisfied",
    "dissatisfied": "rated_dissatisfied",
}
_HOURS_PER_DAY = Decimal(8)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of a local calendar day, as an aware datetime."""
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone()
    )


# --- deltas from the workflow -------------------------------------------------------


def _processing_hours(dossier: Dossier) -> tuple[Decimal, Decimal] | None:
    """Working hours used (pauses excluded) and legal hours of a dossier with a result."""
    if dossier.received_at is None or dossier.finished_at is None:
        return None
    from worktime.calendar import get_calendar  # noqa: PLC0415 - process cache

    calendar = get_calendar()
    pauses = [
        deadlines.Pause(start=p.start, end=p.end, reason="")
        for p in Pause.objects.filter(dossier_id=dossier.pk).only("start", "end")
    ]
    used = calendar.working_hours_between(
        dossier.received_at, dossier.finished_at
    ) - deadlines.paused_hours(
        pauses=pauses, until=dossier.finished_at, calendar=calendar
    )
    legal = dossier.procedure.effective_processing_days * _HOURS_PER_DAY
    return max(used, Decimal(0)), legal


def _result_flags(dossier: Dossier) -> dict[str, int]:
    result = Result.objects.filter(dossier_id=dossier.pk).only("file_id").first()
    electronic = result is not None and result.file_id is not None
    digitised = (
        electronic
        and Attachment.objects.filter(
            dossier_id=dossier.pk, required_document__isnull=False
        ).exists()
    )
    return {
        "results": 1,
        "results_electronic": int(electronic),
        "results_digitised": int(digitised),
    }


#: Actions that move one counter by one, whatever the dossier.
SIMPLE_COUNTERS = {
    "receive": "received",
    "intake": "received",
    "refuse": "refused",
    "request_payment": "payment_requests",
    "apologize": "apologies",
    "return_result": "returned",
    "stop": "stopped",
    "withdraw": "withdrawn",
}


def event_deltas(*, dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The counters one audit row moves (empty for events that count nothing)."""
    action = event.action
    deltas: dict[str, Any] = {}
    if action in SIMPLE_COUNTERS:
        deltas[SIMPLE_COUNTERS[action]] = 1
    # A request made before receipt stops no clock and is not a "second request".
    if action == "request_supplement" and event.from_state != "submitted":
        deltas["supplement_requests"] = 1
    if action in FINISHING_ACTIONS and dossier.timeliness:
        deltas[f"finished_{dossier.timeliness}"] = 1
    if action == "approve":
        deltas.update(_result_flags(dossier))
        hours = _processing_hours(dossier)
        if hours is not None:
            deltas["timed_count"] = 1
            deltas["processing_hours_sum"], deltas["legal_hours_sum"] = hours
    return deltas


def _upsert_sql(
    table: str, key: tuple[str, ...], rows: int, *, copied: tuple[str, ...] = ()
) -> str:
    columns = (*key, *copied, *COUNTERS)
    updates = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in COUNTERS)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Names come from model metadata and constants; every value is a parameter.
    return (
        f"INSERT INTO {table} AS t ({', '.join(columns)}) VALUES "  # noqa: S608
        + ", ".join([placeholders] * rows)
        + f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


DAILY_KEY = ("day", "receiving_agency_id", "procedure_id", "channel")
MONTHLY_KEY = ("day", "receiving_agency_id", "agency_id", "channel")


def upsert_deltas(rows: Mapping[Key, Mapping[str, Any]]) -> None:
    """Add counter deltas into the daily and monthly rollup rows, creating rows as
    needed.

    INSERT ... ON CONFLICT DO UPDATE SET c = c + excluded.c: concurrent transitions
    on the same key queue on the row lock and never lose an increment.
    """
    if not rows:
        return
    procedures = _procedure_keys({key[2] for key in rows})
    daily: list[Any] = []
    monthly: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(
        lambda: defaultdict(int)
    )
    for (day, receiving, procedure, channel), deltas in rows.items():
        agency, field = procedures[procedure]
        counters = tuple(deltas.get(c, 0) for c in COUNTERS)
        daily.append((day, receiving, procedure, channel, agency, field, *counters))
        month = monthly[(day.replace(day=1), receiving, agency, channel)]
        for counter, value in deltas.items():
            month[counter] += value
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(
                DailyDossierRollup._meta.db_table,
                DAILY_KEY,
                len(daily),
                copied=("agency_id", "field_id"),
            ),
            [value for row in daily for value in row],
        )
        cursor.execute(
            _upsert_sql(MonthlyDossierRollup._meta.db_table, MONTHLY_KEY, len(monthly)),
            [
                value
                for key, deltas in monthly.items()
                for value in (*key, *(deltas.get(c, 0) for c in COUNTERS))
            ],
        )


def _procedure_keys(ids: Iterable[int]) -> dict[int, tuple[int, int | None]]:
    return {
        pk: (agency, field)
        for pk, agency, field in Procedure.objects.filter(pk__in=list(ids)).values_list(
            "pk", "competent_agency_id", "field_id"
        )
    }


def _key(dossier: Dossier, moment: dt.datetime) -> Key:
    return (
        local_day(moment),
        dossier.receiving_agency_id,
        dossier.procedure_id,
        dossier.channel,
    )


def rollup_apply(*, dossier: Dossier, event: DossierEvent) -> None:
    """Count one workflow event, in the transaction that wrote it (the only caller is
    dossiers.services.common.record_event)."""
    deltas = event_deltas(dossier=dossier, event=event)
    if deltas:
        upsert_deltas({_key(dossier, event.created_at): deltas})


def rollup_apply_rating(*, rating: Rating) -> None:
    """Count a new rating on the day it was given (post_save receiver)."""
    counter = RATING_COUNTERS.get(rating.value)
    if counter is None:
        return
    dossier = (
        Dossier.objects.filter(pk=rating.dossier_id)
        .only("receiving_agency_id", "procedure_id", "channel")
        .get()
    )
    upsert_deltas({_key(dossier, rating.created_at): {counter: 1}})


# --- rebuild from the source of truth ----------------------------------------------


def recount_flows(*, first: dt.date, last: dt.date) -> dict[Key, dict[str, Any]]:
    """Every flow counter of the days first..last, recounted from events and ratings."""
    start, end = day_start(first), day_start(last + dt.timedelta(days=1))
    tz = timezone.get_default_timezone()
    rows: dict[Key, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    events = (
        DossierEvent.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(action__in=("approve",))
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values(
            "day",
            "action",
            "from_state",
            "dossier__receiving_agency_id",
            "dossier__procedure_id",
            "dossier__channel",
            "dossier__timeliness",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in events:
        key = (
            row["day"],
            row["dossier__receiving_agency_id"],
            row["dossier__procedure_id"],
            row["dossier__channel"],
        )
        fake_dossier = Dossier(timeliness=row["dossier__timeliness"])
        fake_event = DossierEvent(action=row["action"], from_state=row["from_state"])
        for counter, value in event_deltas(
            dossier=fake_dossier, event=fake_event
        ).items():
            rows[key][counter] += value * row["n"]
    approvals = (
        DossierEvent.objects.filter(
            created_at__gte=start, created_at__lt=end, action="approve"
        )
        .select_related("dossier", "dossier__procedure")
        .annotate(
            has_file=Exists(
                Result.objects.filter(dossier=OuterRef("dossier"), file__isnull=False)
            ),
            has_components=Exists(
                Attachment.objects.filter(
                    dossier=OuterRef("dossier"), required_document__isnull=False
                )
            ),
        )
        .iterator(chunk_size=2000)
    )
    for event in approvals:
        dossier = event.dossier
        counters = rows[_key(dossier, event.created_at)]
        if dossier.timeliness:
            counters[f"finished_{dossier.timeliness}"] += 1
        counters["results"] += 1
        has_file = bool(getattr(event, "has_file", False))
        has_components = bool(getattr(event, "has_components", False))
        counters["results_electronic"] += int(has_file)
        counters["results_digitised"] += int(has_file and has_components)
        hours = _processing_hours(dossier)
        if hours is not None:
            counters["timed_count"] += 1
            counters["processing_hours_sum"] += hours[0]
            counters["legal_hours_sum"] += hours[1]
    from feedback.models import Rating  # noqa: PLC0415 - optional neighbour app

    ratings = (
        Rating.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values(
            "day",
            "value",
            "dossier__receiving_agency_id",
            "dossier__procedure_id",
            "dossier__channel",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for rated in ratings:
        rating_counter = RATING_COUNTERS.get(rated["value"])
        if rating_counter:
            key = (
                rated["day"],
                rated["dossier__receiving_agency_id"],
                rated["dossier__procedure_id"],
                rated["dossier__channel"],
            )
            rows[key][rating_counter] += rated["n"]
    return {key: dict(value) for key, value in rows.items() if any(value.values())}


@transaction.atomic
def rollups_rebuild(*, first: dt.date, last: dt.date) -> int:
    """Replace the flow rollups of first..last by a recount; returns rows written.

    Locks the rollup table against concurrent deltas for the duration, so a
    transition committed meanwhile is either in the recount or waits and adds on top.
    """
    if last < first:
        raise ValueError("The last day must not be before the first.")
    with connection.cursor() as cursor:
        for model in (DailyDossierRollup, MonthlyDossierRollup):
            cursor.execute(
                f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
            )
    DailyDossierRollup.objects.filter(day__gte=first, day__lte=last).delete()
    rows = recount_flows(first=first, last=last)
    upsert_deltas(rows)
    _rebuild_months(first=first.replace(day=1), last=last)
    return len(rows)


def _rebuild_months(*, first: dt.date, last: dt.date) -> None:
    """Monthly rows of the months first..last, re-summed from the daily rows."""
    monthly = MonthlyDossierRollup._meta.db_table
    daily = DailyDossierRollup._meta.db_table
    MonthlyDossierRollup.objects.filter(day__gte=first, day__lte=last).delete()
    sums = ", ".join(f"sum({c})" for c in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {monthly} ({', '.join(MONTHLY_KEY)}, {', '.join(COUNTERS)}) "  # noqa: S608
            f"SELECT date_trunc('month', day)::date, receiving_agency_id, agency_id, "
            f"channel, {sums} FROM {daily} "
            "WHERE day >= %s AND day < %s GROUP BY 1, 2, 3, 4",
            [first, _next_month(last)],
        )


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


_SNAPSHOT_SQL = """
INSERT INTO {snapshot} (day, agency_id, receiving_agency_id, field_id,
    channel, in_progress_within, in_progress_overdue, paused_supplement, paused_payment)
SELECT g.day, p.competent_agency_id, d.receiving_agency_id, p.field_id, d.channel,
    count(*) FILTER (WHERE g.pause IS NULL AND NOT g.overdue),
    count(*) FILTER (WHERE g.pause IS NULL AND g.overdue),
    count(*) FILTER (WHERE g.pause = 'supplement'),
    count(*) FILTER (WHERE g.pause = 'payment')
FROM {dossier} d
JOIN {procedure} p ON p.id = d.procedure_id
CROSS JOIN LATERAL (
    SELECT s.day::date AS day,
           (d.late_by_rule OR d.original_appointment_at < s.eod) AS overdue,
           (SELECT pa.kind FROM {pause} pa
             WHERE pa.dossier_id = d.id AND pa.start < s.eod
               AND (pa."end" IS NULL OR pa."end" >= s.eod)
             ORDER BY pa.start DESC LIMIT 1) AS pause
    FROM (
        SELECT gs::date AS day,
               ((gs + interval '1 day')::timestamp AT TIME ZONE %(tz)s) AS eod
        FROM generate_series(
            greatest(%(first)s::date, (d.received_at AT TIME ZONE %(tz)s)::date),
            least(%(last)s::date,
                  coalesce((d.finished_at AT TIME ZONE %(tz)s)::date, %(last)s::date)),
            interval '1 day') gs
    ) s
    WHERE d.received_at < s.eod AND (d.finished_at IS NULL OR d.finished_at >= s.eod)
) g
WHERE d.received_at IS NOT NULL AND d.received_at < %(end)s
  AND (d.finished_at IS NULL OR d.finished_at >= %(start)s)
GROUP BY 1, 2, 3, 4, 5
"""


@transaction.atomic
def snapshots_take(*, first: dt.date, last: dt.date) -> int:
    """Record the open dossiers at the end of each day first..last (replacing any
    earlier snapshot of those days), from the dossiers' receipt, finish and pause
    times. Overdue: the appointment before apologies had passed at the day's end, or
    a second supplement request made the dossier late."""
    if last < first:
        raise ValueError("The last day must not be before the first.")
    DailyOpenSnapshot.objects.filter(day__gte=first, day__lte=last).delete()
    sql = _SNAPSHOT_SQL.format(
        snapshot=DailyOpenSnapshot._meta.db_table,
        dossier=Dossier._meta.db_table,
        procedure=Procedure._meta.db_table,
        pause=Pause._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "tz": str(timezone.get_default_timezone()),
                "first": first,
                "last": last,
                "start": day_start(first),
                "end": day_start(last + dt.timedelta(days=1)),
            },
        )
        written = cursor.rowcount
    now = timezone.now()
    day = first
    marks = []
    while day <= last:
        marks.append(SnapshotDay(day=day, taken_at=now))
        day += dt.timedelta(days=1)
    SnapshotDay.objects.bulk_create(
        marks, update_conflicts=True, unique_fields=["day"], update_fields=["taken_at"]
    )
    return int(written)
