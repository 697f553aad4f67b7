"""API authentication rules for staff (issue 10).

Decision: staff never use API tokens. A token is a bearer secret obtained with the
password alone, so it would bypass the second factor; staff work through the
browser session, which StaffSecondFactorMiddleware requires to be MFA-verified.
Machine clients (a national portal sync, a kiosk) get service accounts without a
Membership. While STAFF_MFA_REQUIRED is on, the token endpoint refuses staff
credentials and any existing staff token is refused on use. Every password tried
at the token endpoint counts against the same lockout as the login page
(ACCOUNT_RATE_LIMITS["login_failed"]).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.mfa import is_staff_account, staff_mfa_required


def staff_token_message() -> str:
    return _(
        "Staff accounts cannot use API tokens. Log in to the portal with "
        "two-factor authentication instead."
    )


class PortalTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses the tokens of staff accounts."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if staff_mfa_required() and is_staff_account(user=user):
            raise exceptions.AuthenticationFailed(staff_token_message())
        return user, token
