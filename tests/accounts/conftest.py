"""Account tests hit allauth's rate limits, which count in the shared Redis cache
per IP (every test client is 127.0.0.1) and per login (factory emails repeat from
run to run). Each test gets its own cache key prefix so counts never leak between
tests, workers or runs, without flushing anybody else's keys."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(autouse=True)
def isolated_cache(settings) -> None:
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }
