"""Citizen pages after sending: "my dossiers", one dossier's story, answering a
supplement request and withdrawing.

Views find the user's own dossier (404 for anyone else's), call one service and
render; domain errors become messages next to the fields they concern.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import services, slips
from dossiers.exceptions import DossierError, DossierValidationError
from dossiers.forms_citizen import (
    DocumentsForm,
    SupplementNoteForm,
    WithdrawForm,
    document_field_name,
)
from dossiers.models import IN_PROGRESS_STATES, Dossier, DossierState
from dossiers.permissions import can_act
from dossiers.selectors import dossier_access_log_for_owner
from dossiers.selectors_citizen import (
    dossier_list_owned,
    open_supplement_request,
    result_of,
    sms_for_dossier,
)
from dossiers.timeline import dossier_timeline
from dossiers.views.citizen_common import (
    add_errors,
    attach_uploads,
    document_rows,
    owned_dossier,
    request_user,
    upload_limit_mb,
)
from procedures.models import RequiredDocument

S = DossierState
PAGE_SIZE = 20


# --- my dossiers -------------------------------------------------------------------


@login_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(dossier_list_owned(user=request_user(request)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dossiers/citizen/list.html", {"page": page})


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = owned_dossier(request, code)
    user = request_user(request)
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
            "in_progress": dossier.state in (S.SUBMITTED, *IN_PROGRESS_STATES),
            "slip_forms": slips.owner_forms_available(dossier),
            "access_log": dossier_access_log_for_owner(dossier=dossier, user=user),
        },
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
    dossier = owned_dossier(request, code)
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
        attach_uploads(
            form=form, dossier=dossier, actor=request_user(request), documents=by_field
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
        dossier = owned_dossier(request, code)
    return render(
        request,
        "dossiers/citizen/supplement.html",
        {
            "dossier": dossier,
            "supplement_request": supplement_request,
            "form": form,
            "note_form": note_form,
            "rows": document_rows(form, dossier, wanted),
            "upload_limit_mb": upload_limit_mb(),
        },
    )


def _send_supplement(
    request: HttpRequest, dossier: Dossier, note_form: SupplementNoteForm
) -> None:
    try:
        services.dossier_supplement(
            dossier=dossier,
            actor=request_user(request),
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
    dossier = owned_dossier(request, code)
    user = request_user(request)
    allowed = dossier.state == S.SUBMITTED and can_act(user, dossier, "withdraw")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.dossier_withdraw(
                dossier=dossier, actor=user, reason=form.cleaned_data["reason"]
            )
        except DossierValidationError as exc:
            add_errors(form, exc)
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
            "in_progress": dossier.state in IN_PROGRESS_STATES,
        },
        status=status,
    )
