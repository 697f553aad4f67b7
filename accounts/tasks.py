"""Diagnostic tasks for operations: prove that a worker sees committed data."""

from __future__ import annotations

import redis
from celery import shared_task
from django.conf import settings

from accounts.models import User
from portal.observability import get_request_id


@shared_task(name="accounts.record_worker_probe")
def record_worker_probe(*, user_id: int, key: str) -> None:
    """Write the user's email under `key` in Redis, proving the worker read the row.

    Used by the integration suite and by operators to check that a worker is alive
    and reads the same database as the web processes.
    """
    user = User.objects.get(pk=user_id)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.set(key, user.email or "", ex=300)


@shared_task(name="accounts.record_request_id_probe")
def record_request_id_probe(*, key: str) -> None:
    """Store the request id the worker sees for this task under `key` in Redis.

    Proves, in the integration suite and for operators, that a web request's id
    travels with the tasks it publishes.
    """
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.set(key, get_request_id(), ex=300)
