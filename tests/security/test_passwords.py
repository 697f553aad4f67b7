"""Staff passwords must be longer than citizens' (12 characters against 8)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.accounts.helpers import PASSWORD

pytestmark = pytest.mark.django_db

TEN_CHARACTERS = "Quang#Ninh"


def test_a_citizen_may_use_a_ten_character_password(citizen):
    validate_password(TEN_CHARACTERS, user=citizen)


def test_a_clerk_needs_twelve_characters(clerk):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(TEN_CHARACTERS, user=clerk)
    assert "ít nhất 12 ký tự" in " ".join(excinfo.value.messages)
    validate_password(TEN_CHARACTERS + "-Ha-Long", user=clerk)


def test_admin_site_users_count_as_staff(django_user_model):
    admin = django_user_model.objects.create_user(
        email="quantri@example.vn", phone="+84912000999", password=PASSWORD
    )
    admin.is_staff = True
    with pytest.raises(ValidationError):
        validate_password(TEN_CHARACTERS, user=admin)


@pytest.mark.staff_mfa
def test_a_clerk_changing_password_is_held_to_twelve_characters(
    client, clerk, login_with_second_factor
):
    login_with_second_factor(client, clerk)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": TEN_CHARACTERS,
            "password2": TEN_CHARACTERS,
        },
    )
    assert response.status_code == 200
    assert "ít nhất 12 ký tự" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)

    longer = TEN_CHARACTERS + "-Ha-Long"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": longer, "password2": longer},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(longer)
