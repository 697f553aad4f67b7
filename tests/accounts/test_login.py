import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_citizen_signs_up_with_phone_and_logs_in_with_either_form_of_it(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Lê Thị Hoa",
            "phone": "0987 111 222",
            "email": "",
            "password1": "Hoa#Quang-Ninh-2026",
            "password2": "Hoa#Quang-Ninh-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(full_name="Lê Thị Hoa")
    assert user.phone == "+84987111222"
    assert user.email is None
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "+84987111222", "password": "Hoa#Quang-Ninh-2026"},
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_signup_with_a_bad_phone_shows_a_vietnamese_error_and_creates_nobody(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "A",
            "phone": "12345",
            "password1": "Xyz#12345abc",
            "password2": "Xyz#12345abc",
        },
    )
    assert response.status_code == 200
    assert "số điện thoại di động" in response.content.decode()
    assert not User.objects.filter(full_name="A").exists()


def test_login_with_email_and_wrong_password_is_refused(client, citizen):
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_api_token_accepts_phone_in_domestic_form(client, citizen):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "0" + citizen.phone[3:], "password": "Secret#2026"},
    )
    assert response.status_code == 200
    assert response.json()["token"]
