"""The dossier API (design.md §8): every endpoint, good and bad input, and who may
see and do what (404 for what the caller may not see)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dossiers.models import Dossier, DossierEvent
from tests.dossiers.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

VIEWERS = {"owner", "clerk", "specialist", "leader", "manager"}
ALL_ROLES = (
    "owner",
    "clerk",
    "specialist",
    "leader",
    "manager",
    "stranger",
    "other_clerk",
    "other_specialist",
)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def draft_payload(procedure, agencies):
    return {
        "procedure": procedure.pk,
        "receiving_agency": agencies.centre.code,
        "applicant_name": "Phạm Văn Dũng",
        "applicant_phone": "0987 654 321",
        "applicant_national_id": "022090054321",
        "consent": True,
    }


def test_citizen_creates_a_draft_with_documents(
    citizen, draft_payload, mandatory_document
):
    payload = {
        **draft_payload,
        f"document_{mandatory_document.pk}": SimpleUploadedFile(
            "tờ khai.pdf", PDF_BYTES
        ),
    }
    response = client_for(citizen).post(
        "/api/v1/dossiers/", payload, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["code"] is None
    assert body["national_status_code"] is None
    assert body["attachments"][0]["required_document"] == mandatory_document.pk
    assert "media" not in body["attachments"][0]["download_url"]
    dossier = Dossier.objects.get()
    assert dossier.owner == citizen
    assert dossier.applicant_phone == "+84987654321"
    submit = client_for(citizen).post(
        f"/api/v1/dossiers/{dossier.pk}/transitions/submit/", {"consent": True}
    )
    assert submit.status_code == 200, submit.json()
    assert submit.json()["state"] == "submitted"
    assert submit.json()["national_status_code"] == 1


def test_clerk_intake_creates_a_received_dossier(clerk, draft_payload):
    response = client_for(clerk).post("/api/v1/dossiers/", draft_payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "received"
    assert body["state_label"] == "Đã tiếp nhận"
    assert body["national_status_code"] == 2
    assert body["appointment_at"]
    assert body["history"][0]["action"] == "intake"
    assert Dossier.objects.get().owner is None


def test_clerk_intake_can_link_the_citizen_account(clerk, citizen, draft_payload):
    citizen.national_id = draft_payload["applicant_national_id"]
    citizen.save(update_fields=["national_id"])
    response = client_for(clerk).post(
        "/api/v1/dossiers/",
        {**draft_payload, "owner_phone": citizen.phone},
        format="json",
    )
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    assert Dossier.objects.get(code=code).owner == citizen
    mine = client_for(citizen).get("/api/v1/dossiers/").json()["results"]
    assert [row["code"] for row in mine] == [code]
    unknown = client_for(clerk).post(
        "/api/v1/dossiers/",
        {**draft_payload, "owner_phone": "0911 999 888"},
        format="json",
    )
    assert unknown.status_code == 400
    assert "owner_phone" in unknown.json()
    assert Dossier.objects.count() == 1


def test_a_phone_alone_does_not_link_a_counter_dossier_to_an_account(
    clerk, stranger, draft_payload
):
    """Anyone can sign up with someone else's number: the ID number must match too."""
    response = client_for(clerk).post(
        "/api/v1/dossiers/",
        {**draft_payload, "owner_phone": stranger.phone},
        format="json",
    )
    assert response.status_code == 400
    assert "owner_phone" in response.json()
    assert not Dossier.objects.exists()


def test_staff_of_another_role_cannot_intake(specialist, draft_payload):
    response = client_for(specialist).post(
        "/api/v1/dossiers/", draft_payload, format="json"
    )
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_create_with_bad_input_gives_field_messages(citizen, draft_payload):
    response = client_for(citizen).post(
        "/api/v1/dossiers/",
        {**draft_payload, "applicant_phone": "123", "procedure": 999999},
        format="json",
    )
    assert response.status_code == 400
    assert "procedure" in response.json()
    response = client_for(citizen).post(
        "/api/v1/dossiers/", {**draft_payload, "applicant_phone": "123"}, format="json"
    )
    assert response.status_code == 400
    assert "applicant_phone" in response.json()
    response = client_for(citizen).post("/api/v1/dossiers/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"procedure", "applicant_name", "applicant_phone"}
    assert not Dossier.objects.exists()


def test_messages_are_in_vietnamese_by_default(citizen, draft_payload):
    response = client_for(citizen).post(
        "/api/v1/dossiers/", {**draft_payload, "applicant_phone": "123"}, format="json"
    )
    assert "số điện thoại di động" in response.json()["applicant_phone"][0].lower()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_permission_matrix(make_dossier, actors, role):
    dossier = make_dossier(appraising=True)
    response = client_for(actors.get(role)).get(f"/api/v1/dossiers/{dossier.code}/")
    if role in VIEWERS:
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == dossier.code
        assert body["state"] == "appraising"
        assert body["national_status_code"] == 4
        assert "history" in body
    else:
        assert response.status_code == 404


def test_detail_for_anonymous_is_refused(make_dossier):
    dossier = make_dossier(received=True)
    assert client_for().get(f"/api/v1/dossiers/{dossier.code}/").status_code in (
        401,
        403,
    )
    assert client_for().get("/api/v1/dossiers/").status_code in (401, 403)


def test_drafts_are_invisible_to_staff(make_dossier, actors):
    dossier = make_dossier()
    for role in ("clerk", "specialist", "leader", "manager", "stranger"):
        response = client_for(actors.get(role)).get(f"/api/v1/dossiers/{dossier.pk}/")
        assert response.status_code == 404, role
    assert (
        client_for(actors.owner).get(f"/api/v1/dossiers/{dossier.pk}/").status_code
        == 200
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_is_scoped(make_dossier, actors, other_citizen, role):
    mine = make_dossier(received=True)
    make_dossier(
        received=True,
        owner=other_citizen,
        receiving_agency=actors.other_clerk.memberships.get().agency,
    )
    make_dossier()  # a draft
    response = client_for(actors.get(role)).get("/api/v1/dossiers/")
    assert response.status_code == 200
    codes = {row["reference"] for row in response.json()["results"]}
    if role in VIEWERS:
        assert mine.code in codes
    else:
        assert mine.code not in codes
    if role != "owner":
        assert not any(row["state"] == "draft" for row in response.json()["results"])


def test_list_filters(make_dossier, clerk):
    received = make_dossier(received=True)
    overdue = make_dossier(appraising=True, deadline_status="overdue")
    client = client_for(clerk)
    rows = client.get("/api/v1/dossiers/?state=received").json()["results"]
    assert [row["code"] for row in rows] == [received.code]
    rows = client.get("/api/v1/dossiers/?overdue=true").json()["results"]
    assert [row["code"] for row in rows] == [overdue.code]
    rows = client.get("/api/v1/dossiers/?agency=000.00.15.H49").json()["results"]
    assert [row["code"] for row in rows] == [overdue.code]
    assert client.get("/api/v1/dossiers/?state=bogus").status_code == 400


def test_list_query_count_is_constant(
    make_dossier, clerk, django_assert_max_num_queries
):
    for _ in range(3):
        make_dossier(received=True)
    client = client_for(clerk)
    with django_assert_max_num_queries(4):
        first = client.get("/api/v1/dossiers/")
    for _ in range(10):
        make_dossier(received=True)
    with django_assert_max_num_queries(4):
        second = client.get("/api/v1/dossiers/")
    assert first.json()["count"] == 3
    assert second.json()["count"] == 13


def test_detail_query_count_does_not_grow_with_history(
    make_dossier, clerk, specialist, django_assert_max_num_queries
):
    from dossiers import services  # noqa: PLC0415

    dossier = make_dossier(received=True)
    client = client_for(clerk)
    with django_assert_max_num_queries(6):
        client.get(f"/api/v1/dossiers/{dossier.code}/")
    services.dossier_assign(dossier=dossier, actor=clerk, specialist=specialist)
    services.dossier_request_payment(dossier=dossier, actor=specialist, amount=1000)
    services.dossier_confirm_payment(dossier=dossier, actor=clerk)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/dossiers/{dossier.code}/")
    assert len(response.json()["history"]) == 3


def test_transition_endpoint_happy_path(make_dossier, clerk):
    dossier = make_dossier(submitted=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/receive/"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "received"
    assert response.json()["history"][-1]["action"] == "receive"


def test_missing_reason_gives_400_and_changes_nothing(make_dossier, clerk):
    dossier = make_dossier(submitted=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/refuse/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["reason"] == ["Cần ghi rõ lý do bằng văn bản."]
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert not DossierEvent.objects.exists()


def test_wrong_state_gives_409_with_a_message(make_dossier, clerk):
    dossier = make_dossier(ready=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/receive/", {}, format="json"
    )
    assert response.status_code == 409
    assert "Tiếp nhận" in response.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.state == "ready"
    assert not DossierEvent.objects.exists()


def test_wrong_role_gives_403(make_dossier, specialist):
    dossier = make_dossier(submitted=True)
    response = client_for(specialist).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/receive/", {}, format="json"
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_unseen_dossier_gives_404_for_transitions_and_documents(make_dossier, actors):
    dossier = make_dossier(submitted=True)
    for role in ("stranger", "other_clerk"):
        client = client_for(actors.get(role))
        assert (
            client.post(
                f"/api/v1/dossiers/{dossier.code}/transitions/receive/"
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/api/v1/dossiers/{dossier.code}/documents/",
                {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
                format="multipart",
            ).status_code
            == 404
        )
    assert (
        client_for(actors.clerk).get("/api/v1/dossiers/NO-SUCH-CODE/").status_code
        == 404
    )
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_unknown_transition_is_404(make_dossier, clerk):
    dossier = make_dossier(submitted=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/explode/"
    )
    assert response.status_code == 404


def test_request_supplement_with_items_via_api(make_dossier, clerk, mandatory_document):
    dossier = make_dossier(received=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/request_supplement/",
        {"reason": "Thiếu tờ khai", "items": [mandatory_document.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "supplement_requested"
    assert response.json()["national_status_code"] == 5
    request = dossier.supplement_requests.get()
    assert list(request.documents.all()) == [mandatory_document]


def test_request_supplement_without_items_is_400(make_dossier, clerk):
    dossier = make_dossier(received=True)
    response = client_for(clerk).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/request_supplement/",
        {"reason": "Thiếu"},
        format="json",
    )
    assert response.status_code == 400
    assert "items" in response.json()


def test_apologize_and_return_via_api(make_dossier, actors):
    dossier = make_dossier(appraising=True)
    response = client_for(actors.leader).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/apologize/",
        {"reason": "Chậm do xác minh", "new_appointment": "2099-01-05T17:00:00+07:00"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["appointment_at"].startswith("2099-01-05T17:00:00")
    bad = client_for(actors.leader).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/apologize/",
        {"reason": "x", "new_appointment": "not a date"},
        format="json",
    )
    assert bad.status_code == 400
    assert "new_appointment" in bad.json()
    ready = make_dossier(ready=True)
    response = client_for(actors.clerk).post(
        f"/api/v1/dossiers/{ready.code}/transitions/return_result/", {}, format="json"
    )
    assert response.status_code == 400
    assert "channel" in response.json()
    response = client_for(actors.clerk).post(
        f"/api/v1/dossiers/{ready.code}/transitions/return_result/",
        {"channel": "post"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["national_status_code"] == 10


def test_lookup_needs_both_code_and_phone(make_dossier):
    dossier = make_dossier(received=True, applicant_phone="+84912000111")
    client = APIClient(REMOTE_ADDR="10.1.0.1")
    response = client.get(
        "/api/v1/lookup/", {"code": dossier.code, "phone": "0912 000 111"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "code": dossier.code,
        "state": "received",
        "state_label": "Đã tiếp nhận",
        "appointment_at": response.json()["appointment_at"],
        "agency": dossier.current_agency.name,
    }
    assert "applicant_name" not in response.json()
    assert (
        client.get(
            "/api/v1/lookup/", {"code": dossier.code, "phone": "0912 000 112"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            "/api/v1/lookup/", {"code": dossier.code, "phone": "abc"}
        ).status_code
        == 404
    )
    missing = client.get("/api/v1/lookup/", {"code": dossier.code})
    assert missing.status_code == 400
    assert "phone" in missing.json()


def test_lookup_never_shows_drafts(make_dossier):
    draft = make_dossier(code="X-1", applicant_phone="+84912000222")
    client = APIClient(REMOTE_ADDR="10.1.0.2")
    assert (
        client.get(
            "/api/v1/lookup/", {"code": draft.code, "phone": "0912000222"}
        ).status_code
        == 404
    )


def test_lookup_is_throttled(make_dossier, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle  # noqa: PLC0415

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"lookup": "3/min"})
    client = APIClient(REMOTE_ADDR="10.9.9.9")
    from django.core.cache import cache  # noqa: PLC0415

    cache.delete("throttle_lookup_10.9.9.9")
    statuses = [
        client.get(
            "/api/v1/lookup/", {"code": "NOPE", "phone": "0912000333"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]


def test_openapi_schema_documents_the_dossier_endpoints(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{reference}/",
        "/api/v1/dossiers/{reference}/documents/",
        "/api/v1/dossiers/{reference}/transitions/{name}/",
        "/api/v1/lookup/",
    ):
        assert path in paths, path
    transition = paths["/api/v1/dossiers/{reference}/transitions/{name}/"]["post"]
    assert transition["requestBody"]["content"]["application/json"]["examples"]
