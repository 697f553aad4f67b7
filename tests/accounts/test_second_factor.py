import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser

from accounts.selectors import user_has_second_factor

pytestmark = pytest.mark.django_db


def test_a_clerk_has_a_second_factor_only_once_the_authenticator_app_is_on(clerk):
    assert not user_has_second_factor(user=clerk)
    RecoveryCodes.activate(clerk)  # recovery codes alone are a fallback, not a factor
    assert not user_has_second_factor(user=clerk)
    TOTP.activate(clerk, generate_totp_secret())
    assert user_has_second_factor(user=clerk)


def test_nobody_else_inherits_a_second_factor(clerk, citizen):
    TOTP.activate(clerk, generate_totp_secret())
    assert not user_has_second_factor(user=citizen)
    assert not user_has_second_factor(user=AnonymousUser())
