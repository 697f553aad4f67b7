"""Services after receipt: hand-over, appraisal, approval, payment, stop, withdrawal,
return and apology."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Membership
from dossiers import deadlines
from dossiers.exceptions import DossierValidationError
from dossiers.models import (
    Apology,
    Attachment,
    Dossier,
    Pause,
    PaymentRequest,
    Result,
)
from dossiers.notices import DossierNotice
from dossiers.permissions import in_scope
from dossiers.services.common import (
    check_action,
    lock_dossier,
    mark_finished,
    notify,
    record_event,
    require_reason,
    save_transition,
)

if TYPE_CHECKING:
    from accounts.models import User


def _close_open_pauses(*, dossier: Dossier, at: dt.datetime) -> None:
    Pause.objects.filter(dossier=dossier, end__isnull=True).update(end=at)


@transaction.atomic
def dossier_assign(
    *,
    dossier: Dossier,
    actor: User,
    agency: Agency | None = None,
    specialist: User | None = None,
) -> Dossier:
    """Hand the dossier over to the competent agency (and a specialist), Mẫu 05 row."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="assign")
    competent = dossier.procedure.competent_agency
    target = agency or competent
    if not target.path.startswith(competent.path):
        raise DossierValidationError(
            {
                "agency": [
                    _("Hand the dossier to the competent agency or one of its units.")
                ]
            }
        )
    if specialist is not None and not in_scope(
        specialist, target, (Membership.Role.SPECIALIST,)
    ):
        raise DossierValidationError(
            {"specialist": [_("This person is not a specialist of that agency.")]}
        )
    from_state = dossier.state
    handed_from = dossier.current_agency
    dossier.assign(agency=target, specialist=specialist)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="assign",
        from_state=from_state,
        handed_from_agency=handed_from,
        handed_to_agency=target,
        handed_to_user=specialist,
        step_deadline=dossier.appointment_at,
    )
    return dossier


@transaction.atomic
def dossier_propose(
    *,
    dossier: Dossier,
    actor: User,
    granted: bool = True,
    notes: str = "",
    number: str = "",
) -> Result:
    """The specialist proposes a result (or a reasoned denial) to the leader."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="propose")
    if not granted and not notes.strip():
        raise DossierValidationError({"notes": [_("Give the reason for the denial.")]})
    from_state = dossier.state
    dossier.propose()
    save_transition(dossier=dossier)
    result, _created = Result.objects.update_or_create(
        dossier=dossier,
        defaults={
            "granted": granted,
            "notes": notes.strip(),
            "number": number.strip(),
            "proposed_by": actor,
        },
    )
    record_event(
        dossier=dossier,
        actor=actor,
        action="propose",
        from_state=from_state,
        reason=notes.strip(),
        step_deadline=dossier.appointment_at,
    )
    return result


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="send_back")
    reason = require_reason(reason)
    from_state = dossier.state
    dossier.send_back(reason=reason)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="send_back",
        from_state=from_state,
        reason=reason,
        step_deadline=dossier.appointment_at,
    )
    return dossier


@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    actor: User,
    number: str = "",
    signer_name: str = "",
    signed_on: dt.date | None = None,
    file: Attachment | None = None,
) -> Result:
    """The leader signs: the result is issued and the dossier is ready to return."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="approve")
    result = Result.objects.filter(dossier=dossier).first()
    if result is None:  # pragma: no cover - propose always creates it
        raise DossierValidationError({"result": [_("No result has been proposed.")]})
    number = number.strip() or result.number
    if result.granted and not number:
        raise DossierValidationError(
            {"number": [_("Enter the number and symbol of the result document.")]}
        )
    if file is not None and file.dossier_id != dossier.pk:
        raise DossierValidationError(
            {"file": [_("This file belongs to another dossier.")]}
        )
    from_state = dossier.state
    dossier.approve()
    mark_finished(dossier=dossier)
    save_transition(dossier=dossier)
    result.number = number
    result.signer_name = signer_name.strip() or actor.full_name
    result.signed_on = signed_on or timezone.localdate()
    result.approved_by = actor
    result.file = file
    result.save()
    record_event(dossier=dossier, actor=actor, action="approve", from_state=from_state)
    notify(dossier=dossier, event=DossierNotice.READY)
    return result


@transaction.atomic
def dossier_request_payment(
    *, dossier: Dossier, actor: User, amount: Decimal | None, note: str = ""
) -> PaymentRequest:
    """Fees or financial obligations are due; the clock pauses until confirmed."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="request_payment")
    if amount is None or amount <= 0:
        raise DossierValidationError({"amount": [_("Enter an amount above zero.")]})
    from_state = dossier.state
    dossier.request_payment()
    save_transition(dossier=dossier)
    now = timezone.now()
    payment = PaymentRequest.objects.create(
        dossier=dossier,
        amount=amount,
        note=note.strip(),
        requested_at=now,
        requested_by=actor,
    )
    Pause.objects.create(
        dossier=dossier, kind=Pause.Kind.PAYMENT, start=now, reason=note
    )
    record_event(
        dossier=dossier,
        actor=actor,
        action="request_payment",
        from_state=from_state,
        reason=f"{amount:,} VND {note}".strip(),
    )
    return payment


@transaction.atomic
def dossier_confirm_payment(*, dossier: Dossier, actor: User) -> Dossier:
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="confirm_payment")
    from_state = dossier.state
    now = timezone.now()
    dossier.confirm_payment()
    PaymentRequest.objects.filter(dossier=dossier, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_by=actor
    )
    pause = (
        Pause.objects.filter(dossier=dossier, kind=Pause.Kind.PAYMENT, end__isnull=True)
        .order_by("-start")
        .first()
    )
    if pause is not None:
        pause.end = now
        pause.save(update_fields=["end"])
        for field in ("appointment_at", "original_appointment_at"):
            appointment = getattr(dossier, field)
            if appointment is not None:
                setattr(
                    dossier,
                    field,
                    deadlines.appointment_after_payment(
                        appointment=appointment, pause_start=pause.start, pause_end=now
                    ),
                )
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="confirm_payment",
        from_state=from_state,
        step_deadline=dossier.appointment_at,
    )
    return dossier


def _end_with_reason(
    *, dossier: Dossier, actor: User, action: str, reason: str, notice: str
) -> Dossier:
    """Stop or withdrawal: a written reason, open pauses closed, the clock ended."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action=action)
    reason = require_reason(reason)
    from_state = dossier.state
    getattr(dossier, action)(reason=reason)
    assert dossier.finished_at is not None  # noqa: S101 - set by the transition
    _close_open_pauses(dossier=dossier, at=dossier.finished_at)
    mark_finished(dossier=dossier)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action=action,
        from_state=from_state,
        reason=reason,
    )
    notify(dossier=dossier, event=notice, extra={"reason": reason})
    return dossier


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    """The leader stops processing with a written reason (notice of stop)."""
    return _end_with_reason(
        dossier=dossier,
        actor=actor,
        action="stop",
        reason=reason,
        notice=DossierNotice.STOPPED,
    )


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    """Withdrawal at the applicant's request (recorded by a clerk once received)."""
    return _end_with_reason(
        dossier=dossier,
        actor=actor,
        action="withdraw",
        reason=reason,
        notice=DossierNotice.WITHDRAWN,
    )


@transaction.atomic
def dossier_return_result(*, dossier: Dossier, actor: User, channel: str) -> Dossier:
    """The clerk hands the result over at the counter, by post or online."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="return_result")
    if channel not in Dossier.ReturnChannel.values:
        raise DossierValidationError(
            {"channel": [_("Choose how the result is returned.")]}
        )
    from_state = dossier.state
    dossier.return_result(channel=channel)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier, actor=actor, action="return_result", from_state=from_state
    )
    notify(dossier=dossier, event=DossierNotice.RETURNED)
    return dossier


@transaction.atomic
def dossier_apologize(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    new_appointment: dt.datetime | None,
    responsible_agency: Agency | None = None,
) -> Apology:
    """Mẫu 04: a new appointment; the original one still counts for on-time metrics."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="apologize")
    reason = require_reason(reason)
    if new_appointment is None:
        raise DossierValidationError(
            {"new_appointment": [_("Enter the new appointment.")]}
        )
    if timezone.is_naive(new_appointment):
        new_appointment = timezone.make_aware(new_appointment)
    old_appointment = dossier.appointment_at
    if old_appointment is None:
        raise DossierValidationError(
            {"new_appointment": [_("This dossier has no appointment to move.")]}
        )
    if not deadlines.apology_appointment_valid(
        current_appointment=old_appointment, new_appointment=new_appointment
    ):
        raise DossierValidationError(
            {
                "new_appointment": [
                    _(
                        "The new appointment must be a working moment after the current one."
                    )
                ]
            }
        )
    from_state = dossier.state
    dossier.apologize(new_appointment=new_appointment)
    save_transition(dossier=dossier)
    apology = Apology.objects.create(
        dossier=dossier,
        reason=reason,
        responsible_agency=responsible_agency or dossier.current_agency,
        old_appointment=old_appointment,
        new_appointment=new_appointment,
        signer=actor,
    )
    record_event(
        dossier=dossier,
        actor=actor,
        action="apologize",
        from_state=from_state,
        reason=reason,
        step_deadline=new_appointment,
    )
    notify(dossier=dossier, event=DossierNotice.APOLOGY, extra={"reason": reason})
    return apology
