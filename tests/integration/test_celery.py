import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import transaction

from accounts.tasks import record_request_id_probe, record_worker_probe
from portal.observability import reset_request_id, set_request_id
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for_key(client: redis.Redis, key: str, seconds: float) -> bytes | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = client.get(key)
        if value is not None:
            return value
        time.sleep(0.05)
    return None


def test_task_runs_in_a_real_worker_after_commit_and_sees_the_row(celery_worker):
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"probe:{uuid.uuid4()}"
    with transaction.atomic():
        user = UserFactory(email="probe@example.vn")
        record_worker_probe.delay_on_commit(user_id=user.pk, key=key)
        time.sleep(0.3)  # the worker would be idle here: nothing was sent yet
        assert client.get(key) is None
    assert _wait_for_key(client, key, 20) == b"probe@example.vn"


def test_task_is_not_run_when_the_transaction_rolls_back(celery_worker):
    client = redis.Redis.from_url(settings.REDIS_URL)
    rolled_back, committed = f"probe:{uuid.uuid4()}", f"probe:{uuid.uuid4()}"

    class RollbackError(Exception):
        pass

    def enqueue_then_fail() -> None:
        with transaction.atomic():
            user = UserFactory(email="ghost@example.vn")
            record_worker_probe.delay_on_commit(user_id=user.pk, key=rolled_back)
            raise RollbackError

    with pytest.raises(RollbackError):
        enqueue_then_fail()
    # A later committed task proves the worker is consuming; the rolled-back one
    # was never sent.
    survivor = UserFactory(email="real@example.vn")
    record_worker_probe.delay(user_id=survivor.pk, key=committed)
    assert _wait_for_key(client, committed, 20) == b"real@example.vn"
    assert client.get(rolled_back) is None


def test_request_id_travels_from_the_web_process_into_the_task(celery_worker):
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"probe:{uuid.uuid4()}"
    token = set_request_id("web-req-42abcdef")
    try:
        record_request_id_probe.delay(key=key)
    finally:
        reset_request_id(token)
    assert _wait_for_key(client, key, 20) == b"web-req-42abcdef"
