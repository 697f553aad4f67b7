import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.constants import SmsStatus
from notifications.gateways import SIGNATURE_HEADER, sign_receipt, verify_receipt
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db

SECRET = "receipt-secret-for-tests"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SMS_CALLBACK_SECRET = SECRET


@pytest.fixture
def sent():
    now = timezone.now()
    return SmsMessage.objects.create(
        phone="+84912345678",
        body="Ho so X da tra ket qua.",
        event="returned",
        idempotency_key="d1:returned",
        status=SmsStatus.SENT,
        provider_message_id="prov-1",
        queued_at=now,
        next_attempt_at=now,
        sent_at=now,
    )


def _post(client, payload, *, secret=SECRET, timestamp=None, signature=None):
    body = json.dumps(payload).encode()
    header = signature or sign_receipt(body, secret=secret, timestamp=timestamp)
    return client.post(
        reverse("notifications:sms-callback"),
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: header},
    )


def test_signed_receipt_marks_the_message_delivered(client, sent):
    response = _post(client, {"message_id": "prov-1", "status": "delivered"})
    assert response.status_code == 200
    assert response.json() == {"updated": 1}
    sent.refresh_from_db()
    assert sent.status == SmsStatus.DELIVERED
    assert sent.delivered_at is not None


def test_failed_receipt_records_the_reason(client, sent):
    _post(client, {"message_id": "prov-1", "status": "failed", "error": "absent"})
    sent.refresh_from_db()
    assert sent.status == SmsStatus.FAILED
    assert sent.last_error == "delivery failed: absent"


def test_receipt_arriving_before_sent_is_saved_matches_by_client_ref(client, sent):
    SmsMessage.objects.filter(pk=sent.pk).update(
        status=SmsStatus.SENDING, provider_message_id=""
    )
    _post(
        client,
        {"message_id": "prov-9", "client_ref": "d1:returned", "status": "delivered"},
    )
    sent.refresh_from_db()
    assert sent.status == SmsStatus.DELIVERED


def test_delivered_is_final(client, sent):
    _post(client, {"message_id": "prov-1", "status": "delivered"})
    response = _post(client, {"message_id": "prov-1", "status": "failed"})
    assert response.json() == {"updated": 0}
    sent.refresh_from_db()
    assert sent.status == SmsStatus.DELIVERED


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "guessed-secret"},
        {"timestamp": -301},
        {"timestamp": +301},
        {"signature": "t=1,v1=00"},
        {"signature": "garbage"},
    ],
)
def test_forged_or_stale_receipt_is_refused_and_changes_nothing(client, sent, forgery):
    if "timestamp" in forgery:  # seconds away from now
        forgery = {"timestamp": int(time.time()) + forgery["timestamp"]}
    response = _post(client, {"message_id": "prov-1", "status": "delivered"}, **forgery)
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == SmsStatus.SENT


def test_receipt_signed_for_another_body_is_refused(client, sent):
    other = sign_receipt(
        b'{"message_id": "prov-2", "status": "delivered"}', secret=SECRET
    )
    response = _post(
        client, {"message_id": "prov-1", "status": "delivered"}, signature=other
    )
    assert response.status_code == 403


def test_without_a_configured_secret_every_receipt_is_refused(client, sent, settings):
    settings.SMS_CALLBACK_SECRET = ""
    response = _post(client, {"message_id": "prov-1", "status": "delivered"}, secret="")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {"message_id": "prov-1"},
        {"status": "delivered"},
        ["x"],
        {"status": "lost", "message_id": "p"},
    ],
)
def test_malformed_signed_receipt_is_a_400(client, sent, payload):
    assert _post(client, payload).status_code == 400


def test_receipts_only_by_post(client):
    assert client.get(reverse("notifications:sms-callback")).status_code == 405


def test_signature_age_limit_is_five_minutes():
    body = b"{}"
    header = sign_receipt(body, secret=SECRET, timestamp=1_000_000)
    assert verify_receipt(body, header, secret=SECRET, max_age=300, now=1_000_300)
    assert not verify_receipt(body, header, secret=SECRET, max_age=300, now=1_000_301)
