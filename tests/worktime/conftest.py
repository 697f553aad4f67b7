from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from worktime.calendar import WorkCalendar, clear_calendar_cache

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock moment in Vietnam."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _fresh_process_calendar(settings) -> Iterator[None]:
    # Test transactions roll back override rows without bumping the version, so
    # the process-wide calendar must not outlive a test; and parallel test workers
    # share one Redis, so each test gets its own version key.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def calendar() -> WorkCalendar:
    """The default calendar: 07:00-11:30, 13:30-17:00, Sat/Sun off, holidays.Vietnam."""
    return WorkCalendar()
