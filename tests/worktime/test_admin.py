"""The Vietnamese admin for extra days off and make-up working days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry

from tests.accounts.factories import UserFactory
from tests.worktime.conftest import VN
from worktime.calendar import get_calendar
from worktime.models import DayOverride

pytestmark = pytest.mark.django_db

BRIDGE_DAY = dt.date(2027, 2, 11)


@pytest.fixture
def admin_browser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_admin_adds_an_extra_day_off_and_the_calendar_follows(
    admin_browser, django_capture_on_commit_callbacks
):
    assert get_calendar().is_working_day(BRIDGE_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            "/admin/worktime/dayoverride/add/",
            {
                "date": "11/02/2027",
                "kind": "day_off",
                "name": "Nghỉ bù Tết Đinh Mùi",
                "note": "",
            },
        )
    assert response.status_code == 302, response.content.decode()
    assert DayOverride.objects.get().date == BRIDGE_DAY
    assert not get_calendar().is_working_day(BRIDGE_DAY)
    assert LogEntry.objects.filter(object_repr__contains="2027-02-11").exists()


def test_an_admin_deletes_an_override_and_the_calendar_follows(
    admin_browser, django_capture_on_commit_callbacks
):
    override = DayOverride.objects.create(date=BRIDGE_DAY, kind="day_off", name="Nghỉ")
    assert not get_calendar().is_working_day(BRIDGE_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            f"/admin/worktime/dayoverride/{override.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert get_calendar().is_working_day(BRIDGE_DAY)


def test_bulk_deleting_overrides_invalidates_the_calendar(
    admin_browser, django_capture_on_commit_callbacks
):
    saturday = dt.date(2027, 2, 20)
    rows = [
        DayOverride.objects.create(date=BRIDGE_DAY, kind="day_off", name="Nghỉ"),
        DayOverride.objects.create(date=saturday, kind="working_day", name="Làm bù"),
    ]
    assert get_calendar().is_working_day(saturday)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            "/admin/worktime/dayoverride/",
            {
                "action": "delete_selected",
                "_selected_action": [row.pk for row in rows],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert not DayOverride.objects.exists()
    assert not get_calendar().is_working_day(saturday)
    assert get_calendar().is_working_day(BRIDGE_DAY)


def test_a_second_override_for_the_same_day_is_refused_in_vietnamese(admin_browser):
    DayOverride.objects.create(date=BRIDGE_DAY, kind="day_off", name="Nghỉ")
    response = admin_browser.post(
        "/admin/worktime/dayoverride/add/",
        {"date": "11/02/2027", "kind": "working_day", "name": "Làm bù", "note": ""},
    )
    assert response.status_code == 200
    assert "đã tồn tại" in response.content.decode()
    assert DayOverride.objects.get().kind == "day_off"


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=VN), tick=False)
def test_the_list_shows_the_package_holidays_in_vietnamese(client):
    # Logged in after the clock moved, so the session has not expired.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    DayOverride.objects.create(
        date=dt.date(2027, 2, 20), kind="working_day", name="Làm bù Tết"
    )
    response = client.get("/admin/worktime/dayoverride/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ngày nghỉ lễ, Tết hệ thống đã tự động áp dụng" in content
    assert "Tết Nguyên Đán" in content  # 6 Feb 2027, next year's Tết
    assert "06/02/2027" in content
    assert "Ngày làm việc bù" in content  # 22 Aug 2026 from the package
    assert "Làm bù Tết" in content
    assert "Ngày làm việc" in content


def test_staff_without_permission_cannot_see_the_overrides(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/admin/worktime/dayoverride/")
    assert response.status_code == 403
