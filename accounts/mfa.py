"""Staff second factor (issue 10): who must have one, and whether this session used it.

allauth records every authentication step of a session under
``account_authentication_methods`` (allauth.account.authentication); a TOTP or
recovery-code step appears as ``{"method": "mfa", "type": "totp", ...}``. A staff
session counts as verified only when such a record exists *and* the account still
has an authenticator app: a password-only login, a ``force_login`` or a session
opened before the authenticator was removed never passes.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.models import Membership, User
from accounts.selectors import user_has_second_factor

SECOND_FACTOR_TYPES = frozenset(
    {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
)


def staff_mfa_required() -> bool:
    return bool(getattr(settings, "STAFF_MFA_REQUIRED", True))


def is_staff_account(*, user: User | AnonymousUser) -> bool:
    """Staff are members of an agency, and anyone who may open the admin site."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user_id=user.pk).exists()


def session_used_second_factor(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(
        record.get("method") == "mfa" and record.get("type") in SECOND_FACTOR_TYPES
        for record in records
    )


def staff_second_factor_missing(request: HttpRequest) -> bool:
    """True when the signed-in user is staff and this session is not MFA-verified."""
    if not staff_mfa_required():
        return False
    user = request.user
    if not is_staff_account(user=user):
        return False
    return not (
        user_has_second_factor(user=user) and session_used_second_factor(request)
    )


def record_second_factor_on_activation(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Any, **_: Any
) -> None:
    """Turning the authenticator app on proves possession of it in this session.

    Connected to allauth.mfa's ``authenticator_added`` signal, so a clerk who has
    just set up TOTP may work without logging out and in again.
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type
    )
