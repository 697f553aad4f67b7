"""The dossier's story in plain words for its applicant (design.md §3 events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    import datetime as dt

    from dossiers.models import Dossier

# What happened, told to the applicant. Internal steps (send back) read neutrally.
EVENT_TEXT: dict[str, Any] = {
    "submit": _("You sent the dossier online."),
    "intake": _("The dossier was received at the counter."),
    "receive": _("The one-stop centre checked and received your dossier."),
    "refuse": _("The dossier was not accepted."),
    "request_supplement": _("You were asked to complete the dossier."),
    "supplement": _("The missing documents were added; processing continues."),
    "attach_document": _("A document was added."),
    "assign": _("The dossier was passed to the agency that decides on it."),
    "propose": _("The dossier was examined; the result awaits approval."),
    "send_back": _("The dossier is being examined again."),
    "approve": _("The result was approved."),
    "request_payment": _("A fee or financial obligation must be paid."),
    "confirm_payment": _("The payment was confirmed; processing continues."),
    "stop": _("Processing was stopped."),
    "withdraw": _("The dossier was withdrawn at your request."),
    "return_result": _("The result was handed over."),
    "apologize": _("The agency apologised and set a new appointment."),
}
# Reasons the applicant is entitled to read (written for them on the slips).
PUBLIC_REASONS = frozenset(
    {"refuse", "request_supplement", "stop", "withdraw", "apologize"}
)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    detail: str
    reason: str


def dossier_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """Events oldest first, from the prefetched `dossier.events`."""
    entries = []
    for event in dossier.events.all():
        detail = ""
        if event.action == "assign" and event.handed_to_agency is not None:
            detail = event.handed_to_agency.name
        elif event.action == "attach_document":
            detail = event.reason
        entries.append(
            TimelineEntry(
                at=event.created_at,
                text=str(EVENT_TEXT.get(event.action, event.get_to_state_display())),
                detail=detail,
                reason=event.reason if event.action in PUBLIC_REASONS else "",
            )
        )
    return entries
