"""Role scoping: which agencies a staff member may see and act for."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import Agency, Membership, User


def user_roles(*, user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def agency_scope_for_user(
    *, user: User | AnonymousUser, roles: Iterable[str] | None = None
) -> QuerySet[Agency]:
    """Agencies where the user holds one of `roles` (any role when None), with subtrees.

    A membership in an agency covers that agency and every agency below it: a
    provincial manager sees every department and commune.
    """
    if not user.is_authenticated:
        return Agency.objects.none()
    memberships = Membership.objects.filter(user=user).select_related("agency")
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    paths = {membership.agency.path for membership in memberships}
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def user_has_role_in(
    *, user: User | AnonymousUser, agency: Agency, roles: Iterable[str]
) -> bool:
    """True when the user holds one of `roles` in `agency` or one of its ancestors."""
    if not user.is_authenticated:
        return False
    ancestor_ids = [int(part) for part in agency.path.strip("/").split("/") if part]
    return Membership.objects.filter(
        user=user, agency_id__in=ancestor_ids, role__in=list(roles)
    ).exists()


def user_is_staff_member(*, user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and Membership.objects.filter(user=user).exists())


def user_has_second_factor(*, user: User | AnonymousUser) -> bool:
    """True when the user logs in with an authenticator app (TOTP) as well as a
    password. Staff must have one before acting on dossiers (issue 10 enforces it)."""
    if not user.is_authenticated:
        return False
    has_totp: bool = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()
    return has_totp
