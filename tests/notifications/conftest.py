from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from notifications.gateways import LocmemGateway, LocmemSms
from tests.notifications.factories import seed_templates


@pytest.fixture(autouse=True)
def _templates(request: pytest.FixtureRequest) -> None:
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        seed_templates()


@pytest.fixture
def sms_outbox() -> Iterator[list[LocmemSms]]:
    """The locmem gateway's deliveries (one per idempotency key), emptied per test."""
    LocmemGateway.reset()
    yield LocmemGateway.outbox
    LocmemGateway.reset()


def fresh_phone() -> str:
    """A number no other test uses, so the per-number rate limit in Redis is ours."""
    return f"+8491{secrets.randbelow(10**7):07d}"
