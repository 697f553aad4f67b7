"""The SMS outbox: enqueue in the caller's transaction, send once, apply receipts."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.validators import mask_phone, normalize_phone
from notifications import ratelimit, tasks
from notifications.constants import SmsChannel, SmsEvent, SmsStatus
from notifications.gateways import SmsGatewayError, get_gateway
from notifications.models import SmsMessage, SmsTemplate
from notifications.text import segment_info

logger = logging.getLogger(__name__)

_random = secrets.SystemRandom()


class SmsResendError(Exception):
    """Only failed messages can be resent."""


def _enqueue_on_commit(message_id: int) -> None:
    # robust: a broker outage at commit time must not turn a committed transition into
    # an error page; the row is committed and the beat sweep sends it later.
    transaction.on_commit(
        partial(tasks.send_sms_message.delay, message_id=message_id), robust=True
    )


def sms_enqueue(
    *,
    event: str,
    phone: str,
    channel: str,
    context: Mapping[str, str],
    idempotency_key: str,
    dossier_id: int | None = None,
    dossier_code: str = "",
) -> SmsMessage | None:
    """Write an SmsMessage for `event` and send it once the transaction commits.

    Call it inside the transition's transaction. Returns None when the event's template
    is off for `channel` (or missing); a second call with the same idempotency key
    returns the existing row and enqueues nothing. Raises ValidationError for a phone
    that is not a Vietnamese mobile number and SmsRenderError for a missing value.
    """
    if event not in SmsEvent.values or channel not in SmsChannel.values:
        raise ValueError(f"unknown SMS event {event!r} or channel {channel!r}")
    with transaction.atomic():
        existing = SmsMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        template = SmsTemplate.objects.filter(event=event).first()
        if template is None or not template.enabled_for(channel):
            return None
        body = template.render(context)
        info = segment_info(body)
        now = timezone.now()
        message = SmsMessage(
            phone=normalize_phone(phone),
            body=body,
            event=event,
            dossier_id=dossier_id,
            dossier_code=dossier_code,
            idempotency_key=idempotency_key,
            segments=info.segments,
            encoding=info.encoding,
            queued_at=now,
            next_attempt_at=now,
        )
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            # A concurrent call with the same key committed first.
            return SmsMessage.objects.get(idempotency_key=idempotency_key)
        _enqueue_on_commit(message.pk)
        return message


def retry_countdown(attempts: int) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**(n-1)))."""
    ceiling = min(
        float(settings.SMS_RETRY_BACKOFF_MAX_SECONDS),
        settings.SMS_RETRY_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0),
    )
    return _random.uniform(0, ceiling)


_CLAIM_SQL = """
    UPDATE notifications_smsmessage
       SET status = %(sending)s, attempts = attempts + 1, claimed_at = %(now)s
     WHERE id = %(id)s
       AND (status = %(queued)s OR (status = %(sending)s AND claimed_at < %(expired)s))
    RETURNING *
"""


def _claim(message_id: int, now: datetime) -> SmsMessage | None:
    """Take the row for this worker: queued, or claimed by a worker whose lease ran out.

    One atomic UPDATE ... RETURNING: of two workers racing for the row, one gets it.
    """
    lease = timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS)
    params = {
        "id": message_id,
        "now": now,
        "expired": now - lease,
        "queued": SmsStatus.QUEUED.value,
        "sending": SmsStatus.SENDING.value,
    }
    claimed = list(SmsMessage.objects.raw(_CLAIM_SQL, params))
    return claimed[0] if claimed else None


def _lease_remaining(message_id: int, now: datetime) -> float | None:
    """Seconds until another worker's claim lapses; None if the row is done or gone.

    A task redelivered after its worker died finds the row still claimed: it comes back
    when the lease has run out instead of leaving the row to the sweep.
    """
    claimed_at = (
        SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SENDING)
        .values_list("claimed_at", flat=True)
        .first()
    )
    if claimed_at is None:
        return None
    lease_end = claimed_at + timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS)
    return max((lease_end - now).total_seconds(), 0.0) + 1.0


def sms_message_send(*, message_id: int) -> float | None:
    """Claim the message, send it through the gateway, record the outcome.

    Returns the number of seconds after which to try again, or None when there is
    nothing more to do (sent, failed for good, or another worker holds the row).
    """
    now = timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return _lease_remaining(message_id, now)
    wait = ratelimit.seconds_until_allowed(message.phone)
    if wait > 0:
        # Deferred, not dropped; a deferral is not a delivery attempt.
        SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SENDING).update(
            status=SmsStatus.QUEUED,
            attempts=F("attempts") - 1,
            next_attempt_at=timezone.now() + timedelta(seconds=wait),
        )
        return wait
    try:
        result = get_gateway().send(
            to=message.phone, text=message.body, idempotency_key=message.idempotency_key
        )
    except SmsGatewayError as exc:
        return _record_failure(message, exc)
    SmsMessage.objects.filter(pk=message_id, status=SmsStatus.SENDING).update(
        status=SmsStatus.SENT,
        sent_at=timezone.now(),
        provider_message_id=result.provider_message_id,
        last_error="",
    )
    return None


def _record_failure(message: SmsMessage, exc: SmsGatewayError) -> float | None:
    now = timezone.now()
    window_end = message.queued_at + timedelta(
        seconds=settings.SMS_RETRY_WINDOW_SECONDS
    )
    sending = SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING)
    if not exc.retryable or now >= window_end:
        reason = (
            f"permanent error: {exc}"
            if not exc.retryable
            else f"gave up after {message.attempts} attempts: {exc}"
        )
        sending.update(status=SmsStatus.FAILED, failed_at=now, last_error=reason[:2000])
        logger.warning(
            "SMS %s to %s failed: %s", message.pk, mask_phone(message.phone), reason
        )
        return None
    countdown = retry_countdown(message.attempts)
    sending.update(
        status=SmsStatus.QUEUED,
        next_attempt_at=now + timedelta(seconds=countdown),
        last_error=str(exc)[:2000],
    )
    return countdown


def sms_outbox_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue messages whose task was lost: queued and overdue, or a lapsed claim.

    Sending a second task for a message is harmless (the claim lets one through);
    the grace period keeps the sweep from doubling a healthy backlog.
    """
    current = now or timezone.now()
    grace = timedelta(seconds=settings.SMS_SWEEP_GRACE_SECONDS)
    lease = timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS)
    ids = list(
        SmsMessage.objects.filter(
            Q(status=SmsStatus.QUEUED, next_attempt_at__lte=current - grace)
            | Q(status=SmsStatus.SENDING, claimed_at__lt=current - lease)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.SMS_SWEEP_BATCH_SIZE]
    )
    if not ids:
        return 0
    SmsMessage.objects.filter(pk__in=ids, status=SmsStatus.QUEUED).update(
        next_attempt_at=current
    )
    for pk in ids:
        tasks.send_sms_message.delay(message_id=pk)
    logger.info("SMS sweep re-enqueued %d messages", len(ids))
    return len(ids)


def sms_receipt_apply(
    *, provider_message_id: str, client_ref: str, delivered: bool, error: str = ""
) -> int:
    """Apply a delivery receipt; returns how many messages changed (0 or 1).

    A receipt may arrive before the worker has saved `sent`, so the message is found by
    the provider's id or by our idempotency key. `delivered` is final.
    """
    match = Q(pk__in=[])
    if provider_message_id:
        match |= Q(provider_message_id=provider_message_id)
    if client_ref:
        match |= Q(idempotency_key=client_ref)
    pending = SmsMessage.objects.filter(match).exclude(
        status__in=[SmsStatus.DELIVERED, SmsStatus.FAILED]
    )
    now = timezone.now()
    if delivered:
        return pending.update(status=SmsStatus.DELIVERED, delivered_at=now)
    return pending.update(
        status=SmsStatus.FAILED,
        failed_at=now,
        last_error=f"delivery failed: {error}"[:2000],
    )


@transaction.atomic
def sms_message_resend(*, message_id: int) -> SmsMessage:
    """Queue a failed message again, with a fresh retry window.

    A message the provider never accepted keeps its idempotency key: if the provider
    did take it after all, it dedupes and the citizen gets one SMS. A message the
    provider accepted but could not deliver gets a new key (`<key>#r<n>`), since the
    provider would otherwise answer the resend with the old, undelivered message.
    """
    message = SmsMessage.objects.select_for_update().get(pk=message_id)
    if message.status != SmsStatus.FAILED:
        raise SmsResendError(message.pk)
    message.resends += 1
    if message.provider_message_id:
        base = message.idempotency_key.split("#r", 1)[0][:100]
        message.idempotency_key = f"{base}#r{message.resends}"
        message.provider_message_id = ""
    now = timezone.now()
    message.status = SmsStatus.QUEUED
    message.queued_at = message.next_attempt_at = now
    message.failed_at = None
    message.save()
    _enqueue_on_commit(message.pk)
    return message
