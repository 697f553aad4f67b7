"""Dossier notices: the events citizens are told about (design.md §5).

Services call `dossier_event_notify` inside their transaction. It builds the message
context and writes the SMS to the outbox (notifications app) in that same
transaction: the message exists if and only if the transition committed, and it is
sent by a Celery worker after the commit.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierEvent
from notifications.constants import SmsChannel
from notifications.services import sms_enqueue


class DossierNotice(models.TextChoices):
    SUBMITTED = "submitted", _("Dossier sent")
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Dossier not accepted")
    APOLOGY = "apology", _("Apology and new appointment")
    READY = "ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Dossier withdrawn")


def format_moment(value: object) -> str:
    """dd/mm/yyyy HH:MM in the portal's time zone, or "" when unset."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")  # type: ignore[arg-type]


def notice_context(
    *, dossier: Dossier, extra: dict[str, str] | None = None
) -> dict[str, str]:
    context = {
        "code": dossier.code or "",
        "applicant_name": dossier.applicant_name,
        "phone": dossier.applicant_phone,
        "procedure": dossier.procedure.name,
        "agency": dossier.receiving_agency.name,
        "appointment": format_moment(dossier.appointment_at),
        "state": str(dossier.get_state_display()),
        "reason": dossier.reason,
    }
    context.update(extra or {})
    return context


def dossier_event_notify(
    *, dossier: Dossier, event: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Record the notice for `event`; returns the context the message is built from."""
    if event not in DossierNotice.values:
        raise ValueError(f"unknown dossier notice {event!r}")
    # --- feedback app: the "returned" SMS carries the single-use rating link ---
    if event == DossierNotice.RETURNED:
        from feedback.services import rating_link_for  # noqa: PLC0415  (app cycle)

        extra = {"rating_link": rating_link_for(dossier=dossier), **(extra or {})}
    # --- end feedback ---
    context = notice_context(dossier=dossier, extra=extra)
    if event == DossierNotice.APOLOGY:
        context.setdefault("new_appointment", context["appointment"])
    _enqueue_sms(dossier=dossier, event=event, context=context)
    return context


_SMS_CHANNELS = {
    Dossier.Channel.COUNTER: SmsChannel.COUNTER,
    Dossier.Channel.ONLINE: SmsChannel.ONLINE,
    Dossier.Channel.POST: SmsChannel.POST,
}


def _enqueue_sms(*, dossier: Dossier, event: str, context: dict[str, str]) -> None:
    """Queue the citizen's SMS for `event`, keyed by the audit row just written.

    The key makes the message idempotent per transition: the same transition never
    yields two messages, and two transitions of the same kind (a second supplement
    request) each yield their own.
    """
    if not dossier.applicant_phone:
        return
    latest_event_id = (
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    sms_enqueue(
        event=event,
        phone=dossier.applicant_phone,
        channel=_SMS_CHANNELS[Dossier.Channel(dossier.channel)],
        context=context,
        idempotency_key=f"dossier:{dossier.pk}:{event}:{latest_event_id or 0}",
        dossier_id=dossier.pk,
        dossier_code=dossier.code or "",
    )
