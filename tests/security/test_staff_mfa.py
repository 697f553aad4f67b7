"""Staff act on dossiers only from a session verified with a second factor."""

from __future__ import annotations

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers import services
from dossiers.exceptions import DossierPermissionError
from tests.accounts.helpers import PASSWORD, log_in, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.staff_mfa]

SECOND_FACTOR_VI = "xác thực hai lớp"


def _receive_url(dossier) -> str:
    return f"/api/v1/dossiers/{dossier.code}/transitions/refuse/"


def test_staff_without_an_authenticator_app_is_sent_to_account_security(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))
    page = client.get(response["Location"]).content.decode()
    assert "Bảo mật tài khoản" in page
    assert SECOND_FACTOR_VI in page


def test_staff_api_call_without_second_factor_is_refused_in_vietnamese(
    client, clerk, submitted_dossier
):
    client.force_login(clerk)
    for response in (
        client.get("/api/v1/dossiers/"),
        client.post(_receive_url(submitted_dossier), {"reason": "Sai thẩm quyền"}),
    ):
        assert response.status_code == 403
        body = response.json()
        assert body["code"] == "second_factor_required"
        assert SECOND_FACTOR_VI in body["detail"]
    submitted_dossier.refresh_from_db()
    assert submitted_dossier.state == "submitted"


def test_a_password_only_session_of_a_staff_member_with_totp_is_not_enough(
    client, clerk
):
    """A session opened without the code (here force_login, as a session that
    predates the authenticator would be) must confirm the code first."""
    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(clerk)
    assert client.get("/api/v1/dossiers/").status_code == 403
    response = client.get(reverse("feedback:feedback_staff_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_login_with_password_then_totp_lets_the_clerk_act(
    client, clerk, submitted_dossier
):
    secret = generate_totp_secret()
    TOTP.activate(clerk, secret)
    now = time.time()
    with time_machine.travel(now, tick=False):
        response = log_in(client, clerk.email, PASSWORD)
        # allauth stops after the password and asks for the code: not signed in.
        assert response["Location"] == reverse("mfa_authenticate")
        assert client.get("/api/v1/dossiers/").status_code == 403
        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(secret, at=now)}
        )
        assert response.status_code == 302
    assert client.get("/api/v1/dossiers/").status_code == 200
    response = client.post(
        _receive_url(submitted_dossier),
        {"reason": "Không thuộc thẩm quyền"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "refused"


@pytest.mark.parametrize(
    ("windows_back", "accepted"), [(0, True), (1, True), (2, False)]
)
def test_a_code_typed_as_the_window_turns_over_is_accepted_an_older_one_is_not(
    client, clerk, windows_back, accepted
):
    """The code on the phone was right when the clerk started typing; a code two
    windows old (a minute or more) is refused."""
    secret = generate_totp_secret()
    TOTP.activate(clerk, secret)
    # Two seconds into a window, so "now" and "30 s ago" are distinct windows.
    now = (int(time.time()) // 30 + 1) * 30 + 2
    with time_machine.travel(now, tick=False):
        assert log_in(client, clerk.email, PASSWORD)["Location"] == reverse(
            "mfa_authenticate"
        )
        response = client.post(
            reverse("mfa_authenticate"),
            {"code": totp_code(secret, at=now - 30 * windows_back)},
        )
    if accepted:
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(clerk.pk)
    else:
        assert response.status_code == 200
        assert "Mã xác thực không đúng." in response.content.decode()
        assert "_auth_user_id" not in client.session


# allauth announces the activation from transaction.on_commit: a real commit.
@pytest.mark.django_db(transaction=True)
def test_turning_the_authenticator_on_verifies_the_current_session(client, clerk):
    """A clerk who sets TOTP up after a password login may work straight away."""
    assert log_in(client, clerk.email, PASSWORD).status_code == 302
    assert client.get("/api/v1/dossiers/").status_code == 403
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response.get("Location")
    page = response.content.decode()
    secret = page.split('id="authenticator_secret">', 1)[1].split("<", 1)[0]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_removing_the_authenticator_closes_the_verified_session(
    client, clerk, login_with_second_factor
):
    login_with_second_factor(client, clerk)
    assert client.get("/api/v1/dossiers/").status_code == 200
    Authenticator.objects.filter(user=clerk).delete()
    assert client.get("/api/v1/dossiers/").status_code == 403


def test_citizens_need_no_second_factor(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_the_security_pages_and_logout_stay_open_to_unverified_staff(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_staff_cannot_obtain_an_api_token(clerk):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": clerk.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "không thể dùng mã truy cập API" in response.json()["detail"]
    assert not Token.objects.filter(user=clerk).exists()


def test_an_existing_staff_token_is_refused(clerk, citizen):
    staff_token = Token.objects.create(user=clerk)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {staff_token.key}")
    response = api.get("/api/v1/dossiers/")
    assert response.status_code in (401, 403)
    assert "không thể dùng mã truy cập API" in response.json()["detail"]

    citizen_token = Token.objects.create(user=citizen)
    api.credentials(HTTP_AUTHORIZATION=f"Token {citizen_token.key}")
    assert api.get("/api/v1/dossiers/").status_code == 200


def test_services_refuse_staff_without_an_authenticator(clerk, submitted_dossier):
    with pytest.raises(DossierPermissionError, match=SECOND_FACTOR_VI):
        services.dossier_refuse(
            dossier=submitted_dossier, actor=clerk, reason="Không thuộc thẩm quyền"
        )
    TOTP.activate(clerk, generate_totp_secret())
    refused = services.dossier_refuse(
        dossier=submitted_dossier, actor=clerk, reason="Không thuộc thẩm quyền"
    )
    assert refused.state == "refused"


def test_with_the_setting_off_staff_work_without_second_factor(client, clerk, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(clerk)
    assert client.get("/api/v1/dossiers/").status_code == 200
