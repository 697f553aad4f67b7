"""Every allauth page a citizen or a staff member can reach renders in Vietnamese,
inside the portal layout, with one h1 and labelled fields."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.helpers import PASSWORD, english_leaks, h1_count, log_in

pytestmark = pytest.mark.django_db


def assert_vietnamese_page(response, *expected: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert 'class="site-header"' in html, "not inside the portal layout"
    assert h1_count(html) == 1
    for text in expected:
        assert text in html, f"{text!r} missing"
    assert english_leaks(html) == []
    for input_id in re.findall(
        r'<(?:input|textarea|select)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"',
        html,
    ):
        assert f'for="{input_id}"' in html, f"input #{input_id} has no label"
    for button in re.findall(r"<button\b[^>]*>(.*?)</button>", html, flags=re.S):
        assert re.sub(r"<[^>]+>|\s", "", button), "button without text"
    return html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (reverse("account_login"), ["Đăng nhập", "Quên mật khẩu?"]),
        (reverse("account_signup"), ["Đăng ký", "Số điện thoại di động"]),
        (reverse("account_reset_password"), ["Đặt lại mật khẩu", "đường dây nóng"]),
        (reverse("account_reset_password_done"), ["Chúng tôi đã gửi thư cho bạn"]),
        (
            reverse(
                "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "x-y"}
            ),
            ["Đường dẫn không hợp lệ", "yêu cầu đặt lại mật khẩu lần nữa"],
        ),
        (reverse("account_reset_password_from_key_done"), ["đã được thay đổi"]),
        (reverse("account_inactive"), ["Tài khoản bị khóa"]),
        (reverse("account_email_verification_sent"), ["Xác minh địa chỉ thư điện tử"]),
        (
            reverse("account_confirm_email", kwargs={"key": "no-such-key"}),
            ["hết hạn hoặc không hợp lệ"],
        ),
    ],
)
def test_anonymous_account_pages_are_in_vietnamese(client, url, expected):
    assert_vietnamese_page(client.get(url), *expected)


@pytest.fixture
def logged_in(client: Client, citizen) -> Client:
    response = log_in(client, citizen.email)
    assert response.status_code == 302
    # Managing the second factor asks for the password again (allauth's
    # reauthentication); do it once, as a user would.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("account_change_password", ["Đổi mật khẩu", "Mật khẩu hiện tại"]),
        ("account_email", ["Địa chỉ thư điện tử", "Đặt làm địa chỉ chính"]),
        ("account_change_phone", ["Đổi số điện thoại", "Số điện thoại hiện tại"]),
        ("account_reauthenticate", ["Xác nhận danh tính", "Nhập mật khẩu của bạn"]),
        ("account_logout", ["Đăng xuất"]),
        ("mfa_index", ["Bảo mật tài khoản", "Ứng dụng xác thực", "Mã khôi phục"]),
        ("mfa_activate_totp", ["Bật ứng dụng xác thực", "Mã xác thực", "quét mã QR"]),
    ],
)
def test_account_management_pages_are_in_vietnamese(logged_in, name, expected):
    assert_vietnamese_page(logged_in.get(reverse(name)), *expected)


def test_set_password_page_for_an_account_without_a_password(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert_vietnamese_page(
        client.get(reverse("account_set_password")), "Thiết lập mật khẩu"
    )


@pytest.fixture
def with_mfa(logged_in: Client, citizen) -> Client:
    TOTP.activate(citizen, generate_totp_secret())
    RecoveryCodes.activate(citizen)
    return logged_in


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mfa_index", ["Tắt ứng dụng xác thực", "Còn 10 trên tổng số 10 mã khôi phục"]),
        ("mfa_deactivate_totp", ["Bạn sắp tắt xác thực bằng ứng dụng xác thực"]),
        ("mfa_view_recovery_codes", ["Mã chưa sử dụng", "Tải mã về"]),
        ("mfa_generate_recovery_codes", ["Bạn sắp tạo một bộ mã khôi phục mới"]),
        ("mfa_reauthenticate", ["Xác nhận danh tính", "Nhập mã từ ứng dụng xác thực"]),
    ],
)
def test_second_factor_pages_are_in_vietnamese(with_mfa, name, expected):
    assert_vietnamese_page(with_mfa.get(reverse(name)), *expected)


def test_recovery_codes_download_is_a_text_file_of_the_codes(with_mfa, citizen):
    response = with_mfa.get(reverse("mfa_download_recovery_codes"))
    assert response.status_code == 200
    codes = response.content.decode().split()
    authenticator = Authenticator.objects.get(
        user=citizen, type=Authenticator.Type.RECOVERY_CODES
    )
    assert codes == authenticator.wrap().get_unused_codes()


def test_second_factor_prompt_at_login_is_in_vietnamese(client, citizen):
    TOTP.activate(citizen, generate_totp_secret())
    response = log_in(client, citizen.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert_vietnamese_page(
        client.get(reverse("mfa_authenticate")),
        "Xác thực hai lớp",
        "Vui lòng nhập mã từ ứng dụng xác thực",
    )


def test_too_many_failed_logins_are_refused_in_vietnamese(client, citizen):
    for _ in range(5):
        log_in(client, citizen.email, "wrong-password")
    response = log_in(client, citizen.email)  # even the right password now
    html = assert_vietnamese_page(response)
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau." in html
    assert "_auth_user_id" not in client.session


def test_too_many_requests_page_is_in_vietnamese(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "2/m/ip"}
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": "a@example.vn"})
    response = client.post(reverse("account_reset_password"), {"email": "a@example.vn"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Thao tác quá nhiều lần" in html
    assert english_leaks(html) == []


def test_password_rules_are_explained_in_vietnamese(client):
    html = assert_vietnamese_page(client.get(reverse("account_signup")))
    assert "ít nhất 8 ký tự" in html
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Trần Văn Bình",
            "phone": "0912 000 111",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    html = assert_vietnamese_page(response)
    assert "Mật khẩu này quá phổ biến, dễ bị đoán ra." in html
    assert "Mật khẩu này chỉ gồm chữ số." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
