"""The SMS rating link: round trip, and every refusal (web pages)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from dossiers.models import Dossier
from dossiers.notices import DossierNotice, dossier_event_notify
from feedback.models import FollowUp, Rating, RatingInvitation
from feedback.services import rating_link_for
from tests.feedback.conftest import token_of

pytestmark = pytest.mark.django_db


def test_link_is_short_absolute_and_round_trips(client, returned, clerk, agencies):
    link = rating_link_for(dossier=returned)
    assert link.startswith("https://dvc.example.vn/dg/")
    assert len(link) <= len("https://dvc.example.vn/dg/") + 12

    page = client.get(link.removeprefix("https://dvc.example.vn"))
    assert page.status_code == 200
    assert "Rất hài lòng" in page.text
    assert returned.code in page.text

    response = client.post(
        link.removeprefix("https://dvc.example.vn"),
        {"value": "very_satisfied", "ease_of_use": "satisfied", "overall": "satisfied"},
    )
    assert response.status_code == 200
    assert "Cảm ơn" in response.text
    rating = Rating.objects.get(dossier=returned)
    assert rating.value == "very_satisfied"
    assert rating.source == Rating.Source.SMS_LINK
    assert rating.ease_of_use == "satisfied"
    assert rating.clerk == clerk
    assert rating.agency == agencies.justice
    assert rating.receiving_agency == agencies.centre
    assert rating.procedure == returned.procedure
    assert not FollowUp.objects.exists()


def test_returned_notice_context_carries_a_working_rating_link(client, returned):
    context = dossier_event_notify(dossier=returned, event=DossierNotice.RETURNED)
    path = context["rating_link"].removeprefix("https://dvc.example.vn")
    assert client.get(path).status_code == 200


def test_return_service_issues_one_invitation(returned):
    assert returned.rating_invitations.filter(kind="sms").count() == 1


def test_only_the_hash_of_the_token_is_stored(returned):
    token = token_of(rating_link_for(dossier=returned))
    assert not RatingInvitation.objects.filter(token_hash=token).exists()


def _post(client, link, **data):
    data.setdefault("value", "satisfied")
    return client.post(link.removeprefix("https://dvc.example.vn"), data)


def test_tampered_link_is_refused(client, returned):
    link = rating_link_for(dossier=returned)
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    response = _post(client, tampered)
    assert response.status_code == 404
    assert "không hợp lệ" in response.text
    assert not Rating.objects.exists()


def test_reused_link_is_refused(client, returned):
    link = rating_link_for(dossier=returned)
    assert _post(client, link).status_code == 200
    again = _post(client, link, value="dissatisfied", reason="Đổi ý")
    assert again.status_code == 410
    assert "đã được sử dụng" in again.text
    assert Rating.objects.get().value == "satisfied"


def test_expired_link_is_refused(client, returned, settings):
    link = rating_link_for(dossier=returned)
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(
        days=settings.FEEDBACK_RATING_LINK_DAYS, minutes=1
    )
    with time_machine.travel(later, tick=False):
        response = _post(client, link)
    assert response.status_code == 410
    assert "hết hạn" in response.text
    assert not Rating.objects.exists()


def test_second_rating_of_the_same_dossier_is_refused(client, returned):
    first, second = rating_link_for(dossier=returned), rating_link_for(dossier=returned)
    assert _post(client, first).status_code == 200
    response = _post(client, second, value="very_satisfied")
    assert response.status_code == 409
    assert "đã được đánh giá" in response.text
    assert Rating.objects.count() == 1


def test_dossier_not_yet_returned_cannot_be_rated(client, ready):
    link = rating_link_for(dossier=ready)
    assert client.get(link.removeprefix("https://dvc.example.vn")).status_code == 409
    response = _post(client, link)
    assert response.status_code == 409
    assert "chưa được trả" in response.text
    assert not Rating.objects.exists()


def test_dissatisfied_without_reason_is_refused_and_nothing_stored(client, returned):
    link = rating_link_for(dossier=returned)
    response = _post(client, link, value="dissatisfied", reason="   ")
    assert response.status_code == 400
    assert "lý do" in response.text
    assert not Rating.objects.exists()
    # the link is still usable after a form error
    assert _post(client, link, value="dissatisfied", reason="Chậm").status_code == 200


def test_english_page_when_asked(client, returned):
    link = rating_link_for(dossier=returned)
    page = client.get(
        link.removeprefix("https://dvc.example.vn"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Very satisfied" in page.text


def test_database_allows_one_rating_per_dossier(returned, agencies):
    fields = {
        "dossier": returned,
        "value": "satisfied",
        "agency": agencies.justice,
        "receiving_agency": agencies.centre,
        "procedure": returned.procedure,
        "source": "sms",
    }
    Rating.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(**fields)


def test_database_requires_a_reason_when_dissatisfied(returned, agencies):
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            dossier=returned,
            value="dissatisfied",
            reason="",
            agency=agencies.justice,
            receiving_agency=agencies.centre,
            procedure=returned.procedure,
            source="sms",
        )


def test_citizen_rates_from_their_account(client, citizen, returned):
    client.force_login(citizen)
    url = reverse("feedback:rate_dossier", args=[returned.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"value": "satisfied", "staff_attitude": "satisfied"})
    assert response.status_code == 200
    rating = Rating.objects.get()
    assert rating.source == Rating.Source.ACCOUNT
    assert rating.rater == citizen
    # afterwards the same page shows the rating instead of the form
    page = client.get(url)
    assert "Hài lòng" in page.text
    assert 'name="value"' not in page.text


def test_another_citizen_gets_404_on_the_account_page(client, stranger, returned):
    client.force_login(stranger)
    url = reverse("feedback:rate_dossier", args=[returned.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"value": "satisfied"}).status_code == 404
    assert not Rating.objects.exists()


def test_account_page_refuses_a_dossier_not_returned(client, citizen, ready):
    client.force_login(citizen)
    url = reverse("feedback:rate_dossier", args=[ready.code])
    response = client.post(url, {"value": "satisfied"})
    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_concurrent_link_and_account_cannot_both_rate(client, citizen, returned):
    link = rating_link_for(dossier=returned)
    client.force_login(citizen)
    url = reverse("feedback:rate_dossier", args=[returned.code])
    assert client.post(url, {"value": "satisfied"}).status_code == 200
    assert _post(client, link).status_code == 409
    assert Dossier.objects.get(pk=returned.pk).rating.source == "account"
