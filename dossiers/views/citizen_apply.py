"""Sending a dossier online in three steps: who applies, the documents, check and
submit; then the code and what happens next.

Every step saves the draft through a service, so nothing typed or uploaded is lost
when a later step finds an error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from dossiers import services
from dossiers.data_protection import CONSENT_TEXT, client_ip
from dossiers.exceptions import DossierError, DossierValidationError
from dossiers.forms_citizen import ApplicantForm, DocumentsForm, document_field_name
from dossiers.models import Attachment, Dossier, DossierState
from dossiers.selectors_citizen import dossier_list_owned
from dossiers.services.drafts import (
    dossier_delete_draft,
    dossier_detach_document,
    dossier_update_draft,
)
from dossiers.views.citizen_common import (
    add_errors,
    agencies_for,
    attach_uploads,
    document_rows,
    domestic,
    own_draft,
    owned_dossier,
    request_user,
    upload_limit_mb,
)
from procedures.models import Procedure
from procedures.selectors import procedure_current

S = DossierState


# --- step 1: who applies -----------------------------------------------------------


def _profile_initial(user: User) -> dict[str, Any]:
    return {
        "applicant_name": user.full_name,
        "applicant_phone": domestic(user.phone),
        "applicant_national_id": user.national_id,
        "applicant_email": user.email or "",
        "applicant_address": user.address,
    }


def _draft_initial(dossier: Dossier) -> dict[str, Any]:
    return {
        "applicant_type": dossier.applicant_type,
        "applicant_name": dossier.applicant_name,
        "applicant_phone": domestic(dossier.applicant_phone),
        "applicant_national_id": dossier.applicant_national_id,
        "applicant_email": dossier.applicant_email,
        "applicant_address": dossier.applicant_address,
        "summary": dossier.summary,
        "submitter_name": dossier.submitter_name,
        "submitter_phone": domestic(dossier.submitter_phone),
        "submitter_national_id": dossier.submitter_national_id,
        "receiving_agency": dossier.receiving_agency_id,
    }


def _applicant_arguments(form: ApplicantForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "receiving_agency": data["receiving_agency"],
        "applicant": services.Applicant(
            name=data["applicant_name"],
            phone=data["applicant_phone"],
            national_id=data["applicant_national_id"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            kind=data["applicant_type"],
        ),
        "submitter": services.Submitter(
            name=data["submitter_name"],
            phone=data["submitter_phone"],
            national_id=data["submitter_national_id"],
        ),
        "summary": data["summary"],
    }


def _after_step(request: HttpRequest, dossier: Dossier, next_url: str) -> HttpResponse:
    if "save_draft" in request.POST:
        messages.success(
            request,
            _(
                "Your draft is saved. Continue at any time from “My dossiers”; "
                "it is not sent until you press “Submit the dossier”."
            ),
        )
        return redirect("dossiers:my-dossiers")
    return redirect(next_url, pk=dossier.pk)


def _render_applicant(
    request: HttpRequest,
    form: ApplicantForm,
    procedure: Procedure,
    dossier: Dossier | None,
) -> HttpResponse:
    earlier_drafts: list[Dossier] = []
    if request.method == "GET":
        drafts = dossier_list_owned(user=request_user(request)).filter(
            state=S.DRAFT, procedure__national_code=procedure.national_code
        )
        if dossier is not None:
            drafts = drafts.exclude(pk=dossier.pk)
        earlier_drafts = list(drafts[:3])
    return render(
        request,
        "dossiers/citizen/applicant.html",
        {
            "form": form,
            "procedure": procedure,
            "dossier": dossier,
            "step": 1,
            "earlier_drafts": earlier_drafts,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit_start(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1 of a new online dossier, from the procedure's page."""
    procedure = procedure_current(national_code=code)
    if procedure is None or not procedure.is_online:
        raise Http404
    user = request_user(request)
    form = ApplicantForm(
        request.POST or None,
        agencies=agencies_for(procedure),
        initial=_profile_initial(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create_draft(
                owner=user, procedure=procedure, **_applicant_arguments(form)
            )
        except DossierValidationError as exc:
            add_errors(form, exc)
        else:
            return _after_step(request, dossier, "dossiers:draft-documents")
    return _render_applicant(request, form, procedure, None)


@login_required
@require_http_methods(["GET", "POST"])
def draft_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 again, for a draft already saved."""
    dossier = own_draft(request, pk)
    form = ApplicantForm(
        request.POST or None,
        agencies=agencies_for(dossier.procedure),
        initial=_draft_initial(dossier),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier_update_draft(
                dossier=dossier,
                actor=request_user(request),
                **_applicant_arguments(form),
            )
        except DossierValidationError as exc:
            add_errors(form, exc)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my-dossiers")
        else:
            return _after_step(request, dossier, "dossiers:draft-documents")
    return _render_applicant(request, form, dossier.procedure, dossier)


# --- step 2: documents -------------------------------------------------------------


def _require_mandatory(form: DocumentsForm, dossier: Dossier) -> bool:
    missing = dossier.missing_mandatory_documents()
    for document in missing:
        form.add_error(
            document_field_name(document),
            _("This document is required. Choose its file before you continue."),
        )
    return not missing


def _remove_attachment(request: HttpRequest, dossier: Dossier) -> None:
    raw = request.POST.get("remove", "")
    try:
        dossier_detach_document(
            dossier=dossier, actor=request_user(request), attachment_id=int(raw)
        )
    except (ValueError, Attachment.DoesNotExist):
        messages.error(request, _("This file is no longer in the dossier."))
    except DossierError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file was removed."))


@login_required
@require_http_methods(["GET", "POST"])
def draft_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: one upload per required document, with its form template beside it."""
    dossier = own_draft(request, pk)
    documents = list(dossier.procedure.required_documents.all())
    form = DocumentsForm(
        request.POST or None,
        request.FILES or None,
        documents=documents,
        extra_field=True,
    )
    if request.method == "POST":
        by_field = {document_field_name(d): d for d in documents}
        attach_uploads(
            form=form, dossier=dossier, actor=request_user(request), documents=by_field
        )
        if "remove" in request.POST:
            _remove_attachment(request, dossier)
            if not form.errors:
                return redirect("dossiers:draft-documents", pk=dossier.pk)
        elif not form.errors and (
            "save_draft" in request.POST or _require_mandatory(form, dossier)
        ):
            return _after_step(request, dossier, "dossiers:draft-review")
        dossier = own_draft(request, pk)  # show every file saved so far
    return render(
        request,
        "dossiers/citizen/documents.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "form": form,
            "rows": document_rows(form, dossier, documents),
            "step": 2,
            "removable": True,
            "upload_limit_mb": upload_limit_mb(),
        },
    )


# --- step 3: review and submit -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_draft(request, pk)
    if dossier.missing_mandatory_documents():
        messages.error(
            request, _("Some required documents are missing. Add them first.")
        )
        return redirect("dossiers:draft-documents", pk=dossier.pk)
    if request.method == "POST":
        try:
            dossier = services.dossier_submit(
                dossier=dossier,
                actor=request_user(request),
                consent=request.POST.get("consent") == "1",
                ip=client_ip(request),
            )
        except DossierValidationError as exc:
            if "consent" in exc.errors:
                messages.error(request, exc.errors["consent"][0])
                return redirect("dossiers:draft-review", pk=dossier.pk)
            for field_messages in exc.errors.values():
                for message in field_messages:
                    messages.error(request, message)
            return redirect("dossiers:draft-documents", pk=dossier.pk)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my-dossiers")
        assert dossier.code is not None  # noqa: S101 - assigned by the service
        return redirect("dossiers:submitted", code=dossier.code)
    documents = list(dossier.procedure.required_documents.all())
    return render(
        request,
        "dossiers/citizen/review.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "rows": document_rows(
                DocumentsForm(documents=documents, extra_field=True),
                dossier,
                documents,
            ),
            "step": 3,
            "consent_text": CONSENT_TEXT,
        },
    )


@login_required
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """Right after sending: the code and what happens next."""
    dossier = owned_dossier(request, code)
    return render(
        request,
        "dossiers/citizen/submitted.html",
        {"dossier": dossier, "procedure": dossier.procedure},
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask once, then throw the draft and its files away."""
    dossier = own_draft(request, pk)
    if request.method == "POST":
        try:
            dossier_delete_draft(dossier=dossier, actor=request_user(request))
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The draft was deleted."))
        return redirect("dossiers:my-dossiers")
    return render(
        request,
        "dossiers/citizen/delete_draft.html",
        {"dossier": dossier, "procedure": dossier.procedure},
    )
