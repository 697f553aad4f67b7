"""Personal data on dossiers: numbers masked for staff who do not handle the dossier,
consent recorded with each submission, and the staff access log shown to the owner."""

from __future__ import annotations

import io
import logging

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from dossiers import services
from dossiers.data_protection import CONSENT_VERSION, record_dossier_access
from dossiers.exceptions import DossierValidationError
from dossiers.models import Consent, Dossier, DossierAccess
from dossiers.presenters import applicant_view, mask_national_id, mask_phone
from dossiers.services import Applicant
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PHONE = "+84987654321"
NATIONAL_ID = "022090054321"


def client_for(user, ip: str = "10.2.3.4") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="vi")
    client.force_authenticate(user)
    return client


@pytest.fixture
def dossier(make_dossier, actors):
    return make_dossier(
        appraising=True,
        assigned_specialist=actors.specialist,
        applicant_phone=PHONE,
        applicant_national_id=NATIONAL_ID,
        applicant_email="an.nguyen@example.vn",
        submitter_phone="+84911222333",
    )


def test_masks_keep_only_a_prefix_and_the_last_digits():
    assert mask_phone(PHONE) == "+8498*****21"
    assert mask_phone("0987654321") == "098*****21"
    assert mask_national_id(NATIONAL_ID) == "022*******21"


@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("owner", True),
        ("clerk", True),
        ("specialist", True),  # the assigned one
        ("leader", True),
        ("manager", False),
        ("colleague", False),  # a specialist of the same agency, not assigned
    ],
)
def test_detail_shows_numbers_in_full_only_to_those_handling_it(
    dossier, actors, agencies, role, full
):
    user = (
        MembershipFactory(agency=agencies.justice, role=Membership.Role.SPECIALIST).user
        if role == "colleague"
        else actors.get(role)
    )
    body = client_for(user).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert body["personal_data_masked"] is (not full)
    if full:
        assert body["applicant_phone"] == PHONE
        assert body["applicant_national_id"] == NATIONAL_ID
        assert body["applicant_email"] == "an.nguyen@example.vn"
    else:
        assert body["applicant_phone"] == mask_phone(PHONE)
        assert body["applicant_national_id"] == mask_national_id(NATIONAL_ID)
        assert body["applicant_email"] == "a***@example.vn"
        assert PHONE not in str(body)
        assert NATIONAL_ID not in str(body)


def test_presenter_masks_the_submitter_too(dossier, actors):
    view = applicant_view(dossier, actors.manager)
    assert view.masked
    assert view.submitter_phone == mask_phone("+84911222333")
    assert applicant_view(dossier, actors.clerk).submitter_phone == "+84911222333"


def _submit(client, dossier, **body):
    return client.post(
        f"/api/v1/dossiers/{dossier.pk}/transitions/submit/", body, format="json"
    )


def test_submit_without_consent_is_refused_in_vietnamese(make_dossier, actors):
    draft = make_dossier(with_documents=True)
    response = _submit(client_for(actors.owner), draft)
    assert response.status_code == 400
    assert "đồng ý" in response.json()["consent"][0]
    draft.refresh_from_db()
    assert draft.state == Dossier.State.DRAFT
    assert not Consent.objects.exists()


def test_submit_with_consent_records_it(make_dossier, actors):
    draft = make_dossier(with_documents=True)
    response = _submit(client_for(actors.owner, ip="192.0.2.7"), draft, consent=True)
    assert response.status_code == 200, response.json()
    consent = Consent.objects.get(dossier=draft)
    assert consent.user == actors.owner
    assert not consent.on_behalf
    assert consent.purpose_version == CONSENT_VERSION
    assert "91/2025" in consent.purpose_text
    assert "dữ liệu cá nhân" in consent.purpose_text
    assert consent.ip == "192.0.2.7"


def test_intake_needs_the_clerk_to_confirm_consent(procedure, agencies, actors):
    payload = {
        "procedure": procedure.pk,
        "receiving_agency": agencies.centre.code,
        "applicant_name": "Phạm Văn Dũng",
        "applicant_phone": "0987 654 321",
    }
    client = client_for(actors.clerk)
    refused = client.post("/api/v1/dossiers/", payload, format="json")
    assert refused.status_code == 400
    assert "consent" in refused.json()
    assert not Dossier.objects.exists()
    accepted = client.post(
        "/api/v1/dossiers/", {**payload, "consent": True}, format="json"
    )
    assert accepted.status_code == 201
    consent = Consent.objects.get()
    assert consent.on_behalf
    assert consent.user == actors.clerk


def test_intake_service_refuses_without_consent(procedure, agencies, actors):
    with pytest.raises(DossierValidationError) as error:
        services.dossier_intake(
            actor=actors.clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=Applicant(name="Phạm Văn Dũng", phone="0987654321"),
        )
    assert "consent" in error.value.errors
    assert not Dossier.objects.exists()


def test_staff_opening_a_dossier_is_logged_and_shown_to_the_owner(dossier, actors):
    assert (
        client_for(actors.clerk, ip="10.0.0.9")
        .get(f"/api/v1/dossiers/{dossier.code}/")
        .status_code
        == 200
    )
    client_for(actors.manager).get(f"/api/v1/dossiers/{dossier.code}/")
    access = DossierAccess.objects.filter(dossier=dossier).order_by("at").first()
    assert (access.user, access.channel, access.ip) == (actors.clerk, "api", "10.0.0.9")
    owner_view = client_for(actors.owner).get(f"/api/v1/dossiers/{dossier.code}/")
    log = owner_view.json()["access_log"]
    assert [entry["staff"] for entry in log] == [
        actors.manager.full_name,
        actors.clerk.full_name,
    ]
    assert log[1]["agency"] == "Trung tâm PVHCC"
    assert (
        DossierAccess.objects.filter(dossier=dossier).count() == 2
    )  # owner not logged
    staff_view = client_for(actors.clerk).get(f"/api/v1/dossiers/{dossier.code}/")
    assert staff_view.json()["access_log"] is None


def test_unseen_dossier_is_not_logged(dossier, actors):
    response = client_for(actors.stranger).get(f"/api/v1/dossiers/{dossier.code}/")
    assert response.status_code == 404
    assert not DossierAccess.objects.exists()


def test_record_dossier_access_helper_for_html_views(dossier, actors):
    assert (
        record_dossier_access(dossier=dossier, user=actors.owner, channel="web") is None
    )
    entry = record_dossier_access(
        dossier=dossier, user=actors.leader, channel="web", ip="10.1.1.1"
    )
    assert entry is not None
    assert entry.channel == "web"


@pytest.fixture
def log_output():
    """What the configured console handler (with its masking filter) writes."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler) and handler.filters
    ]
    assert handlers, "the console handler of settings.LOGGING is missing"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


def test_logs_written_during_representative_flows_hold_no_full_numbers(
    make_dossier, actors, agencies, procedure, log_output
):
    """Runs intake, submit, lookups and refusals, then scans what the real log
    handler wrote: no full phone or ID number may appear, masked forms do."""
    client = client_for(actors.clerk)
    client.post(
        "/api/v1/dossiers/",
        {
            "procedure": procedure.pk,
            "receiving_agency": agencies.centre.code,
            "applicant_name": "Lê Thị Hoa",
            "applicant_phone": "0987654321",
            "applicant_national_id": NATIONAL_ID,
            "consent": True,
        },
        format="json",
    )
    draft = make_dossier(with_documents=True, applicant_phone=PHONE)
    _submit(client_for(actors.owner), draft)  # refused: no consent (400 logged)
    APIClient().get("/api/v1/lookup/", {"code": "X-1", "phone": "0987654321"})
    logging.getLogger("dossiers").warning(
        "applicant %s with ID %s called from 0987654321", PHONE, NATIONAL_ID
    )
    output = log_output.getvalue()
    assert "called from" in output  # the handler really wrote
    for full in (PHONE, "0987654321", "84987654321", NATIONAL_ID):
        assert full not in output


def test_citizen_dossier_page_lists_the_staff_who_opened_it(client, dossier, actors):
    from django.urls import reverse  # noqa: PLC0415

    client.force_login(actors.leader)
    assert (
        client.get(reverse("dossiers:staff-dossier", args=[dossier.code])).status_code
        == 200
    )
    access = DossierAccess.objects.get(dossier=dossier)
    assert (access.user, access.channel) == (actors.leader, "web")
    client.force_login(actors.owner)
    url = reverse("dossiers:my-dossier", args=[dossier.code])
    html = client.get(url).content.decode()
    assert "Cán bộ đã mở hồ sơ của bạn" in html
    assert actors.leader.full_name in html
    assert DossierAccess.objects.filter(dossier=dossier).count() == 1


def test_staff_page_masks_numbers_for_a_manager(client, dossier, actors):
    from django.urls import reverse  # noqa: PLC0415

    url = reverse("dossiers:staff-dossier", args=[dossier.code])
    client.force_login(actors.manager)
    html = client.get(url).content.decode()
    assert PHONE not in html
    assert NATIONAL_ID not in html
    assert mask_phone(PHONE) in html
    client.force_login(actors.clerk)
    assert PHONE in client.get(url).content.decode()
