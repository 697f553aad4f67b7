"""The feedback demo step: items in several states through the services, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from feedback import demo, selectors
from feedback.models import Feedback, FeedbackEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_feedback_once_and_publishes_one(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Feedback.objects.count() == 3
    assert set(Feedback.objects.values_list("state", flat=True)) == {
        "received",
        "in_progress",
        "answered",
    }
    assert FeedbackEvent.objects.filter(action="publish").count() == 1
    call_command("seed_demo")
    assert Feedback.objects.count() == 3
    page = client.get(reverse("feedback:feedback_public"))
    assert "Niêm yết thủ tục đăng ký thành lập doanh nghiệp" in page.text
    assert "Thời gian chờ tại quầy" not in page.text


def test_demo_feedback_goes_to_the_main_specialists_department(settings):
    """The items name the department of chuyenvien@ and lanhdao@: its leader sees
    them all, the specialist the ones given to them."""
    settings.DEBUG = True
    call_command("seed_demo")
    specialist = User.objects.get(email=demo.SPECIALIST_EMAIL)
    leader = User.objects.get(email="lanhdao@demo.quangninh.vn")
    departments = set(specialist.memberships.values_list("agency__code", flat=True))
    assert departments == {demo.AGENCY}
    assert set(Feedback.objects.values_list("agency__code", flat=True)) == {demo.AGENCY}
    assert selectors.feedback_for_staff(user=leader).count() == len(demo.ITEMS)
    mine = selectors.feedback_for_staff(user=specialist)
    assert mine.exists()
    assert set(mine.values_list("assigned_to", flat=True)) == {specialist.pk}
