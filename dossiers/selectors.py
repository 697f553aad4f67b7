"""Reads: scoped lists, one dossier by code, work queues, the public lookup."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.validators import normalize_phone
from dossiers.models import (
    Dossier,
    DossierAccess,
    DossierEvent,
    DossierQuerySet,
    DossierState,
    SupplementRequest,
)
from dossiers.permissions import (
    ADMIN,
    CLERK,
    LEADER,
    MANAGER,
    SPECIALIST,
    can_view_dossier,
    is_owner,
    membership_paths,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

S = DossierState


def _all() -> DossierQuerySet:
    # Typed entry point: django-fsm's mixin makes the model's manager opaque to mypy.
    return DossierQuerySet(model=Dossier)


def _scope_filter(paths: list[str], *, fields: tuple[str, ...]) -> Q:
    condition = Q()
    for path in paths:
        for field in fields:
            condition |= Q(**{f"{field}__path__startswith": path})
    return condition


def _staff_paths(user: User | AnonymousUser, roles: tuple[str, ...]) -> list[str]:
    return sorted({path for path, role in membership_paths(user) if role in roles})


def dossier_visible_to(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Every dossier the user may see: own dossiers plus their agencies' (no drafts)."""
    if not user.is_authenticated:
        return _all().none()
    condition = Q(owner_id=user.pk)
    paths = _staff_paths(user, (CLERK, SPECIALIST, LEADER, MANAGER, ADMIN))
    if paths:
        staff = _scope_filter(
            paths,
            fields=(
                "receiving_agency",
                "current_agency",
                "procedure__competent_agency",
            ),
        )
        condition |= staff & ~Q(state=S.DRAFT)
    return _all().filter(condition)


def dossier_list_for_user(
    *,
    user: User | AnonymousUser,
    state: str | None = None,
    agency: str | None = None,
    overdue: bool | None = None,
) -> DossierQuerySet:
    """The scoped, filterable list behind "my dossiers" and staff lists."""
    dossiers = dossier_visible_to(user=user).with_related()
    if state:
        dossiers = dossiers.filter(state=state)
    if agency:
        dossiers = dossiers.filter(
            Q(receiving_agency__code=agency) | Q(current_agency__code=agency)
        )
    if overdue is True:
        dossiers = dossiers.filter(deadline_status=Dossier.DeadlineStatus.OVERDUE)
    elif overdue is False:
        dossiers = dossiers.exclude(deadline_status=Dossier.DeadlineStatus.OVERDUE)
    return dossiers.order_by("-created_at", "-id")


def dossier_get_for_user(
    *, user: User | AnonymousUser, code: str, with_history: bool = False
) -> Dossier:
    """One dossier by code; Dossier.DoesNotExist for what the user may not see."""
    dossiers = _all().with_related()
    if with_history:
        dossiers = dossiers.prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related(
                    "actor", "handed_from_agency", "handed_to_agency", "handed_to_user"
                ),
            ),
            "attachments",
        )
    dossier: Dossier = dossiers.get(code=code)
    if not can_view_dossier(user, dossier):
        raise Dossier.DoesNotExist
    return dossier


def dossier_get_by_pk_for_user(*, user: User | AnonymousUser, pk: int) -> Dossier:
    """As dossier_get_for_user, by primary key (drafts have no code yet)."""
    dossier: Dossier = _all().with_related().get(pk=pk)
    if not can_view_dossier(user, dossier):
        raise Dossier.DoesNotExist
    return dossier


# --- work queues ------------------------------------------------------------------------


def _queue(
    user: User | AnonymousUser, roles: tuple[str, ...], fields: tuple[str, ...]
) -> DossierQuerySet:
    paths = _staff_paths(user, roles)
    if not paths:
        return _all().none()
    return _all().with_related().filter(_scope_filter(paths, fields=fields))


def queue_to_receive(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Online dossiers waiting for a clerk's check, oldest first."""
    return (
        _queue(user, (CLERK,), ("receiving_agency",))
        .filter(state=S.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def queue_supplements_returned(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Dossiers whose supplement came back and now wait for the next step."""
    return (
        _queue(user, (CLERK, SPECIALIST), ("receiving_agency", "current_agency"))
        .filter(state__in=(S.SUBMITTED, S.RECEIVED, S.APPRAISING))
        # A semi-join: no DISTINCT over every column of the joined rows.
        .filter(
            Exists(
                SupplementRequest.objects.filter(
                    dossier_id=OuterRef("pk"), fulfilled_at__isnull=False
                )
            )
        )
        .order_by("appointment_at", "id")
    )


def queue_to_hand_over(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Received dossiers still at the centre (clerks) or awaiting a leader's pick."""
    return (
        _queue(
            user, (CLERK, LEADER), ("receiving_agency", "procedure__competent_agency")
        )
        .filter(state=S.RECEIVED)
        .order_by("appointment_at", "id")
    )


def queue_to_appraise(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        _queue(user, (SPECIALIST,), ("current_agency",))
        .filter(state=S.APPRAISING)
        .filter(Q(assigned_specialist=None) | Q(assigned_specialist_id=user.pk))
        .order_by("appointment_at", "id")
    )


def queue_to_approve(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        _queue(user, (LEADER,), ("current_agency",))
        .filter(state=S.PENDING_APPROVAL)
        .order_by("appointment_at", "id")
    )


def queue_nearing_deadline(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        dossier_visible_to(user=user)
        .with_related()
        .filter(deadline_status=Dossier.DeadlineStatus.NEARING)
        .order_by("appointment_at", "id")
    )


def queue_overdue(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        dossier_visible_to(user=user)
        .with_related()
        .filter(deadline_status=Dossier.DeadlineStatus.OVERDUE)
        .order_by("appointment_at", "id")
    )


def queue_ready_to_return(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        _queue(user, (CLERK,), ("receiving_agency",))
        .filter(state=S.READY)
        .order_by("finished_at", "id")
    )


def dossier_lookup(*, code: str, phone: str) -> Dossier | None:
    """The public lookup: only when the code and the applicant's phone both match."""
    try:
        normalized = normalize_phone(phone)
    except ValidationError:
        return None
    return (
        _all()
        .select_related("receiving_agency", "current_agency")
        .exclude(state=S.DRAFT)
        .filter(code=code.strip(), applicant_phone=normalized)
        .first()
    )


@dataclass(frozen=True)
class AccessEntry:
    at: datetime.datetime
    staff: str
    agency: str
    channel: str


def dossier_access_log_for_owner(
    *, dossier: Dossier, user: User | AnonymousUser, limit: int = 200
) -> list[AccessEntry] | None:
    """Which staff opened the dossier, newest first: for the owner only (else None).

    The citizen pages show it on the owner's dossier (a "Who opened my dossier"
    section); staff get None so the log never becomes a way to watch colleagues.
    """
    if not is_owner(user, dossier):
        return None
    accesses = (
        DossierAccess.objects.filter(dossier=dossier)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=Membership.objects.select_related("agency").order_by("pk"),
            )
        )[:limit]
    )
    return [
        AccessEntry(
            at=access.at,
            staff=access.user.full_name or str(_("Staff member")),
            agency=next((m.agency.name for m in access.user.memberships.all()), ""),
            channel=access.get_channel_display(),
        )
        for access in accesses
    ]


# --- staff console ----------------------------------------------------------------------

_STAFF_ROLES = (CLERK, SPECIALIST, LEADER, MANAGER, ADMIN)
_PHONE_CHARS = re.compile(r"[\d\s().+-]+")


def dossier_staff_scope(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Dossiers of the user's agencies (any staff role, drafts excluded), with joins."""
    paths = _staff_paths(user, _STAFF_ROLES)
    if not paths:
        return _all().none()
    fields = ("receiving_agency", "current_agency", "procedure__competent_agency")
    return (
        _all()
        .with_related()
        .filter(_scope_filter(paths, fields=fields))
        .exclude(state=S.DRAFT)
    )


def queue_all(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Every dossier of the officer's agencies, newest first (index dossier_created_id)."""
    return dossier_staff_scope(user=user).order_by("-created_at", "-id")


def queue_assigned_to_me(*, user: User | AnonymousUser) -> DossierQuerySet:
    """Dossiers a specialist holds now (appraising or waiting on payment)."""
    if not user.is_authenticated:
        return _all().none()
    return (
        _queue(user, (SPECIALIST,), ("current_agency",))
        .filter(assigned_specialist_id=user.pk)
        .filter(state__in=(S.APPRAISING, S.AWAITING_PAYMENT))
        .order_by("appointment_at", "id")
    )


def queue_staff_nearing_deadline(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        dossier_staff_scope(user=user)
        .filter(deadline_status=Dossier.DeadlineStatus.NEARING)
        .order_by("appointment_at", "id")
    )


def queue_staff_overdue(*, user: User | AnonymousUser) -> DossierQuerySet:
    return (
        dossier_staff_scope(user=user)
        .filter(deadline_status=Dossier.DeadlineStatus.OVERDUE)
        .order_by("appointment_at", "id")
    )


def capped_count(rows: QuerySet[Any], cap: int) -> int:
    """How many rows, reading no more than `cap` + 1 of them: a result above `cap`
    means "more than cap". A busy centre's "all dossiers" holds hundreds of
    thousands of rows that an exact COUNT(*) would read on every page view."""
    return rows.order_by().values("pk")[: cap + 1].count()


def dossier_search(dossiers: DossierQuerySet, text: str) -> DossierQuerySet:
    """Filter by code, applicant name or phone (0912…, +84912… or a fragment)."""
    text = text.strip()
    if not text:
        return dossiers
    condition = Q(code__icontains=text) | Q(applicant_name__icontains=text)
    condition |= Q(submitter_name__icontains=text)
    if _PHONE_CHARS.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if digits.startswith("84") and len(digits) > 9:
            digits = digits[2:]
        digits = digits.lstrip("0")
        if len(digits) >= 3:
            condition |= Q(applicant_phone__contains=digits)
            condition |= Q(submitter_phone__contains=digits)
    return dossiers.filter(condition)
