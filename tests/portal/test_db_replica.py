"""Reads wrapped in use_replica() go to a real streaming replica while it is healthy,
and to the primary - without an error - when it lags or is down.

The module starts its own PostgreSQL primary and a pg_basebackup standby (throwaway
clusters on free ports), copies the test database's schema into the primary, and
drives a separate Django process whose `default` and `replica` aliases point at them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.pg_replica import ReplicatedPair

# django_db: only so that pytest-django creates the test database whose schema we copy.
pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = settings.BASE_DIR
DATABASE = "portal_replica_test"
MAX_LAG = 1.0


class Child:
    def __init__(self, pair: ReplicatedPair) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.test_settings",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": pair.primary.url(DATABASE),
            "DATABASE_REPLICA_URL": pair.standby.url(DATABASE),
            "DATABASE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
            "DATABASE_REPLICA_CHECK_SECONDS": "0.2",
            "DATABASE_REPLICA_CONNECT_TIMEOUT": "2",
            "DATABASE_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
            "METRICS_TOKEN": "replica-test-metrics-token-0123456789abcdef",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.portal.replica_child"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._read() == {"ready": True}

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the Django child process died"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def __call__(self, **command: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        assert answer.pop("ok", True), answer.get("trace")
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=20)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def pair(django_db_setup: None) -> Iterator[ReplicatedPair]:
    db = connection.settings_dict  # the test database, set up by django_db_setup
    source = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}"
    )
    pair = ReplicatedPair.create(database=DATABASE)
    try:
        pair.load_schema(source_url=source, database=DATABASE)
        yield pair
    finally:
        pair.destroy()


@pytest.fixture
def child(pair: ReplicatedPair) -> Iterator[Child]:
    process = Child(pair)
    try:
        yield process
    finally:
        process.close()


def _code() -> str:
    return f"T{uuid.uuid4().hex[:12]}"


def _until(check: Any, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    return check()


def test_reads_go_to_the_replica_and_writes_to_the_primary(child, pair):
    fresh = child(do="health", refresh=True)
    # Nothing replayed since the standby started, yet it is caught up: usable.
    assert fresh["usable"], fresh

    code = _code()
    written = child(do="create", code=code)
    assert written == {"alias": "default", "recovery": False}
    # A write inside use_replica() still goes to the primary (the standby is read-only).
    inside = child(do="create", code=_code(), inside=True)
    assert inside == {"alias": "default", "recovery": False}

    seen = _until(lambda: child(do="find", code=code)["found"])
    assert seen
    read = child(do="find", code=code)
    assert read == {"alias": "replica", "found": True, "recovery": True}
    # The public pages wrapped in use_replica() render from the replica.
    assert child(do="page", path="/phan-anh/")["status"] == 200
    assert child(do="page", path="/procedures/")["status"] == 200
    metrics = child(do="metrics")
    assert metrics["status"] == 200
    assert "portal_db_replica_usable 1.0" in metrics["replica"]


def test_a_lagging_replica_is_skipped_and_reads_see_the_new_row(child, pair):
    pair.standby.sql("SELECT pg_wal_replay_resume()")
    assert child(do="find", code=_code())["alias"] == "replica"
    pair.standby.sql("SELECT pg_wal_replay_pause()")
    try:
        code = _code()
        child(do="create", code=code)
        time.sleep(MAX_LAG + 0.5)
        health = child(do="health", refresh=True)
        assert not health["usable"]
        assert health["lag"] > MAX_LAG
        read = child(do="find", code=code)
        assert read == {"alias": "default", "found": True, "recovery": False}
        assert child(do="page", path="/phan-anh/")["status"] == 200
        # The standby indeed has not replayed the row.
        assert (
            pair.standby.sql(
                f"SELECT count(*) FROM accounts_agency WHERE code = '{code}'",  # noqa: S608
                database=DATABASE,
            )
            == "0"
        )
    finally:
        pair.standby.sql("SELECT pg_wal_replay_resume()")
    back = _until(lambda: child(do="find", code=code)["alias"] == "replica")
    assert back


def test_a_stopped_replica_is_skipped_without_an_error(child, pair):
    code = _code()
    child(do="create", code=code)
    assert _until(lambda: child(do="find", code=code)["alias"] == "replica")
    # The child holds an open connection to the replica and believes it healthy.
    pair.standby.stop()
    try:
        read = child(do="find", code=code)
        assert read == {"alias": "default", "found": True, "recovery": False}
        time.sleep(0.3)  # past the check interval: the probe now finds it down
        again = child(do="find", code=code)
        assert again == {"alias": "default", "found": True, "recovery": False}
        assert not child(do="health")["usable"]
        assert child(do="page", path="/phan-anh/")["status"] == 200
        assert child(do="page", path="/procedures/")["status"] == 200
        assert "portal_db_replica_usable 0.0" in child(do="metrics")["replica"]
    finally:
        pair.standby.start()
    assert _until(lambda: child(do="find", code=code)["alias"] == "replica")
