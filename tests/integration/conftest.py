"""A real Celery worker process against the real Redis and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from django.conf import settings
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.process: subprocess.Popen[bytes] | None = None
        self.log: BinaryIO | None = None
        self.log_path = ROOT / "test-output" / f"celery-{queue}.log"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.test_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_DEFAULT_QUEUE": self.queue,
            "C_FORCE_ROOT": "1",
        }
        self.log = log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                self.queue,
                "-c",
                "2",
                "-n",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                replies = celery_app.control.ping(
                    destination=[f"{self.queue}@{os.uname()[1]}"], timeout=0.5
                )
            except (RedisError, OperationalError, OSError):
                # A pooled connection to a broker that was restarted is closed by
                # the server on first use; the next ping opens a fresh one.
                replies = []
                time.sleep(0.2)
            if replies:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited; see {self.log_path}")
        raise RuntimeError(f"worker did not answer within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Worker]:
    """Start a worker on a queue of its own; tasks sent by the test go to that queue."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    worker = Worker(queue)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_default_queue = previous
