"""Kiosk mode: a clerk opens the form on the counter's tablet; only the citizen, who
knows the last 4 digits of the applicant's phone, can complete it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership
from feedback.models import Rating, RatingInvitation
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KIOSK = reverse("feedback:kiosk")


def _open(client, clerk, dossier):
    client.force_login(clerk)
    return client.post(reverse("feedback:kiosk_start", args=[dossier.code]))


def test_clerk_opens_and_citizen_rates_with_phone_digits(client, clerk, returned):
    start = reverse("feedback:kiosk_start", args=[returned.code])
    client.force_login(clerk)
    assert client.get(start).status_code == 200
    response = client.post(start)
    assert response.status_code == 302
    assert response["Location"] == KIOSK

    page = client.get(KIOSK)
    assert page.status_code == 200
    assert "4 số cuối" in page.text
    # the clerk is logged out of the tablet: the citizen gets no staff access
    assert "_auth_user_id" not in client.session
    assert clerk.full_name not in page.text
    follow_ups = client.get(reverse("feedback:follow_up_list"))
    assert follow_ups.status_code == 302
    # the tablet never shows the applicant's phone number
    assert "912345678" not in page.text
    assert returned.applicant_name not in page.text

    done = client.post(KIOSK, {"phone_digits": "5678", "value": "very_satisfied"})
    assert done.status_code == 200
    rating = Rating.objects.get()
    assert rating.source == Rating.Source.KIOSK
    assert rating.opened_by == clerk
    assert rating.clerk == clerk
    invitation = RatingInvitation.objects.get(kind="kiosk")
    assert invitation.opened_by == clerk
    assert invitation.used_at is not None
    # the form is gone from the tablet once used
    assert client.get(KIOSK).status_code == 404


def test_wrong_digits_are_refused_and_counted(client, clerk, returned):
    _open(client, clerk, returned)
    response = client.post(KIOSK, {"phone_digits": "0000", "value": "very_satisfied"})
    assert response.status_code == 400
    assert "không khớp" in response.text
    assert not Rating.objects.exists()
    assert RatingInvitation.objects.get(kind="kiosk").failed_attempts == 1


def test_kiosk_locks_after_max_attempts_even_when_reopened(
    client, clerk, returned, settings
):
    settings.FEEDBACK_KIOSK_MAX_ATTEMPTS = 3
    _open(client, clerk, returned)
    client.post(KIOSK, {"phone_digits": "0000", "value": "very_satisfied"})
    client.post(KIOSK, {"phone_digits": "1111", "value": "very_satisfied"})
    # reopening gives no fresh tries: failures count per dossier
    _open(client, clerk, returned)
    locked = client.post(KIOSK, {"phone_digits": "2222", "value": "very_satisfied"})
    assert locked.status_code == 410
    assert "khóa" in locked.text
    # even the right digits no longer work, and the clerk cannot reopen
    assert (
        client.post(KIOSK, {"phone_digits": "5678", "value": "satisfied"}).status_code
        == 404
    )
    assert _open(client, clerk, returned).status_code == 410
    assert not Rating.objects.exists()
    # the SMS link still works for the citizen
    from feedback.services import rating_link_for  # noqa: PLC0415

    link = rating_link_for(dossier=returned).removeprefix("https://dvc.example.vn")
    assert client.post(link, {"value": "satisfied"}).status_code == 200


def test_kiosk_token_is_bound_to_the_device_session(client, clerk, returned):
    from django.test import Client  # noqa: PLC0415

    _open(client, clerk, returned)
    other_device = Client()
    other_device.force_login(clerk)
    # a different session has no kiosk token at all
    assert other_device.get(KIOSK).status_code == 404
    assert (
        other_device.post(
            KIOSK, {"phone_digits": "5678", "value": "satisfied"}
        ).status_code
        == 404
    )
    assert not Rating.objects.exists()


def test_kiosk_start_is_staff_only_and_scoped(client, citizen, returned, agencies):
    start = reverse("feedback:kiosk_start", args=[returned.code])
    assert client.post(start).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.post(start).status_code == 404
    other_clerk = MembershipFactory(
        agency=agencies.commune, role=Membership.Role.CLERK
    ).user
    client.force_login(other_clerk)
    assert client.get(start).status_code == 404
    assert client.post(start).status_code == 404
    assert not RatingInvitation.objects.filter(kind="kiosk").exists()


def test_kiosk_refuses_a_dossier_not_returned(client, clerk, ready):
    response = _open(client, clerk, ready)
    assert response.status_code == 409
    assert not RatingInvitation.objects.filter(kind="kiosk").exists()


def test_kiosk_token_cannot_be_used_on_the_api(client, clerk, returned):
    from rest_framework.test import APIClient  # noqa: PLC0415

    _open(client, clerk, returned)
    token = client.session["feedback_kiosk_token"]
    response = APIClient().post(
        f"/api/v1/ratings/{token}/", {"value": "satisfied"}, format="json"
    )
    assert response.status_code == 404
    assert not Rating.objects.exists()
