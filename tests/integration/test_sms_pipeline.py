"""SMS outbox end to end: a real Celery worker process, real Redis, real PostgreSQL and
a local HTTP server standing in for the provider. "Exactly once" is counted at the
provider: each (phone, text) must reach a handset once, whatever crashed on the way.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.db import transaction

from notifications.constants import SmsStatus
from notifications.gateways import SIGNATURE_HEADER, sign_receipt
from notifications.models import SmsMessage, SmsTemplate
from notifications.services import sms_enqueue, sms_outbox_sweep
from portal.celery import app as celery_app
from tests.integration.conftest import Worker
from tests.integration.sms_provider import FakeSmsProvider
from tests.notifications.factories import seed_templates

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

API_KEY = "integration-key"
RECEIPT_SECRET = "integration-receipt-secret"


SETTINGS_ROUTES = celery_app.conf.task_routes


def _route_sms_to(queue: str | None) -> None:
    """Send notification tasks to the test worker's queue; None puts settings back."""
    celery_app.conf.task_routes = (
        {"notifications.*": {"queue": queue}} if queue else SETTINGS_ROUTES
    )
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # a cached Router keeps old routes


def _use_broker(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def provider() -> Iterator[FakeSmsProvider]:
    server = FakeSmsProvider(api_key=API_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def sms_settings(settings, monkeypatch):
    """Settings shared by the worker (environment) and this process (settings)."""
    values: dict[str, object] = {
        "SMS_CLAIM_LEASE_SECONDS": 5,
        "SMS_RETRY_BACKOFF_BASE_SECONDS": 0.2,
        "SMS_RETRY_BACKOFF_MAX_SECONDS": 1.0,
        "SMS_SWEEP_GRACE_SECONDS": 3,
        "SMS_HTTP_TIMEOUT": 3.0,
        "SMS_CALLBACK_SECRET": RECEIPT_SECRET,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, str(value))
        setattr(settings, name, value)
    seed_templates()
    return settings


def _start_worker(monkeypatch, provider: FakeSmsProvider) -> Worker:
    queue = f"test-sms-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SMS_TEST_BACKEND", "notifications.gateways.HttpJsonGateway")
    monkeypatch.setenv("SMS_HTTP_URL", provider.url)
    monkeypatch.setenv("SMS_HTTP_API_KEY", API_KEY)
    monkeypatch.setenv("SMS_QUEUE", queue)
    _route_sms_to(queue)
    worker = Worker(queue)
    worker.start()
    return worker


@pytest.fixture
def sms_worker(
    transactional_db, sms_settings, monkeypatch, provider
) -> Iterator[Worker]:
    worker = _start_worker(monkeypatch, provider)
    try:
        yield worker
    finally:
        worker.stop()
        _route_sms_to(None)


def _enqueue(i: int, *, event: str = "received", channel: str = "counter"):
    return sms_enqueue(
        event=event,
        phone=f"+84913{i:06d}",
        channel=channel,
        context={"code": f"000.00.15.H49-261128-{i:04d}", "appointment": "05/12/2026"},
        idempotency_key=f"dossier-{i}:{event}",
        dossier_id=i,
        dossier_code=f"000.00.15.H49-261128-{i:04d}",
    )


def _expected_handsets(numbers) -> set[tuple[str, str]]:
    return {
        (
            f"+84913{i:06d}",
            f"Ho so 000.00.15.H49-261128-{i:04d} da duoc tiep nhan. Ngay hen tra: 05/12/2026",
        )
        for i in numbers
    }


def _wait(
    condition: Callable[[], bool], seconds: float, *, sweep: bool = False
) -> bool:
    """Poll `condition`; with `sweep`, run the outbox sweep as beat would."""
    deadline = time.monotonic() + seconds
    next_sweep = time.monotonic() + 4
    while time.monotonic() < deadline:
        if condition():
            return True
        if sweep and time.monotonic() >= next_sweep:
            sms_outbox_sweep()
            next_sweep = time.monotonic() + 4
        time.sleep(0.1)
    return condition()


def _sent(count: int) -> Callable[[], bool]:
    done = [SmsStatus.SENT, SmsStatus.DELIVERED]
    return lambda: SmsMessage.objects.filter(status__in=done).count() >= count


def _assert_each_arrived_once(provider: FakeSmsProvider, numbers) -> None:
    handsets = provider.handsets()
    assert set(handsets) == _expected_handsets(numbers)
    assert set(handsets.values()) == {1}
    assert SmsMessage.objects.exclude(status=SmsStatus.SENT).count() == 0


def test_received_dossier_yields_one_sms_with_the_appointment(sms_worker, provider):
    with transaction.atomic():
        message = _enqueue(1)
        time.sleep(0.3)  # the worker is idle here: nothing is sent before commit
        assert provider.requests == []
    assert _wait(_sent(1), 20)
    time.sleep(0.5)  # room for a duplicate to show up, if there were one
    [request] = provider.requests
    assert request["to"] == "+84913000001"
    assert request["text"] == (
        "Ho so 000.00.15.H49-261128-0001 da duoc tiep nhan. Ngay hen tra: 05/12/2026"
    )
    assert request["client_ref"] == request["idempotency_key"] == "dossier-1:received"
    message.refresh_from_db()
    assert message.provider_message_id == provider.deliveries[0].message_id
    assert message.attempts == 1


def test_rolled_back_transition_and_switched_off_template_send_nothing(
    sms_worker, provider
):
    class TransitionFailedError(Exception):
        pass

    def transition_that_fails() -> None:
        with transaction.atomic():
            _enqueue(2)
            raise TransitionFailedError

    with pytest.raises(TransitionFailedError):
        transition_that_fails()
    SmsTemplate.objects.filter(event="received").update(post=False)
    with transaction.atomic():
        assert _enqueue(3, channel="post") is None
        # the same key twice: one row, one SMS
        probe = _enqueue(4)
        assert _enqueue(4) == probe
    assert _wait(_sent(1), 20)  # the worker is consuming: the probe arrived
    time.sleep(0.5)
    assert [r["client_ref"] for r in provider.requests] == ["dossier-4:received"]
    assert SmsMessage.objects.count() == 1


def test_provider_down_for_a_while_then_back_each_message_arrives_once(
    sms_worker, provider
):
    provider.fail_for(3)
    provider.drop_after_accept(5)  # accepted, but the answer is lost: retried, deduped
    with transaction.atomic():
        for i in range(40):
            _enqueue(i)
    assert _wait(_sent(40), 90, sweep=True)
    _assert_each_arrived_once(provider, range(40))
    assert len(provider.requests) > 40  # failures did happen and were retried
    assert SmsMessage.objects.filter(attempts__gt=1).exists()


def _kill_hard(worker: Worker) -> None:
    """SIGKILL the worker's main process and its pool children, as the OOM killer would."""
    assert worker.process is not None
    pid = worker.process.pid
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry))
    for target in [pid, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)
    worker.process.wait()
    worker.stop()  # closes the log file


def test_worker_killed_twice_with_500_in_flight_each_arrives_once(sms_worker, provider):
    total = 500
    with transaction.atomic():
        for i in range(total):
            _enqueue(i)
    for threshold in (100, 300):
        assert _wait(lambda t=threshold: len(provider.deliveries) >= t, 120)
        _kill_hard(sms_worker)
        sms_worker.start()
    assert _wait(_sent(total), 240, sweep=True)
    _assert_each_arrived_once(provider, range(total))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def dedicated_broker(monkeypatch) -> Iterator[RedisServer]:
    server = RedisServer(_free_port())
    server.start()
    previous = celery_app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    _use_broker(server.url)
    try:
        yield server
    finally:
        server.kill()
        _use_broker(previous)


def test_broker_restarted_mid_run_loses_nothing(
    transactional_db, sms_settings, dedicated_broker, monkeypatch, provider
):
    worker = _start_worker(monkeypatch, provider)
    try:
        total = 200
        with transaction.atomic():
            for i in range(total):
                _enqueue(i)
        assert _wait(lambda: len(provider.deliveries) >= 40, 120)
        dedicated_broker.kill()  # the queue, with its pending tasks, is gone
        lost_at = len(provider.deliveries)
        dedicated_broker.start()

        def all_sent_under_a_supervisor() -> bool:
            # As systemd's Restart=always does in production (deploy/systemd): a worker
            # that exits because the broker vanished under an in-flight acknowledgement
            # (kombu then gives up with an "Unrecoverable error") is started again.
            if worker.process is not None and worker.process.poll() is not None:
                worker.stop()
                worker.start()
            return _sent(total)()

        assert _wait(all_sent_under_a_supervisor, 240, sweep=True)
        assert lost_at < total  # the restart did happen with work still queued
        _assert_each_arrived_once(provider, range(total))
    finally:
        worker.stop()
        _route_sms_to(None)


@pytest.fixture
def receipting_provider(live_server) -> Iterator[FakeSmsProvider]:
    server = FakeSmsProvider(
        api_key=API_KEY,
        callback_url=f"{live_server.url}/sms/callback/",
        callback_secret=RECEIPT_SECRET,
    ).start()
    yield server
    server.stop()


def test_delivery_receipts_mark_messages_delivered_and_forgeries_are_refused(
    transactional_db, sms_settings, monkeypatch, receipting_provider, live_server
):
    worker = _start_worker(monkeypatch, receipting_provider)
    try:
        with transaction.atomic():
            for i in range(5):
                _enqueue(i)
        delivered = SmsMessage.objects.filter(status=SmsStatus.DELIVERED)
        assert _wait(lambda: delivered.count() == 5, 60)
        assert {status for _, status in receipting_provider.receipts_posted} == {200}
    finally:
        worker.stop()
        _route_sms_to(None)

    target = receipting_provider.deliveries[0]
    body = json.dumps(
        {
            "message_id": target.message_id,
            "client_ref": target.client_ref,
            "status": "failed",
        }
    ).encode()
    forged = urllib.request.Request(  # noqa: S310 - the live test server
        f"{live_server.url}/sms/callback/",
        data=body,
        method="POST",
        headers={SIGNATURE_HEADER: sign_receipt(body, secret="guessed")},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()
    assert SmsMessage.objects.get(idempotency_key=target.client_ref).status == (
        SmsStatus.DELIVERED
    )
