"""The answer to a "not satisfied" rating reaches the citizen's handset: a real
Celery worker, Redis, PostgreSQL and the local HTTP provider."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from feedback.models import FollowUp
from feedback.services import (
    RatingAnswers,
    follow_up_answer,
    rating_invitation_create,
    rating_submit_with_token,
)
from notifications.models import SmsTemplate
from tests.dossiers.factories import DossierFactory, ProcedureFactory
from tests.integration.test_sms_pipeline import (  # noqa: F401  (fixtures)
    _sent,
    _wait,
    provider,
    sms_settings,
    sms_worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ANSWERED_BODY = __import__(
    "notifications.migrations.0003_feedback_answered_event", fromlist=["BODY"]
).BODY


def test_manager_answer_arrives_once_with_a_working_link(
    sms_worker,  # noqa: F811
    provider,  # noqa: F811
    agencies,
    manager,
    settings,
):
    settings.PORTAL_BASE_URL = "https://dvc.example.vn"
    SmsTemplate.objects.update_or_create(
        event="feedback_answered", defaults={"body": ANSWERED_BODY}
    )
    procedure = ProcedureFactory(
        competent_agency=agencies.justice, receiving_agencies=[agencies.centre]
    )
    dossier = DossierFactory(
        procedure=procedure, returned=True, applicant_phone="+84912000777"
    )
    _invitation, token = rating_invitation_create(dossier=dossier)
    rating_submit_with_token(
        token=token, answers=RatingAnswers(value="dissatisfied", reason="Chờ lâu")
    )
    follow_up = FollowUp.objects.get(rating__dossier=dossier)

    follow_up_answer(follow_up=follow_up, actor=manager, answer="Đã chấn chỉnh.")

    assert _wait(_sent(1), 20)
    time.sleep(0.5)  # room for a duplicate to show up, if there were one
    [request] = provider.requests
    assert request["to"] == "+84912000777"
    assert request["text"].startswith(f"Da co tra loi cho y kien {dossier.code}")
    link = re.search(r"https://dvc\.example\.vn(/dg/tl/\S+)", request["text"])
    assert link is not None
    assert "Đã chấn chỉnh." in Client().get(link.group(1)).text
