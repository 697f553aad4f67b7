"""Services from the draft to receipt: create, attach, submit, intake, receive, refuse,
and the supplement loop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency
from accounts.validators import normalize_phone
from dossiers import deadlines, documents
from dossiers.data_protection import consent_record
from dossiers.exceptions import (
    DossierPermissionError,
    DossierTransitionError,
    DossierValidationError,
)
from dossiers.models import (
    Attachment,
    Dossier,
    DossierState,
    Pause,
    SupplementRequest,
)
from dossiers.notices import DossierNotice
from dossiers.permissions import can_act, can_view_dossier
from dossiers.services.common import (
    check_action,
    lock_dossier,
    next_code,
    notify,
    record_event,
    require_reason,
    require_second_factor,
    save_transition,
    set_appointment_at_receipt,
)
from procedures.models import Procedure, RequiredDocument

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Applicant:
    name: str
    phone: str
    national_id: str = ""
    email: str = ""
    address: str = ""
    kind: str = Dossier.ApplicantType.CITIZEN


@dataclass(frozen=True)
class Submitter:
    name: str
    phone: str = ""
    national_id: str = ""


@dataclass(frozen=True)
class Upload:
    file: IO[bytes]
    name: str
    required_document: RequiredDocument | None = None


def _clean_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    if not applicant.name.strip():
        errors["applicant_name"] = [_("Enter the applicant's full name.")]
    try:
        phone = normalize_phone(applicant.phone)
    except ValidationError as exc:
        errors["applicant_phone"] = list(exc.messages)
        phone = applicant.phone
    if errors:
        raise DossierValidationError(errors)
    return Applicant(
        name=applicant.name.strip(),
        phone=phone,
        national_id=applicant.national_id.strip(),
        email=applicant.email.strip(),
        address=applicant.address.strip(),
        kind=applicant.kind,
    )


def _check_receiving_agency(*, procedure: Procedure, receiving_agency: Agency) -> None:
    allowed = {agency.pk for agency in procedure.receiving_agencies.all()}
    allowed.add(procedure.competent_agency_id)
    if receiving_agency.pk not in allowed:
        raise DossierValidationError(
            {"receiving_agency": [_("This centre does not receive this procedure.")]}
        )


def _new_dossier(
    *,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: Applicant,
    submitter: Submitter | None,
    owner: User | None,
    channel: int,
    summary: str,
) -> Dossier:
    if procedure.status != Procedure.Status.PUBLISHED:
        raise DossierValidationError(
            {"procedure": [_("This procedure is not open for new dossiers.")]}
        )
    _check_receiving_agency(procedure=procedure, receiving_agency=receiving_agency)
    applicant = _clean_applicant(applicant)
    submitter = submitter or Submitter(name="")
    dossier: Dossier = Dossier(
        procedure=procedure,
        receiving_agency=receiving_agency,
        current_agency=receiving_agency,
        owner=owner,
        channel=channel,
        applicant_type=applicant.kind,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_national_id=applicant.national_id,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        submitter_name=submitter.name,
        submitter_phone=submitter.phone,
        submitter_national_id=submitter.national_id,
        summary=summary.strip() or procedure.name[:500],
    )
    return dossier


def _attach(*, dossier: Dossier, actor: User, upload: Upload) -> Attachment:
    required = upload.required_document
    if required is not None and required.procedure_id != dossier.procedure_id:
        raise DossierValidationError(
            {"required_document": [_("This document is not part of the procedure.")]}
        )
    sniffed = documents.sniff(upload.file)
    documents.check_name(upload.name)
    storage_name = documents.store(upload.file, extension=sniffed.extension)
    try:
        return Attachment.objects.create(
            dossier=dossier,
            required_document=required,
            original_name=documents.sanitise_name(
                upload.name, extension=sniffed.extension
            ),
            storage_name=storage_name,
            content_type=sniffed.content_type,
            size=sniffed.size,
            sha256=sniffed.sha256,
            uploaded_by=actor,
        )
    except Exception:
        documents.private_storage().delete(storage_name)
        raise


@transaction.atomic
def dossier_create_draft(
    *,
    owner: User,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: Applicant,
    submitter: Submitter | None = None,
    summary: str = "",
    uploads: Sequence[Upload] = (),
) -> Dossier:
    """A citizen starts an online dossier; nobody but the owner sees a draft."""
    dossier = _new_dossier(
        procedure=procedure,
        receiving_agency=receiving_agency,
        applicant=applicant,
        submitter=submitter,
        owner=owner,
        channel=Dossier.Channel.ONLINE,
        summary=summary,
    )
    dossier.save()
    for upload in uploads:
        _attach(dossier=dossier, actor=owner, upload=upload)
    return dossier


_ATTACHABLE_STATES = {
    DossierState.DRAFT,
    DossierState.SUBMITTED,
    DossierState.RECEIVED,
    DossierState.SUPPLEMENT_REQUESTED,
}


def _attachment_label(attachment: Attachment) -> str:
    required = attachment.required_document
    return required.name if required is not None else f"#{attachment.pk}"


@transaction.atomic
def dossier_attach_document(
    *, dossier: Dossier, actor: User, upload: Upload
) -> Attachment:
    """Attach one document (owner in a draft or supplement; clerk while at intake)."""
    dossier = lock_dossier(dossier=dossier)
    if not (
        can_view_dossier(actor, dossier) and can_act(actor, dossier, "attach_document")
    ):
        raise DossierPermissionError()
    require_second_factor(actor=actor)
    if dossier.state not in _ATTACHABLE_STATES:
        raise DossierTransitionError(
            _("Documents cannot be added while the dossier is “%(state)s”.")
            % {"state": dossier.get_state_display()},
            action="attach_document",
            state=dossier.state,
        )
    attachment = _attach(dossier=dossier, actor=actor, upload=upload)
    if dossier.state != DossierState.DRAFT:
        record_event(
            dossier=dossier,
            actor=actor,
            action="attach_document",
            from_state=dossier.state,
            # Not the file name: events are immutable and outlive the retention
            # period, and a file name often carries the applicant's name.
            reason=_attachment_label(attachment),
        )
    return attachment


def _require_consent(consent: bool) -> None:
    if not consent:
        raise DossierValidationError(
            {
                "consent": [
                    _(
                        "Confirm the applicant's consent to the processing of their "
                        "personal data for this procedure."
                    )
                ]
            }
        )


@transaction.atomic
def dossier_submit(
    *, dossier: Dossier, actor: User, consent: bool = False, ip: str | None = None
) -> Dossier:
    """The owner sends the draft; every mandatory document must be attached and the
    owner must confirm consent (stored as a Consent row with the text's version)."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="submit")
    _require_consent(consent)
    missing = dossier.missing_mandatory_documents()
    if missing:
        raise DossierValidationError(
            {
                "documents": [
                    _("Attach the mandatory document: %(name)s")
                    % {"name": document.name}
                    for document in missing
                ]
            }
        )
    from_state = dossier.state
    dossier.submit()
    assert dossier.submitted_at is not None  # noqa: S101 - set by the transition
    dossier.code = next_code(
        agency=dossier.receiving_agency, moment=dossier.submitted_at
    )
    save_transition(dossier=dossier)
    record_event(dossier=dossier, actor=actor, action="submit", from_state=from_state)
    consent_record(dossier=dossier, actor=actor, ip=ip)
    notify(dossier=dossier, event=DossierNotice.SUBMITTED)
    return dossier


@transaction.atomic
def dossier_intake(
    *,
    actor: User,
    procedure: Procedure,
    receiving_agency: Agency,
    applicant: Applicant,
    submitter: Submitter | None = None,
    owner: User | None = None,
    channel: int = Dossier.Channel.COUNTER,
    summary: str = "",
    uploads: Sequence[Upload] = (),
    consent: bool = False,
    ip: str | None = None,
) -> Dossier:
    """A clerk receives a walk-in (or posted) dossier on the applicant's behalf; the
    clerk confirms the applicant's consent (stored as a Consent row)."""
    if channel == Dossier.Channel.ONLINE:
        raise DossierValidationError(
            {"channel": [_("Online dossiers are submitted by the applicant.")]}
        )
    dossier = _new_dossier(
        procedure=procedure,
        receiving_agency=receiving_agency,
        applicant=applicant,
        submitter=submitter,
        owner=owner,
        channel=channel,
        summary=summary,
    )
    if not can_act(actor, dossier, "intake"):
        raise DossierPermissionError()
    require_second_factor(actor=actor)
    _require_consent(consent)
    dossier.intake()
    assert dossier.received_at is not None  # noqa: S101 - set by the transition
    dossier.code = next_code(agency=receiving_agency, moment=dossier.received_at)
    set_appointment_at_receipt(dossier=dossier)
    dossier.save()
    for upload in uploads:
        _attach(dossier=dossier, actor=actor, upload=upload)
    record_event(
        dossier=dossier,
        actor=actor,
        action="intake",
        from_state="",
        step_deadline=dossier.appointment_at,
    )
    consent_record(dossier=dossier, actor=actor, ip=ip)
    notify(dossier=dossier, event=DossierNotice.RECEIVED)
    return dossier


@transaction.atomic
def dossier_receive(*, dossier: Dossier, actor: User) -> Dossier:
    """The clerk accepts an online dossier: the clock starts, the appointment is set."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="receive")
    from_state = dossier.state
    dossier.receive()
    set_appointment_at_receipt(dossier=dossier)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="receive",
        from_state=from_state,
        step_deadline=dossier.appointment_at,
    )
    notify(dossier=dossier, event=DossierNotice.RECEIVED)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor: User, reason: str) -> Dossier:
    """Refusal at intake (Mẫu 03), with a written reason."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="refuse")
    reason = require_reason(reason)
    from_state = dossier.state
    dossier.refuse(reason=reason)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="refuse",
        from_state=from_state,
        reason=reason,
    )
    notify(dossier=dossier, event=DossierNotice.REFUSED, extra={"reason": reason})
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    documents: Sequence[RequiredDocument] = (),
    items_text: str = "",
) -> SupplementRequest:
    """Mẫu 02: ask the applicant to complete the dossier; the clock pauses."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="request_supplement")
    reason = require_reason(reason)
    if not documents and not items_text.strip():
        raise DossierValidationError(
            {"items": [_("List at least one document or item to complete.")]}
        )
    if any(document.procedure_id != dossier.procedure_id for document in documents):
        raise DossierValidationError(
            {"items": [_("This document is not part of the procedure.")]}
        )
    from_state = dossier.state
    dossier.request_supplement()
    save_transition(dossier=dossier)
    now = timezone.now()
    request = SupplementRequest.objects.create(
        dossier=dossier,
        items_text=items_text.strip(),
        reason=reason,
        requested_at=now,
        requested_by=actor,
    )
    request.documents.set(documents)
    if dossier.received_at is not None:
        Pause.objects.create(
            dossier=dossier, kind=Pause.Kind.SUPPLEMENT, start=now, reason=reason
        )
    record_event(
        dossier=dossier,
        actor=actor,
        action="request_supplement",
        from_state=from_state,
        reason=reason,
    )
    notify(
        dossier=dossier,
        event=DossierNotice.SUPPLEMENT_REQUESTED,
        extra={"reason": reason},
    )
    return request


@transaction.atomic
def dossier_supplement(
    *, dossier: Dossier, actor: User, note: str = "", uploads: Sequence[Upload] = ()
) -> Dossier:
    """The applicant (or the clerk for them) completes the dossier; the clock resumes."""
    dossier = lock_dossier(dossier=dossier)
    check_action(dossier=dossier, actor=actor, action="supplement")
    for upload in uploads:
        _attach(dossier=dossier, actor=actor, upload=upload)
    from_state = dossier.state
    now = timezone.now()
    dossier.supplement()
    SupplementRequest.objects.filter(dossier=dossier, fulfilled_at__isnull=True).update(
        fulfilled_at=now
    )
    pause = (
        Pause.objects.filter(
            dossier=dossier, kind=Pause.Kind.SUPPLEMENT, end__isnull=True
        )
        .order_by("-start")
        .first()
    )
    if pause is not None:
        pause.end = now
        pause.save(update_fields=["end"])
        _reschedule_after_supplement(dossier=dossier, pause=pause)
    save_transition(dossier=dossier)
    record_event(
        dossier=dossier,
        actor=actor,
        action="supplement",
        from_state=from_state,
        reason=note.strip(),
        step_deadline=dossier.appointment_at if dossier.received_at else None,
    )
    return dossier


def _reschedule_after_supplement(*, dossier: Dossier, pause: Pause) -> None:
    received_at, pause_end = dossier.received_at, pause.end
    if received_at is None or pause_end is None:
        return  # a request made before receipt stops no clock
    procedure = dossier.procedure

    def moved(appointment: dt.datetime) -> dt.datetime:
        return deadlines.appointment_after_supplement(
            policy=procedure.supplement_policy,
            received_at=received_at,
            appointment=appointment,
            processing_days=procedure.effective_processing_days,
            pause_start=pause.start,
            pause_end=pause_end,
        )

    if dossier.original_appointment_at is not None:
        dossier.original_appointment_at = moved(dossier.original_appointment_at)
    if dossier.appointment_at is not None:
        dossier.appointment_at = moved(dossier.appointment_at)
