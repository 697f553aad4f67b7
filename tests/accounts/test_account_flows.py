"""Account journeys end to end through allauth's views: sign up, password reset by
email, and turning on the authenticator app."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.helpers import PASSWORD, english_leaks, log_in, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hạ-Long#Bay-2026"


def signup(client, **data: str):
    form = {
        "full_name": "Phạm Thị Lan",
        "phone": "",
        "email": "",
        "password1": "Lan#Quang-Ninh-2026",
        "password2": "Lan#Quang-Ninh-2026",
    }
    form.update(data)
    return client.post(reverse("account_signup"), form)


def test_signup_with_an_email_then_log_in_with_it(client):
    response = signup(client, phone="0903 222 333", email="lan@example.vn")
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="lan@example.vn")
    assert user.phone == "+84903222333"
    assert user.full_name == "Phạm Thị Lan"
    client.post(reverse("account_logout"))
    response = log_in(client, "LAN@example.vn", "Lan#Quang-Ninh-2026")
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_signup_with_a_phone_only(client):
    response = signup(client, phone="+84 903 444 555")
    assert response.status_code == 302
    user = User.objects.get(phone="+84903444555")
    assert user.email is None


def test_a_phone_already_registered_is_refused_in_vietnamese(client, citizen):
    domestic = "0" + citizen.phone[3:]
    response = signup(client, phone=domestic, email="other@example.vn")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số điện thoại này đã được đăng ký." in html
    assert 'id="id_phone_error"' in html
    assert english_leaks(html) == []
    assert not User.objects.filter(email="other@example.vn").exists()


def test_an_email_already_registered_is_refused_in_vietnamese(client, citizen):
    response = signup(client, phone="0903 666 777", email=citizen.email.upper())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Địa chỉ thư điện tử này đã được đăng ký." in html
    assert 'id="id_email_error"' in html
    assert not User.objects.filter(phone="+84903666777").exists()


def test_password_reset_by_email_round_trip(client, citizen, settings):
    settings.PORTAL_PROVINCE_NAME = "Tỉnh Quảng Ninh"
    settings.PORTAL_CENTRE_NAME = "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"
    response = client.post(reverse("account_reset_password"), {"email": citizen.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [citizen.email]
    assert message.subject == "[Tỉnh Quảng Ninh] Thư đặt lại mật khẩu"
    assert message.body.startswith(
        "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh xin kính chào!"
    )
    assert "Bạn nhận được thư này vì bạn hoặc một người khác" in message.body
    assert "Trân trọng cảm ơn" in message.body
    assert "password reset" not in message.body.lower()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body)
    assert link is not None, message.body

    path = link.group(0).split("://", 1)[1]
    path = path[path.index("/") :]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đổi mật khẩu" in html
    assert "Đường dẫn không hợp lệ" not in html
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else path,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    assert log_in(client, citizen.email, PASSWORD).status_code == 200  # old refused
    assert "_auth_user_id" not in client.session
    assert log_in(client, citizen.email, NEW_PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)

    # The link is single use.
    client.post(reverse("account_logout"))
    assert "Đường dẫn không hợp lệ" in client.get(path, follow=True).content.decode()


def test_password_reset_for_an_unknown_email_does_not_reveal_it(client):
    response = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.vn"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


# allauth announces the activation from transaction.on_commit: a real commit.
@pytest.mark.django_db(transaction=True)
def test_user_turns_on_the_authenticator_app_and_is_asked_for_a_code_next_time(
    client, citizen
):
    assert log_in(client, citizen.email).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(
        r'<code class="secret" id="authenticator_secret">(\w+)</code>', page
    )
    assert secret is not None
    assert 'alt="Mã QR để thêm tài khoản' in page

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "Mã xác thực không đúng." in response.content.decode()

    start = time.time()
    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))}
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=citizen, type=Authenticator.Type.TOTP
    ).exists()
    # allauth shows the new recovery codes next, with its message in Vietnamese.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response["Location"]).content.decode()
    assert "Đã bật ứng dụng xác thực." in codes_page
    assert "Mã chưa sử dụng" in codes_page

    client.post(reverse("account_logout"))
    # The next login happens in a later 30-second window, as in real life: a code
    # already used is refused by allauth's replay protection.
    with time_machine.travel(start + 60, tick=False):
        response = log_in(client, citizen.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

        response = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert response.status_code == 200
        assert "Mã xác thực không đúng." in response.content.decode()
        assert "_auth_user_id" not in client.session

        response = client.post(
            reverse("mfa_authenticate"),
            {"code": totp_code(secret.group(1), at=start + 60)},
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(citizen.pk)


def test_changing_the_phone_without_sms_is_refused_clearly_not_a_crash(client, citizen):
    assert log_in(client, citizen.email).status_code == 302
    response = client.post(reverse("account_change_phone"), {"phone": "0912 888 999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "cần mã xác minh gửi qua tin nhắn SMS" in html
    assert 'id="id_phone_error"' in html
    citizen.refresh_from_db()
    assert citizen.phone != "+84912888999"
