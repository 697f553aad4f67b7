"""The feedback demo step: items in several states through the services, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

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
    assert "Niêm yết thủ tục cấp phiếu lý lịch tư pháp" in page.text
    assert "Thời gian chờ tại quầy" not in page.text
