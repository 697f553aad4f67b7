"""Day overrides in the database and the process-wide calendar that reads them."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.worktime.conftest import at
from worktime.calendar import VERSION_CACHE_KEY, get_calendar
from worktime.models import DayOverride
from worktime.services import day_override_delete, day_override_set

ROOT = Path(__file__).resolve().parents[2]
BRIDGE_DAY = dt.date(2027, 2, 11)  # Thursday after Tết 2027
MAKEUP_SATURDAY = dt.date(2027, 2, 20)


@pytest.mark.django_db
def test_an_extra_day_off_added_through_the_service_moves_appointments(
    django_capture_on_commit_callbacks,
):
    assert get_calendar().add_working_days(at(2027, 2, 3, 9), Decimal(1)) == at(
        2027, 2, 11, 9
    )
    with django_capture_on_commit_callbacks(execute=True):
        day_override_set(
            date=BRIDGE_DAY,
            kind=DayOverride.Kind.DAY_OFF,
            name="Nghỉ bù Tết",
            note="Quyết định của UBND tỉnh",
        )
    calendar = get_calendar()
    assert not calendar.is_working_day(BRIDGE_DAY)
    assert calendar.add_working_days(at(2027, 2, 3, 9), Decimal(1)) == at(
        2027, 2, 12, 9
    )


@pytest.mark.django_db
def test_a_make_up_saturday_and_its_removal(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        day_override_set(
            date=MAKEUP_SATURDAY, kind=DayOverride.Kind.WORKING_DAY, name="Làm bù"
        )
    assert get_calendar().is_working_day(MAKEUP_SATURDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert day_override_delete(date=MAKEUP_SATURDAY)
    assert not get_calendar().is_working_day(MAKEUP_SATURDAY)
    assert not day_override_delete(date=MAKEUP_SATURDAY)


@pytest.mark.django_db
def test_setting_a_day_twice_replaces_the_override(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        day_override_set(date=MAKEUP_SATURDAY, kind="working_day", name="Làm bù")
        day_override_set(date=MAKEUP_SATURDAY, kind="day_off", name="Huỷ làm bù")
    assert DayOverride.objects.get().name == "Huỷ làm bù"
    assert not get_calendar().is_working_day(MAKEUP_SATURDAY)


@pytest.mark.django_db
def test_the_calendar_is_cached_until_the_version_changes():
    first = get_calendar()
    assert get_calendar() is first
    # A row written behind the services' back is not seen ...
    DayOverride.objects.create(date=BRIDGE_DAY, kind="day_off", name="Nghỉ")
    assert get_calendar().is_working_day(BRIDGE_DAY)
    # ... until any process bumps the shared version.
    cache.set(VERSION_CACHE_KEY, "changed-elsewhere", timeout=None)
    assert not get_calendar().is_working_day(BRIDGE_DAY)


@pytest.mark.django_db
def test_a_rolled_back_change_does_not_invalidate(django_capture_on_commit_callbacks):
    first = get_calendar()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        day_override_set(date=BRIDGE_DAY, kind="day_off", name="Nghỉ")
    assert len(callbacks) == 1  # the bump waits for the commit
    assert get_calendar() is first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "field"),
    [("holiday", "Nghỉ", "kind"), ("day_off", "", "name")],
)
def test_bad_overrides_are_refused_with_field_messages(kind, name, field):
    with pytest.raises(ValidationError) as refused:
        day_override_set(date=BRIDGE_DAY, kind=kind, name=name)
    assert field in refused.value.message_dict
    assert not DayOverride.objects.exists()


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_without_the_cache_the_calendar_is_read_from_the_database(caplog):
    DayOverride.objects.create(date=BRIDGE_DAY, kind="day_off", name="Nghỉ")
    assert not get_calendar().is_working_day(BRIDGE_DAY)
    assert "Cache unreachable" in caplog.text


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_an_override_saved_by_another_process_reaches_this_one():
    calendar = get_calendar()
    assert calendar.is_working_day(BRIDGE_DAY)
    script = (
        "import django, datetime; django.setup(); "
        "from worktime.services import day_override_set; "
        "day_override_set(date=datetime.date(2027, 2, 11), kind='day_off', "
        "name='Nghỉ bù Tết')"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.test_settings",
            "DATABASE_URL": _database_url(),
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        },
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert not get_calendar().is_working_day(BRIDGE_DAY)
