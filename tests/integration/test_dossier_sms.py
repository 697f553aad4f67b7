"""A dossier received through the workflow reaches the citizen's phone once, through a
real Celery worker and the local stand-in for the SMS provider."""

# ruff: noqa: F811 - pytest fixtures imported from sibling modules are parameters here
from __future__ import annotations

import time

import pytest
from django.utils import timezone

from dossiers.services import dossier_receive
from notifications.constants import SmsStatus
from notifications.models import SmsMessage
from tests.dossiers.conftest import actors, procedure  # noqa: F401 - fixtures
from tests.dossiers.factories import DossierFactory
from tests.integration.test_sms_pipeline import (  # noqa: F401 - fixtures
    _sent,
    _wait,
    provider,
    sms_settings,
    sms_worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_received_dossier_reaches_the_provider_once_with_its_appointment(
    sms_worker,
    provider,
    procedure,
    actors,
):
    submitted = DossierFactory(
        procedure=procedure, submitted=True, applicant_phone="+84987001122"
    )
    dossier = dossier_receive(dossier=submitted, actor=actors.clerk)
    assert _wait(_sent(1), 30)
    time.sleep(0.5)  # room for a duplicate to show up, if there were one
    [request] = provider.requests
    appointment = timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y %H:%M")
    assert request["to"] == "+84987001122"
    assert request["text"] == (
        f"Ho so {dossier.code} da duoc tiep nhan. Ngay hen tra: {appointment}"
    )
    message = SmsMessage.objects.get(dossier_id=dossier.pk)
    assert message.status == SmsStatus.SENT
    assert message.attempts == 1
