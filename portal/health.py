"""Liveness endpoint: reports whether PostgreSQL and Redis answer."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connections
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
