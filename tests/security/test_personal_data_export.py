"""A citizen downloads everything the portal holds about them, and only that."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierAccess
from dossiers.services import Upload
from feedback.models import Rating
from notifications.models import SmsMessage
from tests.dossiers.factories import PNG_BYTES

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/du-lieu-ca-nhan/"


@pytest.fixture
def citizen_data(make_dossier, actors, citizen, other_citizen):
    mine = make_dossier(with_documents=False, applicant_phone=citizen.phone)
    attachment = services.dossier_attach_document(
        dossier=mine,
        actor=citizen,
        upload=Upload(file=io.BytesIO(PNG_BYTES), name="cccd.png"),
    )
    returned = make_dossier(returned=True)
    Rating.objects.create(
        dossier=returned,
        value="very_satisfied",
        agency=returned.current_agency,
        receiving_agency=returned.receiving_agency,
        procedure=returned.procedure,
        source="sms",
    )
    DossierAccess.objects.create(dossier=returned, user=actors.clerk, channel="api")
    theirs = make_dossier(owner=other_citizen, applicant_name="Trần Thị Bình")
    # "theirs" went to the citizen's number too (a walk-in under the same phone), but
    # a phone match is no proof of identity: only the own dossier's SMS is exported.
    for dossier, key in ((returned, "mine"), (theirs, "theirs")):
        SmsMessage.objects.create(
            phone=citizen.phone,
            body=f"Tin nhan {key}",
            event="returned",
            idempotency_key=key,
            dossier_id=dossier.pk,
            dossier_code=dossier.code or "",
            queued_at=timezone.now(),
            next_attempt_at=timezone.now(),
        )
    return mine, attachment, returned, theirs


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_zip_holds_profile_dossiers_files_and_messages(client, citizen, citizen_data):
    mine, _attachment, returned, _ = citizen_data
    client.force_login(citizen)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["phone"] == citizen.phone
    assert data["profile"]["national_id"] == citizen.national_id
    assert {d["id"] for d in data["dossiers"]} == {mine.pk, returned.pk}
    assert "Trần Thị Bình" not in json.dumps(data, ensure_ascii=False)
    entry = next(d for d in data["dossiers"] if d["id"] == mine.pk)
    (meta,) = entry["attachments"]
    assert meta["name"] == "cccd.png"
    assert archive.read(meta["file_in_archive"]) == PNG_BYTES
    done = next(d for d in data["dossiers"] if d["id"] == returned.pk)
    assert done["staff_access_log"][0]["channel"] == "api"
    assert [r["value"] for r in data["ratings"]] == ["very_satisfied"]
    assert [m["body"] for m in data["sms_messages"]] == ["Tin nhan mine"]


def test_json_format(client, citizen, citizen_data):
    client.force_login(citizen)
    response = client.get(URL, {"format": "json"})
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) >= {"profile", "dossiers", "ratings", "feedback", "sms_messages"}


def test_another_citizen_gets_only_their_own(client, other_citizen, citizen_data):
    client.force_login(other_citizen)
    data = json.loads(client.get(URL, {"format": "json"}).content)
    assert [d["id"] for d in data["dossiers"]] == [citizen_data[3].pk]
    # Only the message about their own dossier, though it went to another number.
    assert [m["body"] for m in data["sms_messages"]] == ["Tin nhan theirs"]
