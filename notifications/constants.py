"""Events, channels and statuses of SMS notices, and the placeholders each event offers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsEvent(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted online")
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    REFUSED = "refused", _("Refused")
    APOLOGY = "apology", _("Apology with a new appointment")
    READY = "ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # feedback app: a manager answered a rating or a feedback item
    FEEDBACK_ANSWERED = "feedback_answered", _("Feedback answered")


class SmsChannel(models.TextChoices):
    """How the dossier came in; each template is switched on or off per channel."""

    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


# The placeholders a template for each event may use, written {name} in the body.
#   code            the dossier code (mã hồ sơ), e.g. 000.00.15.H49-261128-0001
#   agency          the name of the agency handling the dossier
#   appointment     the appointment date for the result (ngày hẹn trả), dd/mm/yyyy
#   new_appointment the new appointment date announced by an apology slip
#   reason          the reason given by the officer (supplement, refusal, stop)
#   rating_link     the link where the citizen rates the service
#   link            the page where the citizen reads the answer to their feedback
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    SmsEvent.SUBMITTED: ("code", "agency"),
    SmsEvent.RECEIVED: ("code", "appointment", "agency"),
    SmsEvent.SUPPLEMENT_REQUESTED: ("code", "agency", "reason"),
    SmsEvent.REFUSED: ("code", "agency", "reason"),
    SmsEvent.APOLOGY: ("code", "agency", "new_appointment", "reason"),
    SmsEvent.READY: ("code", "agency"),
    SmsEvent.RETURNED: ("code", "rating_link"),
    SmsEvent.STOPPED: ("code", "agency", "reason"),
    SmsEvent.WITHDRAWN: ("code",),
    SmsEvent.FEEDBACK_ANSWERED: ("code", "link"),
}

# Typical values, used to show administrators the length of a real message.
SAMPLE_CONTEXT: dict[str, str] = {
    "code": "000.00.15.H49-261128-0001",
    "agency": "Sở Tư pháp",
    "appointment": "05/12/2026",
    "new_appointment": "12/12/2026",
    "reason": "Thiếu bản sao giấy khai sinh",
    "rating_link": "https://dichvucong.example.gov.vn/danh-gia/0001",
    "link": "https://dichvucong.example.gov.vn/dg/tl/0001",
}


def braced(names: tuple[str, ...] | list[str]) -> str:
    """("code", "agency") -> "{code}, {agency}", as the names appear in a body."""
    return ", ".join("{" + name + "}" for name in names)
