"""Several processes at once: two gunicorn web processes and two Celery workers over
one PostgreSQL and one Redis, as on several hosts.

Citizens create and submit dossiers (with a PDF) and clerks receive them through the
API over real sockets, alternating the two web processes from a thread pool. Then:
every dossier code is unique and consecutive per agency and day, every transition has
its audit row, and every SMS reached the provider's handsets exactly once.
"""

# ruff: noqa: F811 - pytest fixtures imported from sibling modules are parameters here
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from accounts.models import Membership
from dossiers.models import Attachment, Dossier, DossierEvent, DossierState
from notifications.constants import SmsStatus
from notifications.models import SmsMessage
from portal.celery import app as celery_app
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.dossiers.conftest import procedure  # noqa: F401 - fixture
from tests.dossiers.factories import PDF_BYTES
from tests.integration.sms_provider import FakeSmsProvider
from tests.notifications.factories import seed_templates
from tests.pg_replica import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS = 120  # 120 submissions and 240 transitions over HTTP: "a few hundred"
CITIZENS = 20
API_KEY = "scale-out-key"


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Processes:
    """The web and worker processes of the test, with their logs."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.running: list[tuple[subprocess.Popen[bytes], Any]] = []

    def _spawn(self, name: str, argv: list[str], **extra: str) -> Path:
        path = self.logs / f"{name}.log"
        log = path.open("wb")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append((process, log))
        return path

    def web(self, name: str, port: int) -> Path:
        return self._spawn(
            name,
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
        )

    def worker(self, name: str, queues: str) -> Path:
        return self._spawn(
            name,
            [
                *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
                *("-Q", queues, "-c", "2", "-n", f"{name}@%h"),
                *("--without-gossip", "--without-mingle", "-l", "info"),
            ],
        )

    def stop(self) -> None:
        for process, _log in self.running:
            if process.poll() is None:
                process.terminate()
        for process, log in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _wait_workers(names: list[str], timeout: float = 60) -> None:
    host = os.uname()[1]
    wanted = {f"{name}@{host}" for name in names}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(destination=sorted(wanted), timeout=0.5)
        if {name for reply in replies for name in reply} >= wanted:
            return
    raise RuntimeError(f"workers {sorted(wanted)} did not answer within {timeout} s")


def _multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _call(
    port: int, token: str, path: str, *, body: bytes = b"{}", content_type: str = ""
) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": content_type or "application/json",
            "Accept-Language": "vi",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as error:
        detail = error.read().decode()
        error.close()
        raise AssertionError(
            f"POST {path} on :{port} → {error.code} {detail}"
        ) from error


@pytest.fixture
def provider() -> Iterator[FakeSmsProvider]:
    server = FakeSmsProvider(api_key=API_KEY).start()
    yield server
    server.stop()


@pytest.fixture
def cluster(provider, tmp_path) -> Iterator[tuple[list[int], Path]]:
    suffix = uuid.uuid4().hex[:8]
    sms_queue, default_queue = f"test-sms-{suffix}", f"test-default-{suffix}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DATABASE_URL": _database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_KEY_PREFIX": f"test-{suffix}",
        "CELERY_DEFAULT_QUEUE": default_queue,
        "SMS_QUEUE": sms_queue,
        "SMS_TEST_BACKEND": "notifications.gateways.HttpJsonGateway",
        "SMS_HTTP_URL": provider.url,
        "SMS_HTTP_API_KEY": API_KEY,
        # Staff sign in with a second factor in the browser; API tokens are the test's.
        "STAFF_MFA_REQUIRED": "false",
        "LOG_LEVEL": "WARNING",
        "C_FORCE_ROOT": "1",
    }
    logs = ROOT / "test-output" / f"scale-out-{suffix}"
    logs.mkdir(parents=True, exist_ok=True)
    processes = Processes(env, logs)
    ports = [free_port(), free_port()]
    try:
        for index, port in enumerate(ports, start=1):
            processes.web(f"web{index}", port)
        for index in (1, 2):
            processes.worker(f"worker{index}", f"{sms_queue},{default_queue}")
        for port in ports:
            _wait_http(f"http://127.0.0.1:{port}/healthz")
        _wait_workers(["worker1", "worker2"])
        yield ports, logs
    finally:
        processes.stop()


def test_two_web_processes_and_two_workers_over_one_database(
    cluster, provider, procedure, agencies
):
    seed_templates()
    document = procedure.required_documents.get(mandatory=True)
    citizens = [
        Token.objects.create(user=UserFactory(phone=f"+8491800{i:04d}")).key
        for i in range(CITIZENS)
    ]
    clerks = [
        Token.objects.create(
            user=MembershipFactory(
                agency=agencies.centre, role=Membership.Role.CLERK
            ).user
        ).key
        for _ in range(2)
    ]
    ports, logs = cluster

    def one(i: int) -> str:
        here, there = ports[i % 2], ports[(i + 1) % 2]
        body, content_type = _multipart(
            {
                "procedure": str(procedure.pk),
                "receiving_agency": agencies.centre.code,
                "applicant_name": f"Nguyễn Văn {i}",
                "applicant_phone": f"+8497{i:07d}",
            },
            {f"document_{document.pk}": (f"to-khai-{i}.pdf", PDF_BYTES)},
        )
        citizen = citizens[i % CITIZENS]
        draft = _call(here, citizen, "dossiers/", body=body, content_type=content_type)
        submitted = _call(
            there,
            citizen,
            f"dossiers/{draft['reference']}/transitions/submit/",
            body=b'{"consent": true}',
        )
        code: str = submitted["code"]
        received = _call(here, clerks[i % 2], f"dossiers/{code}/transitions/receive/")
        assert received["state"] == DossierState.RECEIVED
        return code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(one, range(DOSSIERS)))

    # Codes: unique, and consecutive from 1 per receiving agency and day.
    assert len(set(codes)) == DOSSIERS
    numbers: dict[str, list[int]] = defaultdict(list)
    for code in codes:
        prefix, number = code.rsplit("-", 1)
        numbers[prefix].append(int(number))
    for prefix, seen in numbers.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)), prefix
    dossiers = Dossier.objects.filter(code__in=codes)
    assert dossiers.filter(state=DossierState.RECEIVED).count() == DOSSIERS

    # Audit: one row per transition (drafts are private: their uploads are not audited).
    actions = Counter(
        DossierEvent.objects.filter(dossier__in=dossiers).values_list(
            "dossier_id", "action"
        )
    )
    assert set(actions) == {
        (dossier.pk, action) for dossier in dossiers for action in ("submit", "receive")
    }
    assert set(actions.values()) == {1}
    assert Attachment.objects.filter(dossier__in=dossiers).count() == DOSSIERS

    # SMS: "sent" and "received" for each dossier, each on a handset exactly once.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if SmsMessage.objects.exclude(status=SmsStatus.SENT).count() == 0:
            break
        time.sleep(0.5)
    messages = SmsMessage.objects.filter(dossier_id__in=[d.pk for d in dossiers])
    assert messages.count() == 2 * DOSSIERS
    assert not SmsMessage.objects.exclude(status=SmsStatus.SENT).exists()
    time.sleep(0.5)  # room for a duplicate to show up, if there were one
    handsets = provider.handsets()
    assert len(handsets) == 2 * DOSSIERS
    assert set(handsets.values()) == {1}
    phones = Counter(to for to, _text in handsets)
    assert set(phones.values()) == {2}
    assert len(phones) == DOSSIERS

    # Both web processes served requests and both workers sent messages.
    for name in ("web1", "web2"):
        assert (logs / f"{name}.log").read_text().count("/api/v1/dossiers/") > 0, name
    for name in ("worker1", "worker2"):
        assert "succeeded" in (logs / f"{name}.log").read_text(), name
