"""Shared steps of every dossier service: lock, check, audit, code, notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Agency
from accounts.selectors import user_has_second_factor
from dashboard.services import rollup_apply
from dossiers import deadlines
from dossiers.exceptions import (
    DossierPermissionError,
    DossierTransitionError,
    DossierValidationError,
)
from dossiers.models import Dossier, DossierCodeCounter, DossierEvent, SupplementRequest
from dossiers.notices import dossier_event_notify
from dossiers.permissions import can_act, can_view_dossier, membership_paths
from worktime.calendar import get_calendar

if TYPE_CHECKING:
    from accounts.models import User


def lock_dossier(*, dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock (only the dossier row, not its joins)."""
    locked: Dossier = (
        Dossier.objects.with_related()
        .select_for_update(of=("self",))
        .get(pk=dossier.pk)
    )
    return locked


def require_second_factor(*, actor: User) -> None:
    """Staff act on dossiers only with an authenticator app turned on (issue 10).

    The last line behind StaffSecondFactorMiddleware, which also checks that the
    current session was verified with it; a service sees no session, so it checks
    the account. Citizens (no Membership) are not concerned.
    """
    if (
        settings.STAFF_MFA_REQUIRED
        and membership_paths(actor)
        and not user_has_second_factor(user=actor)
    ):
        raise DossierPermissionError(
            _(
                "Turn on two-factor authentication under “Account security” "
                "before handling dossiers."
            )
        )


def check_action(*, dossier: Dossier, actor: User, action: str) -> None:
    """Role before state: 403 for a role that may never do this, 409 for a bad moment."""
    if not can_view_dossier(actor, dossier):
        raise DossierPermissionError(_("You may not act on this dossier."))
    require_second_factor(actor=actor)
    if not can_act(actor, dossier, action):
        raise DossierPermissionError()
    method = getattr(dossier, action)
    if not can_proceed(method, check_conditions=False):
        raise DossierTransitionError(
            _("“%(action)s” is not possible while the dossier is “%(state)s”.")
            % {"action": action_label(action), "state": dossier.get_state_display()},
            action=action,
            state=dossier.state,
        )


def save_transition(*, dossier: Dossier) -> None:
    try:
        dossier.save()
    except ConcurrentTransition as exc:
        raise DossierTransitionError(
            _("Another officer changed this dossier at the same time. Reload it.")
        ) from exc


def require_reason(reason: str, *, field: str = "reason") -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise DossierValidationError({field: [_("A written reason is required.")]})
    return cleaned


def record_event(
    *,
    dossier: Dossier,
    actor: User | None,
    action: str,
    from_state: str,
    reason: str = "",
    handed_from_agency: Agency | None = None,
    handed_to_agency: Agency | None = None,
    handed_to_user: User | None = None,
    step_deadline: dt.datetime | None = None,
) -> DossierEvent:
    """Write the one audit row of a transition, closing the previous step's clock."""
    now = timezone.now()
    previous = (
        DossierEvent.objects.filter(dossier=dossier, step_deadline__isnull=False)
        .order_by("-created_at", "-id")
        .only("created_at", "step_deadline")
        .first()
    )
    step_timeliness = ""
    if previous is not None and previous.step_deadline is not None:
        calendar = get_calendar()
        allotted = calendar.working_hours_between(
            previous.created_at, previous.step_deadline
        )
        used = calendar.working_hours_between(previous.created_at, now)
        step_timeliness = str(
            deadlines.step_timeliness(allotted_hours=allotted, used_hours=used)
        )
    event = DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        reason=reason,
        created_at=now,
        handed_from_agency=handed_from_agency,
        handed_to_agency=handed_to_agency,
        handed_from_user=actor if handed_to_agency or handed_to_user else None,
        handed_to_user=handed_to_user,
        step_deadline=step_deadline,
        step_timeliness=step_timeliness,
    )
    # The dashboards' counters move in this same transaction (dashboard app).
    rollup_apply(dossier=dossier, event=event)
    return event


def notify(
    *, dossier: Dossier, event: str, extra: Mapping[str, str] | None = None
) -> None:
    dossier_event_notify(dossier=dossier, event=event, extra=dict(extra or {}))


def next_code(*, agency: Agency, moment: dt.datetime) -> str:
    """`{agency code}-{yyMMdd}-{NNNN}`, consecutive per agency and local day.

    The counter row is locked until the surrounding transaction ends, so concurrent
    receipts queue on it and a rollback returns the number.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_code() must run inside the receiving transaction.")
    day = timezone.localtime(moment).date()
    DossierCodeCounter.objects.bulk_create(
        [DossierCodeCounter(agency=agency, day=day, last_number=0)],
        ignore_conflicts=True,
    )
    counter = DossierCodeCounter.objects.select_for_update().get(agency=agency, day=day)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{agency.code}-{day:%y%m%d}-{counter.last_number:04d}"


def set_appointment_at_receipt(*, dossier: Dossier) -> None:
    assert dossier.received_at is not None  # noqa: S101 - set by the transition
    appointment = deadlines.appointment_for(
        received_at=dossier.received_at,
        processing_days=dossier.procedure.effective_processing_days,
    )
    dossier.appointment_at = appointment
    dossier.original_appointment_at = appointment
    dossier.deadline_status = Dossier.DeadlineStatus.WITHIN


def mark_finished(*, dossier: Dossier) -> None:
    """Timeliness against the original appointment (apologies do not move it)."""
    dossier.deadline_status = ""
    if dossier.original_appointment_at is None or dossier.finished_at is None:
        return
    requests = SupplementRequest.objects.filter(
        dossier=dossier, requested_at__gte=dossier.received_at
    ).count()
    dossier.timeliness = str(
        deadlines.finished_timeliness(
            finished_at=dossier.finished_at,
            appointment=dossier.original_appointment_at,
            supplement_requests=requests,
        )
    )


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


ACTION_LABELS: dict[str, Any] = {
    "submit": gettext_lazy("Submit"),
    "intake": gettext_lazy("Receive at the counter"),
    "receive": gettext_lazy("Receive"),
    "refuse": gettext_lazy("Refuse"),
    "request_supplement": gettext_lazy("Request a supplement"),
    "supplement": gettext_lazy("Supplement"),
    "assign": gettext_lazy("Hand over for processing"),
    "propose": gettext_lazy("Propose a result"),
    "send_back": gettext_lazy("Send back"),
    "approve": gettext_lazy("Approve"),
    "request_payment": gettext_lazy("Request payment"),
    "confirm_payment": gettext_lazy("Confirm payment"),
    "stop": gettext_lazy("Stop processing"),
    "withdraw": gettext_lazy("Withdraw"),
    "return_result": gettext_lazy("Return the result"),
    "apologize": gettext_lazy("Apologise with a new appointment"),
    "attach_document": gettext_lazy("Attach a document"),
}
