"""Generator steps for dossier histories (issue 8): two years of dossiers with their
events, pauses, supplement requests, apologies, results and ratings, written with
COPY, then the dashboard rollups and end-of-day snapshots filled from those rows with
the same set-based SQL the rebuild would run, so the dashboards read consistent data.

Registered after `step_catalogue` in bench/generate.py, whose procedures the dossiers
are filed under. Times use the real working calendar (office hours, weekends,
holidays).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bench.generate import _full_name, allocate_ids, copy_rows

BATCH = 50_000
HISTORY_DAYS = 730
FINISHED_STATES = ("ready", "returned", "withdrawn", "stopped")


def _calendar() -> Any:
    from worktime.calendar import get_calendar  # noqa: PLC0415 - needs settings

    return get_calendar()


def _now() -> dt.datetime:
    from django.utils import timezone  # noqa: PLC0415

    return timezone.now()


def _tz() -> Any:
    from django.utils import timezone  # noqa: PLC0415

    return timezone.get_default_timezone()


class _Writer:
    """Buffers the rows of one batch of dossiers, then COPYs them table by table."""

    def __init__(self) -> None:
        self.dossiers: list[tuple[object, ...]] = []
        self.events: list[tuple[object, ...]] = []
        self.pauses: list[tuple[object, ...]] = []
        self.supplements: list[tuple[object, ...]] = []
        self.apologies: list[tuple[object, ...]] = []
        self.results: list[tuple[object, ...]] = []
        self.ratings: list[tuple[object, ...]] = []
        self.hours: list[tuple[object, ...]] = []

    def flush(self, cursor: Any) -> dict[str, int]:
        counts = {
            "dossiers_dossier": copy_rows(
                cursor, "dossiers_dossier", DOSSIER_COLUMNS, self.dossiers
            ),
            "dossiers_dossierevent": copy_rows(
                cursor,
                "dossiers_dossierevent",
                (
                    "dossier_id",
                    "action",
                    "from_state",
                    "to_state",
                    "reason",
                    "created_at",
                    "step_timeliness",
                    "actor_id",
                ),
                self.events,
            ),
            "dossiers_pause": copy_rows(
                cursor,
                "dossiers_pause",
                ("dossier_id", "kind", "start", '"end"', "reason"),
                self.pauses,
            ),
            "dossiers_supplementrequest": copy_rows(
                cursor,
                "dossiers_supplementrequest",
                (
                    "dossier_id",
                    "items_text",
                    "reason",
                    "requested_at",
                    "requested_by_id",
                    "fulfilled_at",
                ),
                self.supplements,
            ),
            "dossiers_apology": copy_rows(
                cursor,
                "dossiers_apology",
                (
                    "dossier_id",
                    "reason",
                    "responsible_agency_id",
                    "old_appointment",
                    "new_appointment",
                    "signer_id",
                    "created_at",
                ),
                self.apologies,
            ),
            "dossiers_result": copy_rows(
                cursor,
                "dossiers_result",
                (
                    "dossier_id",
                    "number",
                    "signer_name",
                    "signed_on",
                    "granted",
                    "notes",
                    "proposed_by_id",
                    "approved_by_id",
                ),
                self.results,
            ),
            "feedback_rating": copy_rows(
                cursor,
                "feedback_rating",
                (
                    "dossier_id",
                    "value",
                    "reason",
                    "time_answer",
                    "visits_answer",
                    "staff_attitude",
                    "ease_of_use",
                    "overall",
                    "agency_id",
                    "receiving_agency_id",
                    "procedure_id",
                    "source",
                    "created_at",
                ),
                self.ratings,
            ),
        }
        copy_rows(
            cursor,
            "bench_processing_hours",
            ("dossier_id", "hours", "legal"),
            self.hours,
        )
        self.reset()
        return counts

    def reset(self) -> None:
        for rows in vars(self).values():
            rows.clear()


DOSSIER_COLUMNS = (
    "id",
    "code",
    "state",
    "status_code",
    "channel",
    "owner_id",
    "applicant_type",
    "applicant_name",
    "applicant_phone",
    "applicant_national_id",
    "applicant_email",
    "applicant_address",
    "submitter_name",
    "submitter_phone",
    "submitter_national_id",
    "summary",
    "procedure_id",
    "receiving_agency_id",
    "current_agency_id",
    "submitted_at",
    "received_at",
    "appointment_at",
    "original_appointment_at",
    "finished_at",
    "returned_at",
    "return_channel",
    "supplement_count",
    "late_by_rule",
    "paused_from_state",
    "reason",
    "deadline_status",
    "timeliness",
    "created_at",
    "updated_at",
)
STATUS = {
    "submitted": 1,
    "received": 2,
    "refused": 3,
    "appraising": 4,
    "supplement_requested": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "ready": 9,
    "returned": 10,
}


def _timeliness(
    finished: dt.datetime, appointment: dt.datetime, late_by_rule: bool
) -> str:
    if late_by_rule:
        return "late"
    tz = _tz()
    done, due = finished.astimezone(tz).date(), appointment.astimezone(tz).date()
    return "early" if done < due else ("on_time" if done == due else "late")


# One linear script of each dossier's life, read top to bottom like its control sheet;
# split into helpers it would hide the timeline it writes.
def step_dossier_history(  # noqa: C901, PLR0912, PLR0915
    cursor: Any, size: int, rng: random.Random
) -> Mapping[str, int]:
    """`size` dossiers received over the two years before today, with full histories."""
    counts: dict[str, int] = {}
    cal = _calendar()
    tz = _tz()
    now = _now()
    first_day = (now - dt.timedelta(days=HISTORY_DAYS)).astimezone(tz).date()
    cursor.execute(
        "SELECT id, processing_days, competent_agency_id, field_id FROM procedures_procedure"
    )
    procedures = [
        (pk, Decimal(days), agency, field)
        for pk, days, agency, field in cursor.fetchall()
    ]
    if not procedures:
        raise RuntimeError("step_dossier_history needs step_catalogue's procedures")
    cursor.execute("SELECT id, code, kind FROM accounts_agency")
    agencies = {pk: (code, kind) for pk, code, kind in cursor.fetchall()}
    centre = next(
        pk for pk, (_c, kind) in agencies.items() if kind == "one_stop_centre"
    )
    cursor.execute("SELECT m.agency_id, m.user_id, m.role FROM accounts_membership m")
    staff: dict[tuple[int, str], int] = {}
    for agency_id, user_id, role in cursor.fetchall():
        staff.setdefault((agency_id, role), user_id)
    any_staff = next(iter(staff.values()))
    cursor.execute(
        "SELECT id FROM accounts_user WHERE NOT is_staff AND phone LIKE '+849%%' LIMIT 5000"
    )
    citizens = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "CREATE TEMP TABLE bench_processing_hours (dossier_id bigint PRIMARY KEY, hours numeric, legal numeric) ON COMMIT DROP"
    )
    # Working moments to receive at: every working day of the window, office hours.
    days = [first_day + dt.timedelta(days=n) for n in range(HISTORY_DAYS)]
    working_days = [d for d in days if cal.is_working_day(d)]
    sequence: dict[tuple[int, dt.date], int] = {}
    writer = _Writer()
    ids = allocate_ids(cursor, "dossiers_dossier", size)
    loop_started = time.perf_counter()
    for number, pk in enumerate(ids):
        procedure, legal_days, competent, _field = rng.choice(procedures)
        commune = agencies[competent][1] == "commune"
        receiving = competent if commune else centre
        roll = rng.random()
        channel = 2 if roll < 0.5 else (1 if roll < 0.95 else 3)
        day = rng.choice(working_days)
        minute = rng.choice(
            (rng.randint(7 * 60, 11 * 60 + 29), rng.randint(13 * 60 + 30, 16 * 60 + 59))
        )
        received = dt.datetime.combine(
            day, dt.time(minute // 60, minute % 60), tzinfo=tz
        )
        if received >= now:
            received = now - dt.timedelta(hours=1)
        key = (receiving, day)
        sequence[key] = sequence.get(key, 0) + 1
        code = f"{agencies[receiving][0]}-{day:%y%m%d}-{sequence[key]:04d}"
        clerk = staff.get((receiving, "clerk"), any_staff)
        specialist = staff.get((competent, "specialist"), any_staff)
        leader = staff.get((competent, "leader"), any_staff)
        events: list[tuple[str, str, str, dt.datetime, int]] = []
        submitted = (
            received - dt.timedelta(minutes=rng.randint(5, 600))
            if channel == 2
            else received
        )
        if channel == 2:
            events.append(("submit", "draft", "submitted", submitted, 0))
        state = "received"
        finished = returned = None
        reason = timeliness = paused_from = ""
        late_by_rule = False
        supplement_count = 0
        appointment = original = None
        received_at: dt.datetime | None = received
        if channel == 2 and rng.random() < 0.02:
            received_at = None
            finished = received
            state = "refused"
            reason = "Hồ sơ không thuộc thẩm quyền giải quyết"
            events.append(("refuse", "submitted", "refused", received, clerk))
        else:
            events.append(
                (
                    "receive" if channel == 2 else "intake",
                    "submitted" if channel == 2 else "",
                    "received",
                    received,
                    clerk,
                )
            )
            start = cal.next_working_moment(received)
            appointment = original = cal.add_working_days(start, legal_days)
            assigned = cal.add_working_hours(start, Decimal(rng.choice((1, 2, 4))))
            events.append(("assign", "received", "appraising", assigned, clerk))
            state = "appraising"
            cursor_time = assigned
            pauses: list[tuple[str, dt.datetime, dt.datetime | None]] = []
            extra = rng.random()
            for kind, probability in (("supplement", 0.10), ("payment", 0.05)):
                if extra < probability:
                    pause_start = cal.add_working_hours(
                        cursor_time, Decimal(rng.randint(2, 16))
                    )
                    pause_end = cal.add_working_hours(
                        pause_start, Decimal(rng.randint(4, 40))
                    )
                    pauses.append((kind, pause_start, pause_end))
                    cursor_time = pause_end
                    if kind == "supplement" and rng.random() < 0.1:
                        second = cal.add_working_hours(cursor_time, Decimal(4))
                        second_end = cal.add_working_hours(second, Decimal(8))
                        pauses.append(("supplement", second, second_end))
                        cursor_time = second_end
            shift = sum(
                (
                    cal.working_hours_between(s, e)
                    for _k, s, e in pauses
                    if e is not None
                ),
                Decimal(0),
            )
            if shift:
                appointment = original = cal.add_working_hours(appointment, shift)
            late_by_rule = sum(1 for k, _s, _e in pauses if k == "supplement") > 1
            outcome = rng.random()
            if outcome < 0.6:
                finish = cal.add_working_hours(
                    cursor_time,
                    max(
                        Decimal(1),
                        (legal_days * 8 - cal.working_hours_between(start, cursor_time))
                        * Decimal(rng.uniform(0.2, 0.9)),
                    ),
                )
            elif outcome < 0.85:
                finish = appointment - dt.timedelta(minutes=rng.randint(5, 90))
            else:
                finish = cal.add_working_hours(appointment, Decimal(rng.randint(2, 40)))
            finish = max(finish, cursor_time + dt.timedelta(minutes=5))
            apology = None
            if finish > appointment and rng.random() < 0.3:
                apology_at = appointment - dt.timedelta(hours=2)
                if apology_at > cursor_time:
                    apology = (apology_at, finish + dt.timedelta(days=2))
            ending = rng.random()
            for kind, pause_start, pause_end in pauses:
                if pause_start >= now:
                    break
                request = (
                    "request_supplement" if kind == "supplement" else "request_payment"
                )
                paused_state = (
                    "supplement_requested"
                    if kind == "supplement"
                    else "awaiting_payment"
                )
                events.append(
                    (request, "appraising", paused_state, pause_start, specialist)
                )
                if kind == "supplement":
                    supplement_count += 1
                    writer.supplements.append(
                        (
                            pk,
                            "Bản sao giấy tờ còn thiếu",
                            "Hồ sơ chưa đầy đủ",
                            pause_start,
                            specialist,
                            pause_end if pause_end and pause_end < now else None,
                        )
                    )
                if pause_end is not None and pause_end < now:
                    events.append(
                        (
                            "supplement" if kind == "supplement" else "confirm_payment",
                            paused_state,
                            "appraising",
                            pause_end,
                            clerk,
                        )
                    )
                    writer.pauses.append((pk, kind, pause_start, pause_end, ""))
                else:
                    writer.pauses.append((pk, kind, pause_start, None, ""))
                    state, paused_from = paused_state, "appraising"
            if apology is not None and apology[0] < now and state == "appraising":
                events.append(
                    ("apologize", "appraising", "appraising", apology[0], leader)
                )
                writer.apologies.append(
                    (
                        pk,
                        "Cần xác minh thêm",
                        competent,
                        appointment,
                        apology[1],
                        leader,
                        apology[0],
                    )
                )
                appointment = apology[1]
            if finish < now and state == "appraising":
                if ending < 0.04:
                    state, reason = "withdrawn", "Công dân xin rút hồ sơ"
                    events.append(
                        ("withdraw", "appraising", "withdrawn", finish, clerk)
                    )
                elif ending < 0.07:
                    state, reason = "stopped", "Không đủ điều kiện giải quyết"
                    events.append(("stop", "appraising", "stopped", finish, leader))
                else:
                    propose = finish - dt.timedelta(minutes=30)
                    events.append(
                        (
                            "propose",
                            "appraising",
                            "pending_approval",
                            propose,
                            specialist,
                        )
                    )
                    events.append(
                        ("approve", "pending_approval", "ready", finish, leader)
                    )
                    state = "ready"
                    writer.results.append(
                        (
                            pk,
                            f"{rng.randint(1, 9999)}/QĐ",
                            "",
                            finish.astimezone(tz).date(),
                            True,
                            "",
                            specialist,
                            leader,
                        )
                    )
                    used = cal.working_hours_between(received, finish) - sum(
                        (
                            cal.working_hours_between(s, e)
                            for _k, s, e in pauses
                            if e is not None and e <= finish
                        ),
                        Decimal(0),
                    )
                    writer.hours.append((pk, max(used, Decimal(0)), legal_days * 8))
                    back = finish + dt.timedelta(hours=rng.randint(1, 72))
                    if back < now and rng.random() < 0.85:
                        events.append(
                            ("return_result", "ready", "returned", back, clerk)
                        )
                        state, returned = "returned", back
                        if rng.random() < 0.5:
                            value = rng.choices(
                                ("very_satisfied", "satisfied", "dissatisfied"),
                                (55, 40, 5),
                            )[0]
                            writer.ratings.append(
                                (
                                    pk,
                                    value,
                                    "Chờ lâu" if value == "dissatisfied" else "",
                                    "",
                                    "",
                                    "",
                                    "",
                                    "",
                                    competent,
                                    receiving,
                                    procedure,
                                    "sms",
                                    back + dt.timedelta(hours=2),
                                )
                            )
                if state in FINISHED_STATES:
                    finished = finish
                    timeliness = _timeliness(finish, original, late_by_rule)
        current = competent if state not in ("received", "refused") else receiving
        name = _full_name(rng)
        writer.dossiers.append(
            (
                pk,
                code,
                state,
                STATUS[state],
                channel,
                rng.choice(citizens) if channel == 2 and citizens else None,
                "citizen",
                name,
                f"+849{rng.choice('01346789')}{rng.randint(0, 9_999_999):07d}",
                "",
                "",
                "",
                "",
                "",
                "",
                "Hồ sơ thủ tục hành chính",
                procedure,
                receiving,
                current,
                submitted,
                received_at,
                appointment,
                original,
                finished,
                returned,
                "counter" if returned else "",
                supplement_count,
                late_by_rule,
                paused_from,
                reason,
                ""
                if finished or received_at is None
                else ("overdue" if original and original < now else "within"),
                timeliness,
                submitted,
                events[-1][3],
            )
        )
        writer.events.extend(
            (pk, a, f, t, "", when, "", actor or None)
            for a, f, t, when, actor in events
        )
        if (number + 1) % BATCH == 0:
            for written_table, written in writer.flush(cursor).items():
                counts[written_table] = counts.get(written_table, 0) + written
    for written_table, written in writer.flush(cursor).items():
        counts[written_table] = counts.get(written_table, 0) + written
    _phase("histories written", loop_started)
    started = time.perf_counter()
    counts["dashboard_dailydossierrollup"] = _fill_rollups(cursor)
    _phase("rollups filled", started)
    started = time.perf_counter()
    counts["dashboard_dailyopensnapshot"] = _fill_snapshots(cursor, first_day, now)
    _phase("snapshots filled", started)
    return counts


def _phase(what: str, started: float) -> None:
    print(f"[generate]   {what} in {time.perf_counter() - started:.1f} s", flush=True)


_ROLLUP_SQL = """
INSERT INTO dashboard_dailydossierrollup (day, agency_id, receiving_agency_id, procedure_id,
    field_id, channel, received, refused, finished_early, finished_on_time, finished_late,
    withdrawn, stopped, returned, results, results_electronic, results_digitised,
    supplement_requests, payment_requests, apologies, timed_count, processing_hours_sum,
    legal_hours_sum, rated_very_satisfied, rated_satisfied, rated_dissatisfied)
SELECT (e.created_at AT TIME ZONE %(tz)s)::date, p.competent_agency_id, d.receiving_agency_id,
    d.procedure_id, p.field_id, d.channel,
    count(*) FILTER (WHERE e.action IN ('receive', 'intake')),
    count(*) FILTER (WHERE e.action = 'refuse'),
    count(*) FILTER (WHERE e.action IN ('approve', 'stop', 'withdraw') AND d.timeliness = 'early'),
    count(*) FILTER (WHERE e.action IN ('approve', 'stop', 'withdraw') AND d.timeliness = 'on_time'),
    count(*) FILTER (WHERE e.action IN ('approve', 'stop', 'withdraw') AND d.timeliness = 'late'),
    count(*) FILTER (WHERE e.action = 'withdraw'),
    count(*) FILTER (WHERE e.action = 'stop'),
    count(*) FILTER (WHERE e.action = 'return_result'),
    count(*) FILTER (WHERE e.action = 'approve'),
    0, 0,
    count(*) FILTER (WHERE e.action = 'request_supplement' AND e.from_state <> 'submitted'),
    count(*) FILTER (WHERE e.action = 'request_payment'),
    count(*) FILTER (WHERE e.action = 'apologize'),
    count(h.dossier_id),
    coalesce(sum(h.hours), 0), coalesce(sum(h.legal), 0),
    0, 0, 0
FROM dossiers_dossierevent e
JOIN dossiers_dossier d ON d.id = e.dossier_id
JOIN procedures_procedure p ON p.id = d.procedure_id
LEFT JOIN bench_processing_hours h ON h.dossier_id = e.dossier_id AND e.action = 'approve'
WHERE e.action IN ('receive', 'intake', 'refuse', 'approve', 'stop', 'withdraw',
    'return_result', 'request_supplement', 'request_payment', 'apologize')
GROUP BY 1, 2, 3, 4, 5, 6
"""
_RATING_SQL = """
INSERT INTO dashboard_dailydossierrollup AS t (day, agency_id, receiving_agency_id,
    procedure_id, field_id, channel, received, refused, finished_early, finished_on_time,
    finished_late, withdrawn, stopped, returned, results, results_electronic,
    results_digitised, supplement_requests, payment_requests, apologies, timed_count,
    processing_hours_sum, legal_hours_sum, rated_very_satisfied, rated_satisfied,
    rated_dissatisfied)
SELECT (r.created_at AT TIME ZONE %(tz)s)::date, p.competent_agency_id, d.receiving_agency_id,
    d.procedure_id, p.field_id, d.channel, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    count(*) FILTER (WHERE r.value = 'very_satisfied'),
    count(*) FILTER (WHERE r.value = 'satisfied'),
    count(*) FILTER (WHERE r.value = 'dissatisfied')
FROM feedback_rating r
JOIN dossiers_dossier d ON d.id = r.dossier_id
JOIN procedures_procedure p ON p.id = d.procedure_id
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (day, receiving_agency_id, procedure_id, channel) DO UPDATE SET
    rated_very_satisfied = t.rated_very_satisfied + excluded.rated_very_satisfied,
    rated_satisfied = t.rated_satisfied + excluded.rated_satisfied,
    rated_dissatisfied = t.rated_dissatisfied + excluded.rated_dissatisfied
"""


def _fill_rollups(cursor: Any) -> int:
    from dashboard.services import COUNTERS, MONTHLY_KEY  # noqa: PLC0415

    cursor.execute(
        "ANALYZE dossiers_dossierevent; ANALYZE dossiers_dossier; ANALYZE bench_processing_hours"
    )
    cursor.execute(_ROLLUP_SQL, {"tz": str(_tz())})
    written = int(cursor.rowcount)
    cursor.execute(_RATING_SQL, {"tz": str(_tz())})
    sums = ", ".join(f"sum({c})" for c in COUNTERS)
    cursor.execute(
        f"INSERT INTO dashboard_monthlydossierrollup ({', '.join(MONTHLY_KEY)}, {', '.join(COUNTERS)}) "
        f"SELECT date_trunc('month', day)::date, receiving_agency_id, agency_id, channel, {sums} "
        "FROM dashboard_dailydossierrollup GROUP BY 1, 2, 3, 4"
    )
    return written


def _fill_snapshots(cursor: Any, first_day: dt.date, now: dt.datetime) -> int:
    """End-of-day snapshots for the last day of every month (what month-aligned
    periods read: the period end and the day before its start). In production the
    nightly beat records every day; here every day would cost minutes per million."""
    from dashboard.services import _SNAPSHOT_SQL, day_start  # noqa: PLC0415

    sql = _SNAPSHOT_SQL.format(
        snapshot="dashboard_dailyopensnapshot",
        dossier="dossiers_dossier",
        procedure="procedures_procedure",
        pause="dossiers_pause",
    )
    today = now.astimezone(_tz()).date()
    month = first_day.replace(day=1)
    written = 0
    while True:
        month = (month + dt.timedelta(days=32)).replace(day=1)
        day = month - dt.timedelta(days=1)
        if day >= today:
            break
        cursor.execute(
            sql,
            {
                "tz": str(_tz()),
                "first": day,
                "last": day,
                "start": day_start(day),
                "end": day_start(day + dt.timedelta(days=1)),
            },
        )
        written += int(cursor.rowcount)
        cursor.execute(
            "INSERT INTO dashboard_snapshotday (day, taken_at) VALUES (%s, now()) "
            "ON CONFLICT (day) DO NOTHING",
            [day],
        )
    return written
