import json
import logging

import pytest
from django.utils import timezone

from notifications.models import SmsMessage
from portal.observability import (
    ContextFilter,
    JsonFormatter,
    mask_personal_data,
    reset_request_id,
    set_request_id,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("gửi tới +84912345678", "gửi tới +8491***678"),
        ("số 0912345678.", "số 091***678."),
        ("CCCD 022090012345 đã lưu", "CCCD 022******345 đã lưu"),
        ("mã 000.00.01.H49-261128-0001", "mã 000.00.01.H49-261128-0001"),
    ],
)
def test_personal_data_is_masked(raw, masked):
    assert mask_personal_data(raw) == masked


def test_json_log_line_carries_the_request_id_and_no_full_phone():
    record = logging.makeLogRecord(
        {
            "name": "dossiers",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "SMS to %s for %s",
            "args": ("+84987654321", "022090012345"),
        }
    )
    token = set_request_id("req-0123456789")
    try:
        ContextFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        reset_request_id(token)
    payload = json.loads(line)
    assert payload["request_id"] == "req-0123456789"
    assert payload["level"] == "INFO"
    assert "+84987654321" not in line
    assert "022090012345" not in line
    assert payload["message"] == "SMS to +8498***321 for 022******345"


def test_every_response_has_a_request_id_and_a_sane_incoming_one_is_kept(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "lb-abcdef123"})["X-Request-ID"]
        == "lb-abcdef123"
    )
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\r\nSet-Cookie: a=b"})
    assert hostile["X-Request-ID"] != "x\r\nSet-Cookie: a=b"


def test_readiness_reports_database_redis_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["migrations"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["postgresql"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True


def test_metrics_endpoint_needs_its_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "t" * 40
    assert client.get("/metrics").status_code == 403
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code
        == 403
    )


def test_metrics_report_latency_outbox_and_business_gauges(client, settings):
    settings.METRICS_TOKEN = "s" * 40
    SmsMessage.objects.create(
        phone="+84912345678",
        body="Ho so X",
        event="received",
        idempotency_key="metrics-test-1",
        queued_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    client.get("/")
    response = client.get("/metrics", headers={"Authorization": "Bearer " + "s" * 40})
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'portal_http_request_duration_seconds_count{method="GET",status="2xx",view="home"}'
        in text
    )
    assert 'portal_sms_outbox_messages{status="queued"} 1.0' in text
    assert "portal_dossiers_received_today 0.0" in text
    assert "portal_dossiers_overdue 0.0" in text
    assert 'portal_celery_queue_depth{queue="sms"}' in text
    assert "+84912345678" not in text
