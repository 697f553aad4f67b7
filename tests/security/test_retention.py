"""purge_expired_data: per-procedure retention after the dossier ended, anonymising
applicant fields and SMS rows, deleting files, keeping the skeleton and events."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dossiers import services
from dossiers.documents import private_storage
from dossiers.models import Attachment, Dossier, DossierEvent
from dossiers.services import Upload
from notifications.models import SmsMessage
from privacy.retention import ANONYMISED_NAME
from tests.dossiers.factories import PDF_BYTES, DossierFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def _purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_expired_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ended(make_dossier, actors, procedure, agencies):
    """A dossier returned on START with a stored file, an event and an SMS row; one
    of a procedure kept 10 years; one still in progress."""
    with time_machine.travel(START, tick=False):
        dossier = make_dossier(
            received=True,
            applicant_phone="+84987654321",
            applicant_national_id="022090054321",
            submitter_phone="+84911222333",
            summary="Nhà ông Phạm Văn Dũng",
        )
        stored = services.dossier_attach_document(
            dossier=dossier,
            actor=actors.clerk,
            upload=Upload(file=io.BytesIO(PDF_BYTES), name="cccd-pham-van-dung.pdf"),
        )
        Dossier.objects.filter(pk=dossier.pk).update(
            state="returned", returned_at=timezone.now(), finished_at=timezone.now()
        )
        SmsMessage.objects.create(
            phone="+84987654321",
            body="Ho so cua ong Dung da tra ket qua",
            event="returned",
            dossier_id=dossier.pk,
            dossier_code=dossier.code,
            idempotency_key="k-1",
            queued_at=timezone.now(),
            next_attempt_at=timezone.now(),
        )
        long_kept = DossierFactory(
            procedure=ProcedureFactory(
                competent_agency=agencies.justice,
                receiving_agencies=[agencies.centre],
                retention_years=10,
            ),
            returned=True,
        )
        running = make_dossier(appraising=True)
    dossier.stored_attachment_id = stored.pk
    return dossier, long_kept, running


def test_nothing_is_purged_before_the_period_ends(ended):
    with time_machine.travel(START + dt.timedelta(days=5 * 365 - 2)):
        assert "dossiers=0" in _purge()
    assert Dossier.objects.get(pk=ended[0].pk).anonymised_at is None


def test_expired_dossiers_are_anonymised_and_their_files_deleted(ended, settings):
    dossier, long_kept, running = ended
    attachment = Attachment.objects.get(pk=dossier.stored_attachment_id)
    assert private_storage().exists(attachment.storage_name)
    events_before = list(DossierEvent.objects.filter(dossier=dossier).values())
    with time_machine.travel(START + dt.timedelta(days=5 * 366)):
        dry = _purge("--dry-run")
        assert "would anonymise: dossiers=1 files=1 sms=1" in dry
        assert Dossier.objects.get(pk=dossier.pk).anonymised_at is None
        assert private_storage().exists(attachment.storage_name)
        assert "anonymised: dossiers=1 files=1 sms=1" in _purge()
        assert "dossiers=0 files=0 sms=0" in _purge()  # idempotent
    dossier.refresh_from_db()
    assert dossier.anonymised_at is not None
    assert dossier.code
    assert dossier.state == "returned"
    assert dossier.applicant_name == ANONYMISED_NAME
    assert dossier.owner is None
    for value in (
        dossier.applicant_phone,
        dossier.applicant_national_id,
        dossier.submitter_phone,
        dossier.summary,
    ):
        assert value == ""
    assert not private_storage().exists(attachment.storage_name)
    attachment.refresh_from_db()
    assert "dung" not in attachment.original_name
    sms = SmsMessage.objects.get(dossier_id=dossier.pk)
    assert (sms.phone, sms.body) == ("", "")
    assert list(DossierEvent.objects.filter(dossier=dossier).values()) == events_before
    for event in events_before:  # events never carried the file name
        assert "dung" not in event["reason"].lower()
    assert Dossier.objects.get(pk=long_kept.pk).anonymised_at is None
    assert Dossier.objects.get(pk=running.pk).anonymised_at is None


def test_procedure_retention_overrides_the_default(ended):
    _, long_kept, _ = ended
    with time_machine.travel(START + dt.timedelta(days=10 * 366)):
        _purge()
    assert Dossier.objects.get(pk=long_kept.pk).anonymised_at is not None


def test_the_download_of_a_purged_file_is_a_clear_404(ended, actors):
    from rest_framework.test import APIClient  # noqa: PLC0415

    dossier = ended[0]
    attachment = Attachment.objects.get(pk=dossier.stored_attachment_id)
    with time_machine.travel(START + dt.timedelta(days=5 * 366)):
        _purge()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_authenticate(actors.clerk)
    response = client.get(f"/api/v1/dossiers/{dossier.code}/documents/{attachment.pk}/")
    assert response.status_code == 404
