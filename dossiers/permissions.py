"""Who may see a dossier and who may act on it (design.md §3).

Pure predicates over the user's memberships (loaded once per user object) and the
dossier's agencies. Staff see and act only within the subtrees of their agencies:
clerks at the receiving centre, specialists and leaders at the competent or current
agency; citizens see only the dossiers they own; nobody else sees anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from accounts.models import Agency, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from dossiers.models import Dossier

    AnyUser = User | AnonymousUser

CLERK = Membership.Role.CLERK
SPECIALIST = Membership.Role.SPECIALIST
LEADER = Membership.Role.LEADER
MANAGER = Membership.Role.MANAGER
ADMIN = Membership.Role.ADMIN

_CACHE_ATTRIBUTE = "_dossier_membership_paths"


def membership_paths(user: AnyUser) -> list[tuple[str, str]]:
    """(agency path, role) pairs of the user, cached on the user object."""
    if not user.is_authenticated:
        return []
    cached: list[tuple[str, str]] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user_id=user.pk).values_list(
                "agency__path", "role"
            )
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def in_scope(user: AnyUser, agency: Agency | None, roles: Iterable[str]) -> bool:
    """True when the user holds one of `roles` in `agency` or one of its ancestors."""
    if agency is None:
        return False
    wanted = set(roles)
    return any(
        role in wanted and agency.path.startswith(path)
        for path, role in membership_paths(user)
    )


def is_owner(user: AnyUser, dossier: Dossier) -> bool:
    return bool(
        user.is_authenticated
        and dossier.owner_id is not None
        and dossier.owner_id == user.pk
    )


def _processing_agencies(dossier: Dossier) -> tuple[Agency, Agency]:
    return dossier.current_agency, dossier.procedure.competent_agency


def can_view_dossier(user: AnyUser, dossier: Dossier) -> bool:
    if is_owner(user, dossier):
        return True
    if dossier.state == "draft":
        return False  # drafts are the citizen's own business
    all_roles = (CLERK, SPECIALIST, LEADER, MANAGER, ADMIN)
    return any(
        in_scope(user, agency, all_roles)
        for agency in (dossier.receiving_agency, *_processing_agencies(dossier))
    )


def _clerk(user: AnyUser, dossier: Dossier) -> bool:
    return in_scope(user, dossier.receiving_agency, (CLERK,))


def _processing(user: AnyUser, dossier: Dossier, role: str) -> bool:
    return any(
        in_scope(user, agency, (role,)) for agency in _processing_agencies(dossier)
    )


def _specialist(user: AnyUser, dossier: Dossier) -> bool:
    if dossier.assigned_specialist_id is not None:
        return dossier.assigned_specialist_id == user.pk and _processing(
            user, dossier, SPECIALIST
        )
    return _processing(user, dossier, SPECIALIST)


def _leader(user: AnyUser, dossier: Dossier) -> bool:
    return _processing(user, dossier, LEADER)


def _request_supplement(user: AnyUser, dossier: Dossier) -> bool:
    # At intake the one-stop asks; during appraisal the specialist does.
    if dossier.state in ("submitted", "received"):
        return _clerk(user, dossier)
    return _specialist(user, dossier)


def _withdraw(user: AnyUser, dossier: Dossier) -> bool:
    # The owner withdraws alone before receipt; once received a clerk records it.
    if dossier.state == "submitted" and is_owner(user, dossier):
        return True
    return _clerk(user, dossier)


_RULES: dict[str, Callable[[AnyUser, Dossier], bool]] = {
    "submit": is_owner,
    "intake": _clerk,
    "receive": _clerk,
    "refuse": _clerk,
    "request_supplement": _request_supplement,
    "supplement": lambda user, dossier: (
        is_owner(user, dossier) or _clerk(user, dossier)
    ),
    "assign": lambda user, dossier: _clerk(user, dossier) or _leader(user, dossier),
    "propose": _specialist,
    "send_back": _leader,
    "approve": _leader,
    "request_payment": _specialist,
    "confirm_payment": _clerk,
    "stop": _leader,
    "withdraw": _withdraw,
    "return_result": _clerk,
    "apologize": lambda user, dossier: (
        _specialist(user, dossier) or _leader(user, dossier)
    ),
    "attach_document": lambda user, dossier: (
        is_owner(user, dossier) or _clerk(user, dossier)
    ),
}

ACTIONS = frozenset(_RULES)


def can_act(user: AnyUser, dossier: Dossier, action: str) -> bool:
    """May this user perform `action` on this dossier, by role and agency?"""
    rule = _RULES.get(action)
    return bool(rule is not None and user.is_authenticated and rule(user, dossier))


def permission_for(action: str) -> Callable[[Any, Any], bool]:
    """A django-fsm `permission=` callable (instance, user) for `action`."""

    def check(instance: Any, user: Any) -> bool:
        return can_act(user, instance, action)

    check.__name__ = f"can_{action}"
    return check
