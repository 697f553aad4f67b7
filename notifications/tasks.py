"""Celery tasks of the SMS outbox; routed to the "sms" queue (CELERY_TASK_ROUTES)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from notifications import services


@shared_task(bind=True, name="notifications.send_sms_message", max_retries=None)
def send_sms_message(self: Any, message_id: int) -> None:
    """Send one outbox message exactly once; retried with backoff on gateway errors.

    SHOULD be enqueued with transaction.on_commit. Safe to run twice or concurrently:
    the row is claimed atomically and the gateway dedupes on the idempotency key.
    """
    countdown = services.sms_message_send(message_id=message_id)
    if countdown is not None:
        raise self.retry(countdown=countdown)


@shared_task(name="notifications.sweep_sms_outbox")
def sweep_sms_outbox() -> int:
    """Beat: re-enqueue messages left queued or claimed by a worker that died."""
    return services.sms_outbox_sweep()
