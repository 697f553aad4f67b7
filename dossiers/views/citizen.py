"""Citizen pages: send a dossier online (details → documents → review), "my
dossiers", one dossier's story, answering a supplement request and withdrawing.

Views parse, find the user's own dossier (404 for anyone else's), call one service and
render; domain errors become messages next to the fields they concern.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Agency, User
from dossiers import services
from dossiers.exceptions import (
    DossierError,
    DossierValidationError,
)
from dossiers.forms_citizen import (
    ApplicantForm,
    DocumentsForm,
    SupplementNoteForm,
    WithdrawForm,
    document_field_name,
)
from dossiers.models import Attachment, Dossier, DossierState
from dossiers.permissions import can_act
from dossiers.selectors_citizen import (
    dossier_get_own_draft,
    dossier_get_owned,
    dossier_list_owned,
    open_supplement_request,
    result_of,
    sms_for_dossier,
)
from dossiers.services.drafts import dossier_detach_document, dossier_update_draft
from dossiers.timeline import dossier_timeline
from procedures.models import Procedure, RequiredDocument
from procedures.selectors import procedure_current

if TYPE_CHECKING:
    from django.forms import Form

S = DossierState
PAGE_SIZE = 20
OTHER = "document_other"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - behind login_required
    return request.user


def _domestic(phone: str | None) -> str:
    """+84912345678 -> 0912345678, the form people write their number in."""
    if phone and phone.startswith("+84"):
        return "0" + phone[3:]
    return phone or ""


def _upload_limit_mb() -> str:
    return f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"


def _agencies(procedure: Procedure) -> list[Agency]:
    return list(procedure.receiving_agencies.all()) or [procedure.competent_agency]


def _add_errors(form: Form, error: DossierValidationError) -> None:
    for field, field_messages in error.errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def _own_draft(request: HttpRequest, pk: int) -> Dossier:
    try:
        return dossier_get_own_draft(user=_user(request), pk=pk)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def _owned(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_get_owned(user=_user(request), code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


# --- step 1: who applies -----------------------------------------------------------


def _profile_initial(user: User) -> dict[str, Any]:
    return {
        "applicant_name": user.full_name,
        "applicant_phone": _domestic(user.phone),
        "applicant_national_id": user.national_id,
        "applicant_email": user.email or "",
        "applicant_address": user.address,
    }


def _draft_initial(dossier: Dossier) -> dict[str, Any]:
    return {
        "applicant_type": dossier.applicant_type,
        "applicant_name": dossier.applicant_name,
        "applicant_phone": _domestic(dossier.applicant_phone),
        "applicant_national_id": dossier.applicant_national_id,
        "applicant_email": dossier.applicant_email,
        "applicant_address": dossier.applicant_address,
        "summary": dossier.summary,
        "submitter_name": dossier.submitter_name,
        "submitter_phone": _domestic(dossier.submitter_phone),
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
        drafts = dossier_list_owned(user=_user(request)).filter(
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
    user = _user(request)
    form = ApplicantForm(
        request.POST or None,
        agencies=_agencies(procedure),
        initial=_profile_initial(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create_draft(
                owner=user, procedure=procedure, **_applicant_arguments(form)
            )
        except DossierValidationError as exc:
            _add_errors(form, exc)
        else:
            return _after_step(request, dossier, "dossiers:draft-documents")
    return _render_applicant(request, form, procedure, None)


@login_required
@require_http_methods(["GET", "POST"])
def draft_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 again, for a draft already saved."""
    dossier = _own_draft(request, pk)
    form = ApplicantForm(
        request.POST or None,
        agencies=_agencies(dossier.procedure),
        initial=_draft_initial(dossier),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier_update_draft(
                dossier=dossier, actor=_user(request), **_applicant_arguments(form)
            )
        except DossierValidationError as exc:
            _add_errors(form, exc)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my-dossiers")
        else:
            return _after_step(request, dossier, "dossiers:draft-documents")
    return _render_applicant(request, form, dossier.procedure, dossier)


# --- step 2: documents -------------------------------------------------------------


def _attach_uploads(
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
        else:
            saved += 1
    return saved


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
            dossier=dossier, actor=_user(request), attachment_id=int(raw)
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
    dossier = _own_draft(request, pk)
    documents = list(dossier.procedure.required_documents.all())
    form = DocumentsForm(
        request.POST or None,
        request.FILES or None,
        documents=documents,
        extra_field=True,
    )
    if request.method == "POST":
        by_field = {document_field_name(d): d for d in documents}
        _attach_uploads(
            form=form, dossier=dossier, actor=_user(request), documents=by_field
        )
        if "remove" in request.POST:
            _remove_attachment(request, dossier)
            if not form.errors:
                return redirect("dossiers:draft-documents", pk=dossier.pk)
        elif not form.errors and (
            "save_draft" in request.POST or _require_mandatory(form, dossier)
        ):
            return _after_step(request, dossier, "dossiers:draft-review")
        dossier = _own_draft(request, pk)  # show every file saved so far
    return render(
        request,
        "dossiers/citizen/documents.html",
        {
            "dossier": dossier,
            "procedure": dossier.procedure,
            "form": form,
            "rows": _document_rows(form, dossier, documents),
            "step": 2,
            "removable": True,
            "upload_limit_mb": _upload_limit_mb(),
        },
    )


def _document_rows(
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


# --- step 3: review and submit -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def draft_review(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_draft(request, pk)
    if dossier.missing_mandatory_documents():
        messages.error(
            request, _("Some required documents are missing. Add them first.")
        )
        return redirect("dossiers:draft-documents", pk=dossier.pk)
    if request.method == "POST":
        try:
            dossier = services.dossier_submit(dossier=dossier, actor=_user(request))
        except DossierValidationError as exc:
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
            "rows": _document_rows(
                DocumentsForm(documents=documents, extra_field=True),
                dossier,
                documents,
            ),
            "step": 3,
        },
    )


@login_required
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """Right after sending: the code and what happens next."""
    dossier = _owned(request, code)
    return render(
        request,
        "dossiers/citizen/submitted.html",
        {"dossier": dossier, "procedure": dossier.procedure},
    )


# --- my dossiers -------------------------------------------------------------------


@login_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(dossier_list_owned(user=_user(request)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dossiers/citizen/list.html", {"page": page})


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _owned(request, code)
    user = _user(request)
    return render(
        request,
        "dossiers/citizen/detail.html",
        {
            "dossier": dossier,
            "timeline": dossier_timeline(dossier),
            "attachments": list(dossier.attachments.all()),
            "result_file": result_of(dossier),
            "supplement_request": open_supplement_request(dossier),
            "sms_lines": sms_for_dossier(dossier),
            "can_withdraw": can_act(user, dossier, "withdraw")
            and dossier.state == S.SUBMITTED,
            "in_progress": dossier.state in (S.SUBMITTED, *_IN_PROGRESS),
            "now": timezone.now(),
        },
    )


_IN_PROGRESS = (
    S.RECEIVED,
    S.APPRAISING,
    S.PENDING_APPROVAL,
    S.SUPPLEMENT_REQUESTED,
    S.AWAITING_PAYMENT,
)


# --- supplement and withdrawal -----------------------------------------------------


def _supplement_missing(
    dossier: Dossier, requested_at: dt.datetime, wanted: list[RequiredDocument]
) -> list[RequiredDocument]:
    """Requested documents with no file uploaded since the request."""
    fresh = {
        a.required_document_id
        for a in dossier.attachments.filter(uploaded_at__gte=requested_at)
    }
    return [document for document in wanted if document.pk not in fresh]


@login_required
@require_http_methods(["GET", "POST"])
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a supplement request: upload what is missing, then send."""
    dossier = _owned(request, code)
    supplement_request = open_supplement_request(dossier)
    if supplement_request is None:
        messages.info(request, _("Nothing needs to be added to this dossier now."))
        return redirect("dossiers:my-dossier", code=code)
    wanted = list(supplement_request.documents.all())
    form = DocumentsForm(
        request.POST or None, request.FILES or None, documents=wanted, extra_field=True
    )
    note_form = SupplementNoteForm(request.POST or None)
    if request.method == "POST":
        by_field = {document_field_name(d): d for d in wanted}
        _attach_uploads(
            form=form, dossier=dossier, actor=_user(request), documents=by_field
        )
        if not form.errors and note_form.is_valid():
            missing = _supplement_missing(
                dossier, supplement_request.requested_at, wanted
            )
            for document in missing:
                form.add_error(
                    document_field_name(document),
                    _("This document was requested. Choose its file before you send."),
                )
            if not missing:
                _send_supplement(request, dossier, note_form)
                return redirect("dossiers:my-dossier", code=code)
        dossier = _owned(request, code)
    return render(
        request,
        "dossiers/citizen/supplement.html",
        {
            "dossier": dossier,
            "supplement_request": supplement_request,
            "form": form,
            "note_form": note_form,
            "rows": _document_rows(form, dossier, wanted),
            "upload_limit_mb": _upload_limit_mb(),
        },
    )


def _send_supplement(
    request: HttpRequest, dossier: Dossier, note_form: SupplementNoteForm
) -> None:
    try:
        services.dossier_supplement(
            dossier=dossier,
            actor=_user(request),
            note=note_form.cleaned_data["note"],
        )
    except DossierError as exc:  # e.g. a clerk recorded the supplement meanwhile
        messages.error(request, exc.message)
        return
    messages.success(
        request,
        _("Thank you. The documents were sent and processing continues."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw before receipt; after receipt, explain how (a clerk records it)."""
    dossier = _owned(request, code)
    user = _user(request)
    allowed = dossier.state == S.SUBMITTED and can_act(user, dossier, "withdraw")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.dossier_withdraw(
                dossier=dossier, actor=user, reason=form.cleaned_data["reason"]
            )
        except DossierValidationError as exc:
            _add_errors(form, exc)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my-dossier", code=code)
        else:
            messages.success(request, _("Your dossier was withdrawn."))
            return redirect("dossiers:my-dossier", code=code)
    status = 409 if request.method == "POST" and not allowed else 200
    return render(
        request,
        "dossiers/citizen/withdraw.html",
        {
            "dossier": dossier,
            "form": form,
            "allowed": allowed,
            "in_progress": dossier.state in _IN_PROGRESS,
        },
        status=status,
    )
