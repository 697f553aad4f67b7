from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from notifications.constants import SmsStatus
from notifications.gateways import LocmemGateway
from notifications.models import SmsMessage
from notifications.services import (
    retry_countdown,
    sms_message_resend,
    sms_message_send,
    sms_outbox_sweep,
)
from notifications.tasks import send_sms_message, sweep_sms_outbox
from portal.celery import app
from tests.notifications.conftest import fresh_phone

pytestmark = pytest.mark.django_db


def _message(**fields):
    now = timezone.now()
    defaults = {
        "phone": fresh_phone(),
        "body": "Ho so H49-0001 da duoc tiep nhan. Ngay hen tra: 05/12/2026",
        "event": "received",
        "dossier_code": "H49-0001",
        "idempotency_key": f"key-{SmsMessage.objects.count()}-{fresh_phone()}",
        "queued_at": now,
        "next_attempt_at": now,
    }
    return SmsMessage.objects.create(**{**defaults, **fields})


def test_task_sends_the_message_and_records_the_provider_id(sms_outbox):
    message = _message()
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert [(s.to, s.text) for s in sms_outbox] == [(message.phone, message.body)]
    assert message.status == SmsStatus.SENT
    assert message.provider_message_id == sms_outbox[0].provider_message_id
    assert message.attempts == 1
    assert message.sent_at is not None


def test_running_the_task_twice_sends_once(sms_outbox):
    message = _message()
    send_sms_message(message.pk)
    send_sms_message(message.pk)
    assert len(sms_outbox) == 1
    assert len(LocmemGateway.requests) == 1  # the second run did not even try
    message.refresh_from_db()
    assert message.attempts == 1


def test_message_claimed_by_a_live_worker_is_left_alone_until_its_lease_ends(
    sms_outbox, settings
):
    message = _message(status=SmsStatus.SENDING, claimed_at=timezone.now(), attempts=1)
    # a redelivered task comes back when the claim would lapse, without sending now
    assert sms_message_send(message_id=message.pk) == pytest.approx(
        settings.SMS_CLAIM_LEASE_SECONDS + 1, abs=2
    )
    with pytest.raises(Retry):
        send_sms_message(message.pk)
    assert sms_outbox == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsStatus.SENDING, 1)


def test_crash_after_the_provider_accepted_does_not_send_twice(sms_outbox, settings):
    """The worker died after the provider took the SMS but before `sent` was saved."""
    message = _message()
    accepted = LocmemGateway().send(
        to=message.phone, text=message.body, idempotency_key=message.idempotency_key
    )
    lease = timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS + 1)
    SmsMessage.objects.filter(pk=message.pk).update(
        status=SmsStatus.SENDING, claimed_at=timezone.now() - lease, attempts=1
    )
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert len(sms_outbox) == 1
    assert message.status == SmsStatus.SENT
    assert message.provider_message_id == accepted.provider_message_id
    assert message.attempts == 2


def test_gateway_error_puts_the_message_back_with_a_retry(sms_outbox):
    message = _message()
    LocmemGateway.fail_next(1)
    before = timezone.now()
    with pytest.raises(Retry):
        send_sms_message(message.pk)
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED
    assert message.attempts == 1
    assert "failure on demand" in message.last_error
    assert message.next_attempt_at >= before
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        SmsStatus.SENT,
        2,
        "",
    )
    assert len(sms_outbox) == 1


def test_permanent_gateway_error_fails_at_once_with_the_reason(sms_outbox):
    message = _message()
    LocmemGateway.fail_next(1, retryable=False)
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.last_error.startswith("permanent error")
    assert message.failed_at is not None
    assert sms_outbox == []


def test_gives_up_when_the_retry_window_has_passed(sms_outbox, settings):
    window = timedelta(seconds=settings.SMS_RETRY_WINDOW_SECONDS + 1)
    message = _message(queued_at=timezone.now() - window, attempts=7)
    LocmemGateway.fail_next(1)
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert message.last_error.startswith("gave up after 8 attempts")


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap(settings):
    settings.SMS_RETRY_BACKOFF_BASE_SECONDS = 2
    settings.SMS_RETRY_BACKOFF_MAX_SECONDS = 60
    for attempts, ceiling in [(1, 2), (2, 4), (4, 16), (10, 60)]:
        samples = [retry_countdown(attempts) for _ in range(200)]
        assert all(0 <= s <= ceiling for s in samples)
        assert max(samples) > ceiling / 2  # jitter spreads over the whole range


def test_excess_messages_to_one_number_are_deferred_not_dropped(sms_outbox, settings):
    settings.SMS_RATE_LIMIT_PER_MINUTE = 2
    phone = fresh_phone()
    messages = [_message(phone=phone) for _ in range(3)]
    send_sms_message(messages[0].pk)
    send_sms_message(messages[1].pk)
    with pytest.raises(Retry):
        send_sms_message(messages[2].pk)
    deferred = SmsMessage.objects.get(pk=messages[2].pk)
    assert deferred.status == SmsStatus.QUEUED
    assert deferred.attempts == 0
    assert deferred.next_attempt_at > timezone.now()
    assert len(sms_outbox) == 2


def test_sweep_re_enqueues_lost_messages_only(mocker, settings):
    delay = mocker.patch("notifications.tasks.send_sms_message.delay")
    now = timezone.now()
    old = now - timedelta(seconds=settings.SMS_SWEEP_GRACE_SECONDS + 5)
    expired = now - timedelta(seconds=settings.SMS_CLAIM_LEASE_SECONDS + 5)
    lost = _message(next_attempt_at=old)
    abandoned = _message(status=SmsStatus.SENDING, claimed_at=expired)
    _message()  # fresh: its own task is still on the way
    _message(status=SmsStatus.SENDING, claimed_at=now)  # a live worker has it
    _message(status=SmsStatus.SENT, next_attempt_at=old)
    _message(next_attempt_at=now + timedelta(minutes=5))  # waiting for its retry

    assert sweep_sms_outbox() == 2
    assert sorted(c.kwargs["message_id"] for c in delay.call_args_list) == sorted(
        [lost.pk, abandoned.pk]
    )
    lost.refresh_from_db()
    assert lost.next_attempt_at >= now  # not swept again before the grace period
    delay.reset_mock()
    assert sms_outbox_sweep() == 1  # only the abandoned claim, still lapsed
    assert delay.call_args.kwargs == {"message_id": abandoned.pk}


def test_resend_of_a_never_accepted_message_keeps_its_key(
    sms_outbox, django_capture_on_commit_callbacks
):
    message = _message(status=SmsStatus.FAILED, last_error="gave up")
    with django_capture_on_commit_callbacks(execute=False):
        sms_message_resend(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == SmsStatus.QUEUED
    assert message.resends == 1
    assert "#r" not in message.idempotency_key
    send_sms_message(message.pk)
    assert len(sms_outbox) == 1


def test_resend_of_an_undelivered_message_gets_a_new_key(
    sms_outbox, django_capture_on_commit_callbacks
):
    message = _message()
    send_sms_message(message.pk)
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        sms_message_resend(message_id=message.pk)
    send_sms_message(message.pk)
    message.refresh_from_db()
    assert message.idempotency_key.endswith("#r1")
    assert message.status == SmsStatus.SENT
    assert len(sms_outbox) == 2  # the handset had not received the first one


def test_sms_tasks_go_to_the_sms_queue_and_beat_sweeps_the_outbox(settings):
    assert app.amqp.router.route({}, "notifications.send_sms_message")[
        "queue"
    ].name == (settings.SMS_QUEUE)
    schedule = settings.CELERY_BEAT_SCHEDULE["sms-outbox-sweep"]
    assert schedule["task"] == sweep_sms_outbox.name
    assert sweep_sms_outbox.name in app.tasks
