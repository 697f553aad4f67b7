"""A misconfigured working calendar is reported at start-up (manage.py check)."""

from __future__ import annotations

from worktime.checks import check_worktime_settings


def test_the_default_settings_pass(settings):
    assert check_worktime_settings() == []


def test_unreadable_office_hours_are_an_error(settings):
    settings.WORKTIME_OFFICE_HOURS = "7h30 đến 11h30"
    [message] = check_worktime_settings()
    assert message.id == "worktime.E001"
    assert "07:00-11:30" in message.msg


def test_a_week_without_working_days_is_an_error(settings):
    settings.WORKTIME_WEEKEND_DAYS = [0, 1, 2, 3, 4, 5, 6]
    [message] = check_worktime_settings()
    assert message.id == "worktime.E001"


def test_office_hours_that_do_not_add_up_to_a_day_are_a_warning(settings):
    settings.WORKTIME_OFFICE_HOURS = "07:30-11:30,13:30-17:00"  # 7.5 h
    [message] = check_worktime_settings()
    assert message.id == "worktime.W001"
    assert "7.5" in message.msg
