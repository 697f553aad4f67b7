"""Liveness endpoint: reports whether PostgreSQL and Redis answer."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> tuple[bool, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return False, type(error).__name__
    return True, "ok"


def check_redis() -> tuple[bool, str]:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        client.ping()
    except redis.RedisError as error:
        return False, type(error).__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database_ok, database_detail = check_database()
    redis_ok, redis_detail = check_redis()
    healthy = database_ok and redis_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {
                "postgresql": {"ok": database_ok, "detail": database_detail},
                "redis": {"ok": redis_ok, "detail": redis_detail},
            },
        },
        status=200 if healthy else 503,
    )


def check_migrations() -> tuple[bool, str]:
    """True when every migration on disk has been applied to the database."""
    try:
        connection = connections["default"]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return False, type(error).__name__
    if plan:
        return False, f"{len(plan)} unapplied"
    return True, "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: PostgreSQL, Redis and an up-to-date schema. A load balancer sends
    traffic only to processes that answer 200 here."""
    checks = {
        "postgresql": check_database(),
        "redis": check_redis(),
    }
    checks["migrations"] = (
        check_migrations()
        if checks["postgresql"][0]
        else (False, "database unavailable")
    )
    ready = all(ok for ok, _detail in checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "not_ready",
            "checks": {
                name: {"ok": ok, "detail": d} for name, (ok, d) in checks.items()
            },
        },
        status=200 if ready else 503,
    )
