"""Reads for the dashboards, reports, the public page and the stats API.

Every figure comes from the rollups (flows per day) and the end-of-day snapshots
(stocks), or for the current stock from the open dossiers through the index on
state + appointment: never from a scan of all dossiers. A request costs a fixed
number of queries whatever the number of dossiers.

Periods are closed ranges of local days [first, last]. Rates are percentages with
2 decimals, None when the denominator is zero (N/A).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Agency, Membership
from dashboard.conf import indicator_points, indicator_rule
from dashboard.models import (
    FLOW_COUNTERS,
    HOUR_COUNTERS,
    STOCK_COUNTERS,
    DailyDossierRollup,
    DailyOpenSnapshot,
    MonthlyDossierRollup,
    SnapshotDay,
)
from dashboard.services import day_start
from dossiers.models import (
    IN_PROGRESS_STATES,
    Dossier,
    DossierEvent,
    DossierState,
    Pause,
)
from dossiers.selectors import dossier_visible_to
from portal.db_router import use_replica
from procedures.models import Field, Procedure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

S = DossierState
DASHBOARD_ROLES = (Membership.Role.MANAGER,)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
CHANNELS = (
    (Dossier.Channel.COUNTER, "counter"),
    (Dossier.Channel.ONLINE, "online"),
    (Dossier.Channel.POST, "post"),
)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )


def _ratio(part: Decimal, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _source_ranges(filters: Filters) -> list[tuple[type[Any], dt.date, dt.date]]:
    """(table, first day, day after) covering the period: monthly rows for its whole
    months (unless a field or procedure is chosen: monthly rows have neither),
    daily rows for the edge days."""
    first, after = filters.first, filters.last + dt.timedelta(days=1)
    daily, monthly = DailyDossierRollup, MonthlyDossierRollup
    if filters.procedure is not None or filters.field is not None:
        return [(daily, first, after)]
    months_from = first if first.day == 1 else _next_month(first)
    months_to = after if after.day == 1 else after.replace(day=1)
    if months_from >= months_to:
        return [(daily, first, after)]
    ranges: list[tuple[type[Any], dt.date, dt.date]] = [
        (monthly, months_from, months_to)
    ]
    if first < months_from:
        ranges.append((daily, first, months_from))
    if months_to < after:
        ranges.append((daily, months_to, after))
    return ranges


# --- scope and filters ----------------------------------------------------------------


class NotInScope(Exception):  # noqa: N818 - reads as "raise NotInScope"
    """The user may not see dashboards, or not for that agency (→ 404)."""


@dataclass(frozen=True)
class Filters:
    """One period and one scope. `agency_ids` None: the whole province (public page
    or a provincial manager); otherwise the agencies (subtree) the figures cover."""

    first: dt.date
    last: dt.date
    agency_ids: frozenset[int] | None = None
    agency: Agency | None = None
    field: Field | None = None
    procedure: Procedure | None = None

    @property
    def start(self) -> dt.datetime:
        return day_start(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period."""
        return day_start(self.last + dt.timedelta(days=1))

    def rollup_q(self) -> Q:
        condition = Q()
        if self.agency_ids is not None:
            ids = list(self.agency_ids)
            condition &= Q(agency_id__in=ids) | Q(receiving_agency_id__in=ids)
        if self.field is not None:
            condition &= Q(field_id=self.field.pk)
        if self.procedure is not None:
            condition &= Q(procedure_id=self.procedure.pk)
        return condition

    def dossier_q(self) -> Q:
        condition = Q()
        if self.agency_ids is not None:
            ids = list(self.agency_ids)
            condition &= Q(procedure__competent_agency_id__in=ids) | Q(
                receiving_agency_id__in=ids
            )
        if self.field is not None:
            condition &= Q(procedure__field_id=self.field.pk)
        if self.procedure is not None:
            condition &= Q(procedure_id=self.procedure.pk)
        return condition

    def query_string(self) -> str:
        from urllib.parse import urlencode  # noqa: PLC0415

        params = {"from": self.first.isoformat(), "to": self.last.isoformat()}
        if self.agency is not None:
            params["agency"] = self.agency.code
        if self.field is not None:
            params["field"] = self.field.code
        if self.procedure is not None:
            params["procedure"] = str(self.procedure.pk)
        return urlencode(params)


def manager_paths(*, user: User | AnonymousUser) -> list[str]:
    """Agency paths where the user is a manager (empty: no dashboard)."""
    if not user.is_authenticated:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                user_id=user.pk, role__in=DASHBOARD_ROLES
            ).values_list("agency__path", flat=True)
        )
    )


def _subtree_ids(paths: list[str]) -> frozenset[int]:
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return frozenset(Agency.objects.filter(condition).values_list("pk", flat=True))


def filters_for_user(
    *,
    user: User | AnonymousUser,
    first: dt.date,
    last: dt.date,
    agency: Agency | None = None,
    field: Field | None = None,
    procedure: Procedure | None = None,
) -> Filters:
    """Filters limited to the manager's subtree; NotInScope when the user is no
    manager or asks for an agency outside it."""
    paths = manager_paths(user=user)
    if not paths:
        raise NotInScope
    if agency is not None:
        if not any(agency.path.startswith(path) for path in paths):
            raise NotInScope
        paths = [agency.path]
    top_level = any(path.count("/") == 2 for path in paths) and agency is None
    agency_ids = None if top_level else _subtree_ids(paths)
    return Filters(
        first=first,
        last=last,
        agency_ids=agency_ids,
        agency=agency,
        field=field,
        procedure=procedure,
    )


def public_filters(
    *, first: dt.date, last: dt.date, agency: Agency | None = None
) -> Filters:
    ids = _subtree_ids([agency.path]) if agency is not None else None
    return Filters(first=first, last=last, agency_ids=ids, agency=agency)


# --- the figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stock:
    """Open dossiers at a moment: in progress (clock running) or paused."""

    within: int
    overdue: int
    paused_supplement: int
    paused_payment: int

    @property
    def in_progress(self) -> int:
        return self.within + self.overdue

    @property
    def paused(self) -> int:
        return self.paused_supplement + self.paused_payment

    @property
    def open(self) -> int:
        return self.in_progress + self.paused


@dataclass(frozen=True)
class Indicator766:
    code: str
    label: str
    rate: Decimal | None
    points: Decimal | None
    max_points: Decimal
    threshold: Decimal
    note: str = ""


class _Timeliness:
    """Finished dossiers by timeliness and the on-time rate (early counts as on
    time), for every figure that carries the three counters."""

    finished_early: int
    finished_on_time: int
    finished_late: int

    @property
    def finished(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.finished_early + self.finished_on_time, self.finished)


@dataclass(frozen=True)
class Satisfaction:
    very_satisfied: int
    satisfied: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.very_satisfied + self.satisfied + self.dissatisfied

    @property
    def index(self) -> Decimal | None:
        return percent(self.very_satisfied + self.satisfied, self.total)


@dataclass(frozen=True)
class Indicators(_Timeliness):
    filters: Filters
    received: int
    received_by_channel: dict[str, int]
    refused: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    withdrawn: int
    stopped: int
    returned: int
    results: int
    results_electronic: int
    results_digitised: int
    supplement_requests: int
    payment_requests: int
    apologies: int
    timed_count: int
    processing_hours_sum: Decimal
    legal_hours_sum: Decimal
    satisfaction: Satisfaction
    stock: Stock | None  # None: no snapshot recorded for a past period end
    carried_over: int | None
    indicators_766: list[Indicator766] = field(default_factory=list)

    @property
    def online_share(self) -> Decimal | None:
        return percent(self.received_by_channel["online"], self.received)

    @property
    def average_processing_days(self) -> Decimal | None:
        return _ratio(self.processing_hours_sum / 8, self.timed_count)

    @property
    def average_legal_days(self) -> Decimal | None:
        return _ratio(self.legal_hours_sum / 8, self.timed_count)


Rows = list[dict[str, Any]]
_SUMMED = (*FLOW_COUNTERS, *HOUR_COUNTERS)
_CHANNEL_SUMS = tuple(f"received_{name}" for _number, name in CHANNELS)


@use_replica()
def rollup_rows(filters: Filters) -> Rows:
    """The period's counters per competent agency and per month, in one query over
    the rollups (GROUPING SETS): a few hundred rows whatever the number of dossiers,
    from which the headline figures, the trend and the per-agency table are summed.

    Each row has "agency_id" (None in a month row) or "month" (None in an agency row).
    """
    selects: list[str] = []
    params: list[Any] = []
    columns = ", ".join(("agency_id", "channel", *_SUMMED))
    for model, first, after in _source_ranges(filters):
        where = ["day >= %s", "day < %s"]
        params += [first, after]
        if filters.agency_ids is not None:
            where.append("(agency_id = ANY(%s) OR receiving_agency_id = ANY(%s))")
            ids = sorted(filters.agency_ids)
            params += [ids, ids]
        if filters.field is not None:
            where.append("field_id = %s")
            params.append(filters.field.pk)
        if filters.procedure is not None:
            where.append("procedure_id = %s")
            params.append(filters.procedure.pk)
        selects.append(
            f"SELECT date_trunc('month', day)::date AS month, {columns} "  # noqa: S608
            f"FROM {model._meta.db_table} WHERE {' AND '.join(where)}"
        )
    sums = ", ".join(f"sum({name})" for name in _SUMMED)
    channel_sums = ", ".join(
        f"sum(received) FILTER (WHERE channel = {number})" for number, _n in CHANNELS
    )
    sql = (
        f"SELECT agency_id, month, {sums}, {channel_sums} "  # noqa: S608 - names only
        f"FROM ({' UNION ALL '.join(selects)}) r "
        "GROUP BY GROUPING SETS ((agency_id), (month))"
    )
    names = ("agency_id", "month", *_SUMMED, *_CHANNEL_SUMS)
    # Raw SQL picks its connection itself: the replica inside use_replica() when healthy.
    alias = router.db_for_read(MonthlyDossierRollup) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        {
            name: (value or 0) if index > 1 else value
            for index, (name, value) in enumerate(zip(names, row, strict=True))
        }
        for row in fetched
    ]


def _flows(rows: Rows) -> dict[str, Any]:
    """Totals over the agency rows (each dossier counts under one competent agency)."""
    totals: dict[str, Any] = dict.fromkeys((*_SUMMED, *_CHANNEL_SUMS), 0)
    for row in rows:
        if row["agency_id"] is not None:
            for name in totals:
                totals[name] += row[name]
    return totals


def _live_stock_rows(filters: Filters, at: dt.datetime) -> dict[int, Stock]:
    paused_supplement = Q(state=S.SUPPLEMENT_REQUESTED)
    paused_payment = Q(state=S.AWAITING_PAYMENT)
    paused = paused_supplement | paused_payment
    overdue = ~paused & (Q(late_by_rule=True) | Q(original_appointment_at__lt=at))
    rows = (
        Dossier.objects.filter(filters.dossier_q(), state__in=IN_PROGRESS_STATES)
        .filter(received_at__lt=at)
        .values("procedure__competent_agency_id")
        .annotate(
            within=Count("id", filter=~paused & ~overdue),
            overdue=Count("id", filter=overdue),
            paused_supplement=Count("id", filter=paused_supplement),
            paused_payment=Count("id", filter=paused_payment),
        )
        .order_by()
    )
    return {row.pop("procedure__competent_agency_id"): Stock(**row) for row in rows}


def _past_stock_rows(filters: Filters, moment: dt.datetime) -> dict[int, Stock]:
    """Open dossiers at a past moment from the dossiers themselves: used for one
    procedure (snapshots are kept per agency and field, not per procedure)."""
    supplement = _paused_at(moment, Pause.Kind.SUPPLEMENT)
    payment = _paused_at(moment, Pause.Kind.PAYMENT)
    overdue = Q(late_by_rule=True) | Q(original_appointment_at__lt=moment)
    rows = (
        Dossier.objects.filter(filters.dossier_q())
        .filter(_open_at(moment))
        .annotate(in_supplement=supplement, in_payment=payment)
        .values("procedure__competent_agency_id")
        .annotate(
            within=Count(
                "id", filter=Q(in_supplement=False, in_payment=False) & ~overdue
            ),
            overdue=Count(
                "id", filter=Q(in_supplement=False, in_payment=False) & overdue
            ),
            paused_supplement=Count("id", filter=Q(in_supplement=True)),
            paused_payment=Count("id", filter=Q(in_supplement=False, in_payment=True)),
        )
        .order_by()
    )
    return {row.pop("procedure__competent_agency_id"): Stock(**row) for row in rows}


@use_replica()
def stock_by_agency(filters: Filters, day: dt.date) -> dict[int, Stock] | None:
    """Open dossiers at the end of `day` per competent agency: live when that moment
    is not past yet, else the nightly snapshot (None when none was recorded)."""
    eod = day_start(day + dt.timedelta(days=1))
    now = timezone.now()
    if eod >= now:
        return _live_stock_rows(filters, now)
    if filters.procedure is not None:
        return _past_stock_rows(filters, eod)
    if not SnapshotDay.objects.filter(day=day).exists():
        return None
    rows: Any = (
        DailyOpenSnapshot.objects.filter(filters.rollup_q(), day=day)
        .values("agency_id")
        .annotate(**{f"total_{name}": Sum(name) for name in STOCK_COUNTERS})
        .order_by()
    )
    return {
        row["agency_id"]: Stock(
            within=row["total_in_progress_within"] or 0,
            overdue=row["total_in_progress_overdue"] or 0,
            paused_supplement=row["total_paused_supplement"] or 0,
            paused_payment=row["total_paused_payment"] or 0,
        )
        for row in rows
    }


def stock_total(stocks: Iterable[Stock]) -> Stock:
    items = list(stocks)
    return Stock(
        within=sum(s.within for s in items),
        overdue=sum(s.overdue for s in items),
        paused_supplement=sum(s.paused_supplement for s in items),
        paused_payment=sum(s.paused_payment for s in items),
    )


def stock_at_end_of(filters: Filters, day: dt.date) -> Stock | None:
    rows = stock_by_agency(filters, day)
    return stock_total(rows.values()) if rows is not None else None


def _indicators_766(
    flows: dict[str, Any], stock: Stock | None, feedback: Any | None
) -> list[Indicator766]:
    finished = (
        flows["finished_early"] + flows["finished_on_time"] + flows["finished_late"]
    )
    good = flows["finished_early"] + flows["finished_on_time"]
    rate_2_1 = (
        percent(good + stock.within, finished + stock.in_progress)
        if stock is not None
        else None
    )
    items: list[tuple[str, Any, Decimal | None, Any]] = [
        (
            "2.1",
            _("Dossiers handled early or on time, or in progress within the deadline"),
            rate_2_1,
            ""
            if stock is not None
            else _("No snapshot of open dossiers for the period end."),
        ),
        (
            "3.3",
            _("Dossiers received online"),
            percent(flows["received_online"], flows["received"]),
            _("Sync rate with the national portal taken as 100 %."),
        ),
        (
            "4.1",
            _("Results issued with an electronic file"),
            percent(flows["results_electronic"], flows["results"]),
            "",
        ),
        (
            "4.2",
            _("Results with digitised components and an electronic file"),
            percent(flows["results_digitised"], flows["results"]),
            _(
                "A component counts as digitised when its file is attached to the dossier."
            ),
        ),
        (
            "4.3",
            _("Dossiers reusing digitised data"),
            None,
            _("N/A: dossiers carry no reuse flag."),
        ),
        (
            "4.4",
            _("Dossiers linked to the citizen's national repository"),
            None,
            _("N/A: the portal is not connected to the national repository."),
        ),
        (
            "4.5b",
            _("Dossiers using population database data"),
            None,
            _("N/A: dossiers carry no VNeID or population-data flag."),
        ),
    ]
    if feedback is not None:
        items += [
            (
                "5.2",
                _("Petitions handled on time"),
                feedback.rate_5_2,
                "",
            ),
            (
                "5.3",
                _("Satisfaction with petition handling"),
                feedback.rate_5_3,
                "",
            ),
        ]
    late_share = percent(flows["finished_late"], finished)
    unhappy_share = percent(flows["rated_dissatisfied"], finished)
    rate_5_4 = (
        max(Decimal(0), _HUNDRED - late_share - (unhappy_share or Decimal(0)))
        if late_share is not None
        else None
    )
    items.append(
        (
            "5.4",
            _("Satisfaction in receiving and handling dossiers"),
            rate_5_4,
            _("100 % − share finished late − share of “not satisfied” ratings."),
        )
    )
    result = []
    for code, label, rate, note in items:
        rule = indicator_rule(code)
        result.append(
            Indicator766(
                code=code,
                label=str(label),
                rate=rate,
                points=indicator_points(rate=rate, rule=rule),
                max_points=rule.max_points,
                threshold=rule.threshold,
                note=str(note),
            )
        )
    return result


def _feedback_indicators(filters: Filters) -> Any:
    from feedback.selectors import feedback_indicators  # noqa: PLC0415

    agencies = (
        Agency.objects.filter(pk__in=list(filters.agency_ids))
        if filters.agency_ids is not None
        else None
    )
    return feedback_indicators(start=filters.start, end=filters.end, agencies=agencies)


@use_replica()
def indicators(
    *, filters: Filters, with_feedback: bool = True, rows: Rows | None = None
) -> Indicators:
    """Every figure of design.md §7 for one period and scope."""
    flows = _flows(rollup_rows(filters) if rows is None else rows)
    stock = stock_at_end_of(filters, filters.last)
    carried = stock_at_end_of(filters, filters.first - dt.timedelta(days=1))
    feedback = (
        _feedback_indicators(filters)
        if with_feedback and filters.field is None and filters.procedure is None
        else None
    )
    by_channel = {name: flows.pop(f"received_{name}") for _n, name in CHANNELS}
    return Indicators(
        filters=filters,
        received_by_channel=by_channel,
        satisfaction=Satisfaction(
            very_satisfied=flows["rated_very_satisfied"],
            satisfied=flows["rated_satisfied"],
            dissatisfied=flows["rated_dissatisfied"],
        ),
        stock=stock,
        carried_over=carried.open if carried is not None else None,
        indicators_766=_indicators_766(
            {**flows, "received_online": by_channel["online"]}, stock, feedback
        ),
        **{
            name: flows[name]
            for name in (*FLOW_COUNTERS, *HOUR_COUNTERS)
            if not name.startswith("rated_")
        },
    )


# --- breakdowns -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint(_Timeliness):
    month: dt.date
    received: int
    finished_early: int
    finished_on_time: int
    finished_late: int


@use_replica()
def monthly_trend(*, filters: Filters, rows: Rows | None = None) -> list[MonthPoint]:
    """One point per month of the period (months without rows included as zeros)."""
    by_month: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rollup_rows(filters) if rows is None else rows:
        if row["month"] is None:
            continue
        month_row = by_month[row["month"]]
        month_row["received_sum"] += row["received"]
        month_row["early"] += row["finished_early"]
        month_row["on_time"] += row["finished_on_time"]
        month_row["late"] += row["finished_late"]
    rows_by_month = by_month
    points = []
    month = filters.first.replace(day=1)
    while month <= filters.last:
        row = rows_by_month.get(month, {})
        points.append(
            MonthPoint(
                month=month,
                received=row.get("received_sum") or 0,
                finished_early=row.get("early") or 0,
                finished_on_time=row.get("on_time") or 0,
                finished_late=row.get("late") or 0,
            )
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return points


@dataclass(frozen=True)
class AgencyRow(_Timeliness):
    agency_id: int
    code: str
    name: str
    received: int
    received_online: int
    received_counter: int
    received_post: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int
    withdrawn: int
    stopped: int

    @property
    def online_share(self) -> Decimal | None:
        return percent(self.received_online, self.received)

    @property
    def satisfaction_index(self) -> Decimal | None:
        return Satisfaction(
            self.very_satisfied, self.satisfied, self.dissatisfied
        ).index


@use_replica()
def per_agency(*, filters: Filters, rows: Rows | None = None) -> list[AgencyRow]:
    """Headline figures per competent agency, from the grouped rollup rows."""
    merged = {
        row["agency_id"]: row
        for row in (rollup_rows(filters) if rows is None else rows)
        if row["agency_id"] is not None
    }
    names = {
        pk: (code, name)
        for pk, code, name in Agency.objects.filter(pk__in=list(merged)).values_list(
            "pk", "code", "name"
        )
    }
    result = [
        AgencyRow(
            agency_id=pk,
            code=names[pk][0],
            name=names[pk][1],
            received=values["received"],
            received_online=values["received_online"],
            received_counter=values["received_counter"],
            received_post=values["received_post"],
            finished_early=values["finished_early"],
            finished_on_time=values["finished_on_time"],
            finished_late=values["finished_late"],
            very_satisfied=values["rated_very_satisfied"],
            satisfied=values["rated_satisfied"],
            dissatisfied=values["rated_dissatisfied"],
            withdrawn=values["withdrawn"],
            stopped=values["stopped"],
        )
        for pk, values in merged.items()
    ]
    return sorted(result, key=lambda row: row.code)


# --- drill-down: the dossiers behind a number -----------------------------------------

#: Figures a drill-down link may name, with their label.
METRICS: dict[str, Any] = {
    "received": pgettext_lazy("dashboard", "Received"),
    "received_counter": _("Received at the counter"),
    "received_online": _("Received online"),
    "received_post": _("Received by post"),
    "refused": _("Refused at intake"),
    "finished_early": _("Finished early"),
    "finished_on_time": _("Finished on time"),
    "finished_late": _("Finished late"),
    "withdrawn": pgettext_lazy("dashboard", "Withdrawn"),
    "stopped": _("Stopped"),
    "returned": _("Results returned"),
    "in_progress_within": _("In progress within the deadline"),
    "in_progress_overdue": _("In progress, overdue"),
    "paused_supplement": _("Waiting for a supplement"),
    "paused_payment": _("Waiting for payment"),
}


def _open_at(moment: dt.datetime) -> Q:
    return Q(received_at__lt=moment) & (
        Q(finished_at__isnull=True) | Q(finished_at__gte=moment)
    )


def _paused_at(moment: dt.datetime, kind: str) -> Exists:
    return Exists(
        Pause.objects.filter(
            dossier=OuterRef("pk"), kind=kind, start__lt=moment
        ).filter(Q(end__isnull=True) | Q(end__gte=moment))
    )


def dossiers_behind(
    *, user: User | AnonymousUser, filters: Filters, metric: str
) -> QuerySet[Dossier]:
    """The dossiers counted in one figure, within the user's staff scope."""
    if metric not in METRICS:
        raise KeyError(metric)
    dossiers = dossier_visible_to(user=user).with_related().filter(filters.dossier_q())
    start, end = filters.start, filters.end
    in_period = {"finished_at__gte": start, "finished_at__lt": end}
    if metric.startswith("received"):
        dossiers = dossiers.filter(received_at__gte=start, received_at__lt=end)
        channel = metric.removeprefix("received").lstrip("_")
        if channel:
            number = {name: num for num, name in CHANNELS}[channel]
            dossiers = dossiers.filter(channel=number)
    elif metric.startswith("finished_"):
        dossiers = dossiers.filter(
            **in_period,
            timeliness=metric.removeprefix("finished_"),
            state__in=(S.READY, S.RETURNED, S.STOPPED, S.WITHDRAWN),
        )
    elif metric in ("refused", "withdrawn", "stopped"):
        dossiers = dossiers.filter(**in_period, state=metric)
    elif metric == "returned":
        dossiers = dossiers.filter(returned_at__gte=start, returned_at__lt=end)
    else:
        moment = min(end, timezone.now())
        supplement = _paused_at(moment, Pause.Kind.SUPPLEMENT)
        payment = _paused_at(moment, Pause.Kind.PAYMENT)
        dossiers = dossiers.filter(_open_at(moment))
        if metric == "paused_supplement":
            dossiers = dossiers.filter(supplement)
        elif metric == "paused_payment":
            dossiers = dossiers.filter(payment)
        else:
            overdue = Q(late_by_rule=True) | Q(original_appointment_at__lt=moment)
            dossiers = dossiers.filter(~supplement, ~payment)
            dossiers = dossiers.filter(
                overdue if metric == "in_progress_overdue" else ~overdue
            )
    return dossiers.order_by("received_at", "id")


def _first_event_time(action: str) -> Subquery:
    return Subquery(
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action=action)
        .order_by("created_at")
        .values("created_at")[:1]
    )


def ledger(*, user: User | AnonymousUser, filters: Filters) -> QuerySet[Dossier]:
    """Mẫu 06 rows: dossiers received in the period, in order of receipt, with the
    moment of the first hand-over to the competent agency."""
    return (
        dossier_visible_to(user=user)
        .with_related()
        .filter(filters.dossier_q())
        .filter(received_at__gte=filters.start, received_at__lt=filters.end)
        .annotate(transferred_at=_first_event_time("assign"))
        .order_by("received_at", "id")
    )
