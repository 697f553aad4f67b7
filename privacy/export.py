"""Everything the portal holds about a citizen, for their own download (Law 91/2025,
the data subject's right to obtain their data).

Only what is reachable from the account itself is included: its profile, the
dossiers it owns (fields, events, attachment metadata and, in the ZIP, the files),
ratings and feedback on those dossiers or written by the account, SMS messages sent to
the account's phone, consents and the staff access log of its dossiers. Dossiers taken
at the counter that were never linked to the account are not matched by phone or ID
number: such a match is not proof of identity.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q
from django.utils import timezone

from accounts.models import User
from dossiers.documents import private_storage
from dossiers.models import Attachment, Consent, Dossier, DossierAccess, DossierEvent
from feedback.models import Feedback, Rating
from notifications.models import SmsMessage

_PROFILE_FIELDS = (
    "full_name",
    "email",
    "phone",
    "national_id",
    "address",
    "date_joined",
)
_DOSSIER_FIELDS = (
    "code",
    "state",
    "channel",
    "applicant_type",
    "applicant_name",
    "applicant_phone",
    "applicant_national_id",
    "applicant_email",
    "applicant_address",
    "submitter_name",
    "submitter_phone",
    "submitter_national_id",
    "summary",
    "submitted_at",
    "received_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "reason",
    "created_at",
)


def _fields(instance: Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _dossier(dossier: Dossier) -> dict[str, Any]:
    events = DossierEvent.objects.filter(dossier=dossier).order_by("created_at", "id")
    return {
        **_fields(dossier, _DOSSIER_FIELDS),
        "id": dossier.pk,
        "procedure": dossier.procedure.name,
        "receiving_agency": dossier.receiving_agency.name,
        "events": [
            {
                "at": event.created_at,
                "action": event.action,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "reason": event.reason,
            }
            for event in events
        ],
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "uploaded_at": attachment.uploaded_at,
                "file_in_archive": _archive_name(attachment),
            }
            for attachment in dossier.attachments.all()
        ],
        "consents": [
            _fields(consent, ("purpose_version", "purpose_text", "accepted_at", "ip"))
            | {"on_behalf": consent.on_behalf}
            for consent in Consent.objects.filter(dossier=dossier)
        ],
        "staff_access_log": [
            {
                "at": access.at,
                "staff": access.user.full_name,
                "channel": access.channel,
            }
            for access in DossierAccess.objects.filter(dossier=dossier).select_related(
                "user"
            )
        ],
    }


def _archive_name(attachment: Attachment) -> str:
    return f"files/{attachment.dossier_id}/{attachment.pk}-{attachment.original_name}"


def personal_data_collect(*, user: User) -> dict[str, Any]:
    """The citizen's data as plain JSON-ready structures."""
    dossiers = list(
        Dossier.objects.filter(owner=user)
        .select_related("procedure", "receiving_agency")
        .order_by("created_at")
    )
    ratings = Rating.objects.filter(Q(dossier__owner=user) | Q(rater=user)).distinct()
    feedback = Feedback.objects.filter(
        Q(author=user) | Q(dossier__owner=user)
    ).distinct()
    # Only messages about the account's own dossiers: a phone number is not proof of
    # identity, and SMS bodies carry live links (rating, follow-up).
    sms = SmsMessage.objects.filter(
        dossier_id__in=[dossier.pk for dossier in dossiers]
    ).order_by("id")
    return {
        "generated_at": timezone.now(),
        "profile": _fields(user, _PROFILE_FIELDS),
        "dossiers": [_dossier(dossier) for dossier in dossiers],
        "ratings": [
            _fields(rating, ("value", "reason", "created_at"))
            | {"dossier": rating.dossier.code}
            for rating in ratings.select_related("dossier")
        ],
        "feedback": [
            _fields(
                item,
                ("title", "content", "contact_name", "contact_phone", "contact_email"),
            )
            | _fields(item, ("state", "answer", "created_at", "answered_at"))
            for item in feedback
        ],
        "sms_messages": [
            _fields(
                message, ("phone", "body", "event", "status", "created_at", "sent_at")
            )
            for message in sms
        ],
    }


def personal_data_json(*, user: User) -> bytes:
    data = personal_data_collect(user=user)
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


def personal_data_zip(*, user: User) -> bytes:
    """data.json plus every attached file of the user's dossiers."""
    buffer = io.BytesIO()
    storage = private_storage()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", personal_data_json(user=user))
        for attachment in Attachment.objects.filter(dossier__owner=user):
            if storage.exists(attachment.storage_name):
                with storage.open(attachment.storage_name, "rb") as stored:
                    archive.writestr(_archive_name(attachment), stored.read())
    return buffer.getvalue()
