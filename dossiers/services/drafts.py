"""Services on a citizen's own draft: change its details, remove a wrong file.

A draft is invisible to staff and has no code, so these changes need no audit row;
once submitted, only the transition services of `intake` and `processing` apply.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Agency
from dossiers.documents import private_storage
from dossiers.exceptions import DossierPermissionError, DossierTransitionError
from dossiers.models import Attachment, Dossier, DossierState
from dossiers.services.common import lock_dossier
from dossiers.services.intake import (
    Applicant,
    Submitter,
    _check_receiving_agency,
    _clean_applicant,
)

if TYPE_CHECKING:
    from accounts.models import User


def _lock_own_draft(*, dossier: Dossier, actor: User) -> Dossier:
    locked = lock_dossier(dossier=dossier)
    if locked.owner_id != actor.pk:
        raise DossierPermissionError()
    if locked.state != DossierState.DRAFT:
        raise DossierTransitionError(
            _("This dossier has been sent and can no longer be edited."),
            action="edit_draft",
            state=locked.state,
        )
    return locked


@transaction.atomic
def dossier_update_draft(
    *,
    dossier: Dossier,
    actor: User,
    receiving_agency: Agency,
    applicant: Applicant,
    submitter: Submitter | None = None,
    summary: str = "",
) -> Dossier:
    """The owner changes the applicant details of a draft before sending it."""
    dossier = _lock_own_draft(dossier=dossier, actor=actor)
    _check_receiving_agency(
        procedure=dossier.procedure, receiving_agency=receiving_agency
    )
    applicant = _clean_applicant(applicant)
    submitter = submitter or Submitter(name="")
    dossier.receiving_agency = receiving_agency
    dossier.current_agency = receiving_agency
    dossier.applicant_type = applicant.kind
    dossier.applicant_name = applicant.name
    dossier.applicant_phone = applicant.phone
    dossier.applicant_national_id = applicant.national_id
    dossier.applicant_email = applicant.email
    dossier.applicant_address = applicant.address
    dossier.submitter_name = submitter.name.strip()
    dossier.submitter_phone = submitter.phone
    dossier.submitter_national_id = submitter.national_id.strip()
    dossier.summary = summary.strip() or dossier.procedure.name[:500]
    dossier.save()
    return dossier


@transaction.atomic
def dossier_detach_document(
    *, dossier: Dossier, actor: User, attachment_id: int
) -> None:
    """The owner removes a file from a draft (a wrong scan); the file goes after commit."""
    dossier = _lock_own_draft(dossier=dossier, actor=actor)
    attachment = Attachment.objects.filter(pk=attachment_id, dossier=dossier).first()
    if attachment is None:
        raise Attachment.DoesNotExist
    storage_name = attachment.storage_name
    attachment.delete()
    transaction.on_commit(partial(private_storage().delete, storage_name))


@transaction.atomic
def dossier_delete_draft(*, dossier: Dossier, actor: User) -> None:
    """The owner throws a draft away; it was never sent, so nothing else refers to it."""
    dossier = _lock_own_draft(dossier=dossier, actor=actor)
    storage_names = list(dossier.attachments.values_list("storage_name", flat=True))
    dossier.attachments.all().delete()
    dossier.delete()
    storage = private_storage()
    for name in storage_names:
        transaction.on_commit(partial(storage.delete, name))
