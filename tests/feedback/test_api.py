"""POST /api/v1/ratings/{token}/: success and every refusal, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from feedback.models import FollowUp, Rating
from feedback.services import rating_link_for
from tests.feedback.conftest import token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _url(token: str) -> str:
    return f"/api/v1/ratings/{token}/"


def test_rating_by_api_is_created(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    response = api.post(
        _url(token),
        {
            "value": "dissatisfied",
            "reason": "Phải đi lại 3 lần",
            "overall": "satisfied",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["dossier_code"] == returned.code
    assert response.json()["follow_up_due"] is not None
    rating = Rating.objects.get()
    assert rating.source == "sms"
    assert rating.overall == "satisfied"
    assert FollowUp.objects.filter(rating=rating).exists()


def test_tampered_token_is_404_in_vietnamese(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    response = api.post(_url(token[::-1]), {"value": "satisfied"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "invalid_link"
    assert "không hợp lệ" in response.json()["detail"]
    assert not Rating.objects.exists()


def test_tampered_token_in_english_when_asked(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    response = api.post(
        _url(token + "x"),
        {"value": "satisfied"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 404
    assert response.json()["detail"].startswith("This rating link is not valid")


def test_reused_token_is_410(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    assert (
        api.post(_url(token), {"value": "satisfied"}, format="json").status_code == 201
    )
    response = api.post(_url(token), {"value": "very_satisfied"}, format="json")
    assert response.status_code == 410
    assert response.json()["code"] == "used_link"
    assert Rating.objects.get().value == "satisfied"


def test_expired_token_is_410(api, returned, settings):
    token = token_of(rating_link_for(dossier=returned))
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(
        days=settings.FEEDBACK_RATING_LINK_DAYS + 1
    )
    with time_machine.travel(later, tick=False):
        response = api.post(
            _url(token),
            {"value": "satisfied"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 410
    assert response.json()["code"] == "expired_link"
    assert "expired" in response.json()["detail"]
    assert not Rating.objects.exists()


def test_second_rating_of_the_dossier_is_409(api, returned):
    first = token_of(rating_link_for(dossier=returned))
    second = token_of(rating_link_for(dossier=returned))
    assert (
        api.post(_url(first), {"value": "satisfied"}, format="json").status_code == 201
    )
    response = api.post(_url(second), {"value": "satisfied"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_rated"
    assert Rating.objects.count() == 1


def test_dossier_not_returned_is_409(api, ready):
    token = token_of(rating_link_for(dossier=ready))
    response = api.post(_url(token), {"value": "satisfied"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_returned"
    assert not Rating.objects.exists()


def test_missing_reason_is_400_with_field_message(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    response = api.post(_url(token), {"value": "dissatisfied"}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not Rating.objects.exists()


def test_unknown_value_is_400(api, returned):
    token = token_of(rating_link_for(dossier=returned))
    response = api.post(_url(token), {"value": "meh"}, format="json")
    assert response.status_code == 400
    assert "value" in response.json()


def test_a_logged_in_session_needs_no_csrf_token(returned, citizen):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(citizen)
    token = token_of(rating_link_for(dossier=returned))
    assert (
        api.post(_url(token), {"value": "satisfied"}, format="json").status_code == 201
    )


def test_endpoint_is_in_the_openapi_schema_with_examples(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/ratings/{token}/"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "404", "409", "410"}
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert "NotSatisfied" in examples
