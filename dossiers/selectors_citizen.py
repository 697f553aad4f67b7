"""Reads behind the citizen pages: "my dossiers", one own dossier with its story."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from dossiers.models import (
    Attachment,
    Dossier,
    DossierEvent,
    DossierQuerySet,
    DossierState,
    Result,
    SupplementRequest,
)
from dossiers.notices import DossierNotice
from notifications.constants import SmsStatus
from notifications.models import SmsMessage

if TYPE_CHECKING:
    import datetime as dt

    from accounts.models import User

S = DossierState


def dossier_list_owned(*, user: User) -> DossierQuerySet:
    """The user's own dossiers (drafts included), newest first, one query a page."""
    return (
        DossierQuerySet(model=Dossier)
        .filter(owner_id=user.pk)
        .select_related("procedure", "receiving_agency", "current_agency")
        .order_by("-created_at", "-id")
    )


def dossier_get_owned(*, user: User, code: str) -> Dossier:
    """One sent dossier of the user, with what its page shows; DoesNotExist otherwise."""
    dossier: Dossier = (
        DossierQuerySet(model=Dossier)
        .with_related()
        .select_related("result", "result__file")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("handed_to_agency"),
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("required_document"),
            ),
            Prefetch(
                "supplement_requests",
                queryset=SupplementRequest.objects.prefetch_related("documents"),
            ),
        )
        .get(code=code, owner_id=user.pk)
    )
    return dossier


def dossier_get_own_draft(*, user: User, pk: int) -> Dossier:
    """One draft of the user with its procedure's documents and files."""
    dossier: Dossier = (
        DossierQuerySet(model=Dossier)
        .with_related()
        .prefetch_related(
            "procedure__required_documents",
            "procedure__receiving_agencies",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("required_document"),
            ),
        )
        .get(pk=pk, owner_id=user.pk, state=S.DRAFT)
    )
    return dossier


def result_of(dossier: Dossier) -> Attachment | None:
    """The result file when the result is issued online (ready or returned)."""
    if dossier.state not in (S.READY, S.RETURNED):
        return None
    try:
        result = dossier.result
    except Result.DoesNotExist:
        return None
    return result.file


def open_supplement_request(dossier: Dossier) -> SupplementRequest | None:
    """The unanswered supplement request (from the prefetched list)."""
    if dossier.state != S.SUPPLEMENT_REQUESTED:
        return None
    pending = [r for r in dossier.supplement_requests.all() if r.fulfilled_at is None]
    return pending[-1] if pending else None


# What the applicant needs to know about each text message, in their words.
SMS_STATUS_TEXT: dict[str, Any] = {
    SmsStatus.QUEUED: _("Waiting to be sent"),
    SmsStatus.SENDING: _("Waiting to be sent"),
    SmsStatus.SENT: _("Sent"),
    SmsStatus.DELIVERED: _("Delivered to your phone"),
    SmsStatus.FAILED: _("Could not be sent"),
}


def _notice_label(event: str) -> str:
    try:
        return str(DossierNotice(event).label)
    except ValueError:
        return event


@dataclass(frozen=True)
class SmsLine:
    created_at: dt.datetime
    event_label: str
    status: str
    status_label: str
    delivered_at: dt.datetime | None


def sms_for_dossier(dossier: Dossier) -> list[SmsLine]:
    """The SMS notices recorded for this dossier, oldest first (one query)."""
    messages = SmsMessage.objects.filter(dossier_id=dossier.pk).order_by(
        "created_at", "pk"
    )
    return [
        SmsLine(
            created_at=message.created_at,
            event_label=_notice_label(message.event),
            status=message.status,
            status_label=str(SMS_STATUS_TEXT.get(message.status, message.status)),
            delivered_at=message.delivered_at,
        )
        for message in messages.only(
            "created_at", "event", "status", "delivered_at", "dossier_id"
        )
    ]
