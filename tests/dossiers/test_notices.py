"""The workflow writes the citizen's SMS to the outbox in the transition's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.services import (
    dossier_apologize,
    dossier_receive,
    dossier_return_result,
)
from notifications.models import SmsMessage, SmsTemplate
from tests.dossiers.factories import DossierFactory
from tests.notifications.factories import seed_templates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _templates():
    seed_templates()


def test_receipt_queues_one_sms_with_the_code_and_the_appointment(procedure, actors):
    submitted = DossierFactory(
        procedure=procedure, submitted=True, applicant_phone="+84912345678"
    )
    dossier = dossier_receive(dossier=submitted, actor=actors.clerk)
    [message] = SmsMessage.objects.filter(dossier_id=dossier.pk)
    appointment = timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y %H:%M")
    assert message.event == "received"
    assert message.phone == "+84912345678"
    assert message.dossier_code == dossier.code
    assert dossier.code in message.body
    assert appointment in message.body
    assert message.body.isascii()  # unaccented by default (GSM-7)


def test_a_rolled_back_transition_leaves_no_sms(procedure, actors):
    dossier = DossierFactory(procedure=procedure, submitted=True)

    class AbortError(Exception):
        pass

    def receive_then_fail() -> None:
        with transaction.atomic():
            dossier_receive(dossier=dossier, actor=actors.clerk)
            raise AbortError

    with pytest.raises(AbortError):
        receive_then_fail()
    assert not SmsMessage.objects.filter(dossier_id=dossier.pk).exists()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_template_switched_off_for_the_channel_sends_nothing(procedure, actors):
    SmsTemplate.objects.filter(event="received").update(online=False)
    dossier = DossierFactory(
        procedure=procedure, submitted=True, channel=Dossier.Channel.ONLINE
    )
    dossier_receive(dossier=dossier, actor=actors.clerk)
    assert not SmsMessage.objects.filter(dossier_id=dossier.pk).exists()


def test_return_sms_carries_a_working_rating_link(procedure, actors, client):
    dossier = DossierFactory(procedure=procedure, ready=True)
    dossier_return_result(dossier=dossier, actor=actors.clerk, channel="counter")
    [message] = SmsMessage.objects.filter(dossier_id=dossier.pk, event="returned")
    link = next(word for word in message.body.split() if "/dg/" in word)
    path = link[link.index("/dg/") :]
    response = client.get(path)
    assert response.status_code == 200


def test_apology_sms_announces_the_new_date_and_each_apology_gets_its_own(
    procedure, actors
):
    dossier = DossierFactory(procedure=procedure, appraising=True)
    first = timezone.localtime(dossier.appointment_at) + dt.timedelta(days=7)
    second = first + dt.timedelta(days=7)
    for new in (first, second):
        dossier_apologize(
            dossier=dossier,
            actor=actors.specialist,
            reason="Chờ xác minh",
            new_appointment=new,
        )
    messages = list(
        SmsMessage.objects.filter(dossier_id=dossier.pk, event="apology").order_by("id")
    )
    assert len(messages) == 2
    assert first.strftime("%d/%m/%Y") in messages[0].body
    assert second.strftime("%d/%m/%Y") in messages[1].body
