"""Pages: the managers' dashboard, the dossiers behind a number, the Excel exports,
and the public statistics page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard import charts, exports, selectors
from dashboard.forms import PeriodForm

Figure = tuple[Any, Any, str]
MAX_LEDGER_ROWS = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> tuple[PeriodForm, selectors.Filters | None]:
    """Parse the picker; Http404 for a non-manager or an agency outside the scope."""
    if not selectors.manager_paths(user=request.user):
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        filters = selectors.filters_for_user(
            user=request.user,
            first=data["first"],
            last=data["last"],
            agency=data["agency"],
            field=data["field"],
            procedure=data["procedure"],
        )
    except selectors.NotInScope:
        raise Http404 from None
    return form, filters


def _trend_chart(
    filters: selectors.Filters, rows: selectors.Rows
) -> tuple[list[selectors.MonthPoint], charts.Chart]:
    trend = selectors.monthly_trend(filters=filters, rows=rows)
    chart = charts.bar_line_chart(
        labels=[point.month.strftime("%m/%Y") for point in trend],
        bars=[point.received for point in trend],
        line=[point.on_time_rate for point in trend],
    )
    return trend, chart


def _groups(figures: selectors.Indicators) -> list[tuple[Any, list[Figure]]]:
    """The headline figures by section: (label, value, drill-down metric or "")."""
    channels = figures.received_by_channel
    groups: list[tuple[Any, list[Figure]]] = [
        (
            gettext_lazy("Dossiers received"),
            [
                (
                    pgettext_lazy("dashboard", "Received"),
                    figures.received,
                    "received",
                ),
                (
                    gettext_lazy("At the counter"),
                    channels["counter"],
                    "received_counter",
                ),
                (gettext_lazy("Online"), channels["online"], "received_online"),
                (gettext_lazy("By post"), channels["post"], "received_post"),
                (gettext_lazy("Online share (%)"), figures.online_share, ""),
                (gettext_lazy("Refused at intake"), figures.refused, "refused"),
                (
                    gettext_lazy("Carried over from before the period"),
                    figures.carried_over,
                    "",
                ),
            ],
        ),
        (
            gettext_lazy("Finished"),
            [
                (gettext_lazy("Early"), figures.finished_early, "finished_early"),
                (gettext_lazy("On time"), figures.finished_on_time, "finished_on_time"),
                (gettext_lazy("Late"), figures.finished_late, "finished_late"),
                (gettext_lazy("Early or on time (%)"), figures.on_time_rate, ""),
                (
                    pgettext_lazy("dashboard", "Withdrawn"),
                    figures.withdrawn,
                    "withdrawn",
                ),
                (gettext_lazy("Stopped"), figures.stopped, "stopped"),
                (gettext_lazy("Results returned"), figures.returned, "returned"),
                (
                    gettext_lazy("Average processing time (working days)"),
                    figures.average_processing_days,
                    "",
                ),
                (
                    gettext_lazy("Average legal time (working days)"),
                    figures.average_legal_days,
                    "",
                ),
            ],
        ),
    ]
    stock = figures.stock
    if stock is not None:
        groups.append(
            (
                gettext_lazy("Open at the end of the period"),
                [
                    (
                        gettext_lazy("In progress within the deadline"),
                        stock.within,
                        "in_progress_within",
                    ),
                    (
                        gettext_lazy("In progress, overdue"),
                        stock.overdue,
                        "in_progress_overdue",
                    ),
                    (
                        gettext_lazy("Waiting for a supplement"),
                        stock.paused_supplement,
                        "paused_supplement",
                    ),
                    (
                        gettext_lazy("Waiting for payment"),
                        stock.paused_payment,
                        "paused_payment",
                    ),
                ],
            )
        )
    satisfaction = figures.satisfaction
    groups.append(
        (
            gettext_lazy("Satisfaction"),
            [
                (gettext_lazy("Very satisfied"), satisfaction.very_satisfied, ""),
                (gettext_lazy("Satisfied"), satisfaction.satisfied, ""),
                (gettext_lazy("Not satisfied"), satisfaction.dissatisfied, ""),
                (gettext_lazy("Satisfaction index (%)"), satisfaction.index, ""),
            ],
        )
    )
    return groups


@never_cache
@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    rows = selectors.rollup_rows(filters)
    trend, chart = _trend_chart(filters, rows)
    figures = selectors.indicators(filters=filters, rows=rows)
    return render(
        request,
        "dashboard/index.html",
        {
            "form": form,
            "filters": filters,
            "query": filters.query_string(),
            "figures": figures,
            "groups": _groups(figures),
            "trend": trend,
            "chart": chart,
            "agencies": selectors.per_agency(filters=filters, rows=rows),
        },
    )


@never_cache
@login_required
@require_GET
def dossiers(request: HttpRequest) -> HttpResponse:
    metric = request.GET.get("metric", "")
    if metric not in selectors.METRICS:
        raise Http404
    form, filters = _filters(request)
    if filters is None:
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    rows = selectors.dossiers_behind(user=request.user, filters=filters, metric=metric)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/dossiers.html",
        {
            "filters": filters,
            "query": filters.query_string(),
            "metric": metric,
            "metric_label": selectors.METRICS[metric],
            "page": page,
        },
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    content = exports.report_workbook(
        filters=filters,
        rows=selectors.per_agency(filters=filters, rows=selectors.rollup_rows(filters)),
        stock_end=selectors.stock_by_agency(filters, filters.last),
        stock_start=selectors.stock_by_agency(
            filters, filters.first - dt.timedelta(days=1)
        ),
    )
    return _xlsx(content, f"bao-cao-{filters.first:%Y%m%d}-{filters.last:%Y%m%d}.xlsx")


@never_cache
@login_required
@require_GET
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    rows = selectors.ledger(user=request.user, filters=filters)
    if rows.count() > MAX_LEDGER_ROWS:
        form.add_error(
            None,
            _(
                "The ledger would hold more than %(limit)s dossiers: choose a shorter "
                "period or one agency."
            )
            % {"limit": f"{MAX_LEDGER_ROWS:,}".replace(",", ".")},
        )
        return render(request, "dashboard/index.html", {"form": form}, status=400)
    content = exports.ledger_workbook(
        filters=filters, dossiers=rows.iterator(chunk_size=2000)
    )
    return _xlsx(
        content, f"so-theo-doi-{filters.first:%Y%m%d}-{filters.last:%Y%m%d}.xlsx"
    )


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """Headline figures per agency for anyone: counts and rates, no personal data."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "dashboard/public.html", {"form": form}, status=400)
    data = form.cleaned_data
    filters = selectors.public_filters(
        first=data["first"], last=data["last"], agency=data["agency"]
    )
    rows = selectors.rollup_rows(filters)
    trend, chart = _trend_chart(filters, rows)
    return render(
        request,
        "dashboard/public.html",
        {
            "form": form,
            "filters": filters,
            "figures": selectors.indicators(
                filters=filters, with_feedback=False, rows=rows
            ),
            "agencies": selectors.per_agency(filters=filters, rows=rows),
            "trend": trend,
            "chart": chart,
        },
    )
