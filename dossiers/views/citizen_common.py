"""Helpers shared by the citizen pages: the user's own dossiers (404 for anyone
else's), service errors onto form fields, and saving uploads one by one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import Http404, HttpRequest

from accounts.models import Agency, User
from dossiers import services
from dossiers.exceptions import DossierError, DossierValidationError
from dossiers.forms_citizen import DocumentsForm, document_field_name
from dossiers.models import Dossier
from dossiers.selectors_citizen import dossier_get_own_draft, dossier_get_owned
from procedures.models import Procedure, RequiredDocument

if TYPE_CHECKING:
    from django.forms import Form

OTHER = "document_other"


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    return request.user


def domestic(phone: str | None) -> str:
    """+84912345678 -> 0912345678, the form people write their number in."""
    if phone and phone.startswith("+84"):
        return "0" + phone[3:]
    return phone or ""


def upload_limit_mb() -> str:
    return f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"


def agencies_for(procedure: Procedure) -> list[Agency]:
    return list(procedure.receiving_agencies.all()) or [procedure.competent_agency]


def add_errors(form: Form, error: DossierValidationError) -> None:
    for field, field_messages in error.errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def own_draft(request: HttpRequest, pk: int) -> Dossier:
    try:
        return dossier_get_own_draft(user=request_user(request), pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def owned_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_get_owned(user=request_user(request), code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def attach_uploads(
    *,
    form: DocumentsForm,
    dossier: Dossier,
    actor: User,
    documents: dict[str, RequiredDocument],
) -> int:
    """Save every acceptable file at once, each on its own; errors go to its field.

    A file that is refused never costs the ones that were accepted.
    """
    form.is_valid()
    saved = 0
    for name, upload in list(form.cleaned_data.items()):
        if upload is None or name in form.errors:
            continue
        try:
            services.dossier_attach_document(
                dossier=dossier,
                actor=actor,
                upload=services.Upload(
                    file=upload,
                    name=upload.name or "",
                    required_document=documents.get(name),
                ),
            )
        except DossierValidationError as exc:
            for field_messages in exc.errors.values():
                for message in field_messages:
                    form.add_error(name, message)
        except DossierError as exc:
            # The virus scanner down, or the dossier changed meanwhile: say so on
            # the field; files already saved stay saved.
            form.add_error(name, str(exc.message))
        else:
            saved += 1
    return saved


def document_rows(
    form: DocumentsForm, dossier: Dossier, documents: list[RequiredDocument]
) -> list[dict[str, Any]]:
    attachments = list(dossier.attachments.all())
    rows = [
        {
            "document": document,
            "field": form[document_field_name(document)],
            "attachments": [
                a for a in attachments if a.required_document_id == document.pk
            ],
        }
        for document in documents
    ]
    if OTHER in form.fields:
        rows.append(
            {
                "document": None,
                "field": form[OTHER],
                "attachments": [
                    a for a in attachments if a.required_document_id is None
                ],
            }
        )
    return rows
