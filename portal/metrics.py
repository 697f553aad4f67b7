"""Prometheus metrics: request latency, Celery queues and task outcomes, the SMS
outbox and business gauges.

Request latency is recorded per process by the middleware below. Task outcomes are
counted in Redis by Celery signal handlers, because workers are separate processes
(often on other hosts); queue depth, outbox counts and business gauges are read at
scrape time. The endpoint answers only to a bearer token (METRICS_TOKEN); without a
configured token it does not exist (404).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator

import redis
from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.celery_signals import TASK_OUTCOME_KEY

REGISTRY = CollectorRegistry(auto_describe=True)
REQUEST_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Server time per request, by view and status class.",
    ["view", "method", "status"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def _redis() -> redis.Redis:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            view = resolve(request.path_info).view_name or "unnamed"
        except Resolver404:
            view = "not_found"
        REQUEST_LATENCY.labels(
            view=view,
            method=request.method or "",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


class PortalCollector(Collector):
    """Values read at scrape time from Redis and PostgreSQL."""

    def describe(self) -> list[GaugeMetricFamily]:
        # Registration must not touch Redis or the database (it happens at import).
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._celery()
        yield from self._outbox()
        yield from self._business()
        yield from self._replica()

    def _celery(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "portal_celery_queue_depth",
            "Messages waiting in a Celery queue.",
            labels=["queue"],
        )
        outcomes = GaugeMetricFamily(
            "portal_celery_task_outcomes_total",
            "Task outcomes counted by the workers (monotonic).",
            labels=["task", "outcome"],
        )
        try:
            client = _redis()
            for queue in settings.METRICS_CELERY_QUEUES:
                depth.add_metric([queue], float(client.llen(queue)))
            for key, value in client.hgetall(TASK_OUTCOME_KEY).items():
                text = key.decode() if isinstance(key, bytes) else str(key)
                task, _, outcome = text.partition("|")
                outcomes.add_metric([task, outcome], float(value))
        except redis.RedisError:
            pass  # a scrape during a Redis outage shows no queue figures, not an error
        yield depth
        yield outcomes

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        from notifications.models import SmsMessage  # noqa: PLC0415 - apps load first

        family = GaugeMetricFamily(
            "portal_sms_outbox_messages",
            "SMS outbox rows by status.",
            labels=["status"],
        )
        rows = SmsMessage.objects.values("status").annotate(n=Count("id")).order_by()
        for row in rows:
            family.add_metric([row["status"]], float(row["n"]))
        yield family

    def _business(self) -> Iterator[GaugeMetricFamily]:
        from dossiers.models import Dossier, DossierState  # noqa: PLC0415

        start_of_day = timezone.localtime().replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        received = Dossier.objects.filter(received_at__gte=start_of_day).count()
        overdue = (
            Dossier.objects.in_progress()
            .exclude(state=DossierState.SUPPLEMENT_REQUESTED)
            .filter(appointment_at__lt=timezone.now())
            .count()
        )
        yield GaugeMetricFamily(
            "portal_dossiers_received_today",
            "Dossiers received since midnight.",
            value=received,
        )
        yield GaugeMetricFamily(
            "portal_dossiers_overdue",
            "Dossiers in progress past their appointment.",
            value=overdue,
        )

    def _replica(self) -> Iterator[GaugeMetricFamily]:
        from portal.db_router import replica_configured, replica_health  # noqa: PLC0415

        if not replica_configured():
            return
        health = replica_health()
        yield GaugeMetricFamily(
            "portal_db_replica_usable",
            "1 while reads wrapped in use_replica() go to the replica, 0 on fallback.",
            value=float(health.usable),
        )
        if health.lag is not None:
            yield GaugeMetricFamily(
                "portal_db_replica_lag_seconds",
                "The replica's replay lag at the last probe of this process.",
                value=health.lag,
            )


REGISTRY.register(PortalCollector())


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(supplied.encode(), token.encode()):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(
        generate_latest(REGISTRY),
        content_type="text/plain; version=0.0.4; charset=utf-8",
    )
