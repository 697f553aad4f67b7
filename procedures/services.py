"""Write-side of the catalogue: every change of a procedure's status goes through
here, under a row lock, with a `ProcedureEvent` in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from procedures.models import Fee, Procedure, ProcedureEvent, RequiredDocument

# What an amendment may change; identity, versioning and status are the services'.
AMENDABLE_FIELDS: frozenset[str] = frozenset(
    {
        "local_code",
        "name",
        "field",
        "level",
        "competent_agency",
        "processing_days",
        "local_processing_days",
        "online_level",
        "steps",
        "method",
        "target_group",
        "conditions",
        "legal_basis",
        "result",
        "fee_note",
        "resolved_on_site",
        "supplement_policy",
        "published_on",
        "effective_from",
        "publishing_decision",
    }
)


class ProcedureStatusError(ValidationError):
    """The procedure is not in a status that allows this change."""


def _event(
    procedure: Procedure, action: str, actor: User | None, note: str = ""
) -> None:
    ProcedureEvent.objects.create(
        procedure=procedure, action=action, actor=actor, note=note
    )


def _locked_versions(national_code: str) -> list[Procedure]:
    return list(
        Procedure.objects.select_for_update()
        .filter(national_code=national_code)
        .order_by("version")
    )


@transaction.atomic
def procedure_publish(*, procedure: Procedure, actor: User | None) -> Procedure:
    """Publish a draft version; the version published until now becomes superseded."""
    versions = _locked_versions(procedure.national_code)
    procedure.refresh_from_db()
    if procedure.status != Procedure.Status.DRAFT:
        raise ProcedureStatusError(_("Only a draft version can be published."))
    for other in versions:
        if other.pk != procedure.pk and other.status == Procedure.Status.PUBLISHED:
            other.status = Procedure.Status.SUPERSEDED
            other.save(update_fields=["status", "updated_at"])
            _event(
                other, ProcedureEvent.Action.SUPERSEDED, actor, f"v{procedure.version}"
            )
    procedure.status = Procedure.Status.PUBLISHED
    if procedure.published_on is None:
        procedure.published_on = timezone.localdate()
    procedure.save(update_fields=["status", "published_on", "updated_at"])
    _event(procedure, ProcedureEvent.Action.PUBLISHED, actor)
    return procedure


@transaction.atomic
def procedure_withdraw(
    *, procedure: Procedure, actor: User | None, reason: str = ""
) -> Procedure:
    """Take a published (or draft) version off the catalogue. Dossiers already filed
    under it keep it; no new dossier can be filed."""
    _locked_versions(procedure.national_code)
    procedure.refresh_from_db()
    if procedure.status not in {Procedure.Status.PUBLISHED, Procedure.Status.DRAFT}:
        raise ProcedureStatusError(
            _("Only a published or draft version can be withdrawn.")
        )
    procedure.status = Procedure.Status.WITHDRAWN
    procedure.save(update_fields=["status", "updated_at"])
    _event(procedure, ProcedureEvent.Action.WITHDRAWN, actor, reason)
    return procedure


def _copy_version(
    source: Procedure, version: int, changes: Mapping[str, Any]
) -> Procedure:
    """A new draft row with the source's content, `changes` applied, and copies of
    its receiving agencies, required documents and fees."""
    unknown = set(changes) - AMENDABLE_FIELDS - {"receiving_agencies"}
    if unknown:
        raise ValidationError(
            _("These fields cannot be amended: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    receiving = list(changes.get("receiving_agencies", source.receiving_agencies.all()))
    documents = list(source.required_documents.all())
    fees = list(source.fees.all())
    draft = Procedure.objects.get(pk=source.pk)
    draft.pk = None
    draft._state.adding = True
    draft.version = version
    draft.status = Procedure.Status.DRAFT
    draft.published_on = None
    for name, value in changes.items():
        if name != "receiving_agencies":
            setattr(draft, name, value)
    draft.full_clean(exclude=["search_name"], validate_constraints=False)
    draft.save()
    draft.receiving_agencies.set(receiving)
    for document in documents:
        document.pk = None
        document.procedure = draft
    RequiredDocument.objects.bulk_create(documents)
    for fee in fees:
        fee.pk = None
        fee.procedure = draft
    Fee.objects.bulk_create(fees)
    return draft


@transaction.atomic
def procedure_draft_amendment(
    *,
    procedure: Procedure,
    actor: User | None,
    changes: Mapping[str, Any] | None = None,
) -> Procedure:
    """Start an amendment: a draft next version that an administrator edits and
    then publishes. The current version stays published meanwhile."""
    versions = _locked_versions(procedure.national_code)
    if any(v.status == Procedure.Status.DRAFT for v in versions):
        raise ProcedureStatusError(
            _("This procedure already has a draft version; edit or publish it.")
        )
    next_version = max(v.version for v in versions) + 1
    draft = _copy_version(procedure, next_version, changes or {})
    _event(draft, ProcedureEvent.Action.CREATED, actor, f"from v{procedure.version}")
    return draft


@transaction.atomic
def procedure_amend(
    *, procedure: Procedure, actor: User | None, changes: Mapping[str, Any]
) -> Procedure:
    """Publish an amended version of a published procedure in one step.

    The new version copies the documents and fees of the old one, applies `changes`
    (model field names; `receiving_agencies` takes agencies) and is published; the
    old version is superseded but kept, so dossiers filed under it are unchanged.
    """
    _locked_versions(procedure.national_code)
    procedure.refresh_from_db()
    if procedure.status != Procedure.Status.PUBLISHED:
        raise ProcedureStatusError(_("Only the published version can be amended."))
    draft = procedure_draft_amendment(procedure=procedure, actor=actor, changes=changes)
    _event(draft, ProcedureEvent.Action.AMENDED, actor, f"from v{procedure.version}")
    return procedure_publish(procedure=draft, actor=actor)


def procedure_next_version(*, national_code: str) -> int:
    latest = Procedure.objects.filter(national_code=national_code).aggregate(
        Max("version")
    )["version__max"]
    return (latest or 0) + 1
