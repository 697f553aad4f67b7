"""Celery signal handlers: carry the web request id into the tasks it publishes (and
log with it), and count task outcomes in Redis for the metrics endpoint."""

from __future__ import annotations

from typing import Any

import redis
from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
)
from django.conf import settings

from portal.observability import get_request_id, reset_request_id, set_request_id

_tokens: dict[str, Any] = {}


@before_task_publish.connect
def _add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = get_request_id()


@task_prerun.connect
def _bind_request_id(
    task_id: str | None = None, task: Any = None, **kwargs: Any
) -> None:
    request_id = getattr(getattr(task, "request", None), "request_id", None) or "-"
    if task_id:
        _tokens[task_id] = set_request_id(str(request_id))


@task_postrun.connect
def _unbind_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        reset_request_id(token)


TASK_OUTCOME_KEY = "metrics:celery:task_outcomes"


def _count_task(task: Any, outcome: str) -> None:
    name = getattr(task, "name", None) or "unknown"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        client.hincrby(TASK_OUTCOME_KEY, f"{name}|{outcome}", 1)
    except redis.RedisError:
        return  # metrics must never break a task


@task_success.connect
def _on_success(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "success")


@task_failure.connect
def _on_failure(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "failure")


@task_retry.connect
def _on_retry(sender: Any = None, **kwargs: Any) -> None:
    _count_task(sender, "retry")
