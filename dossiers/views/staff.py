"""Staff pages: the work console, counter intake, the dossier page with its actions,
and the printable slips (Mẫu 01-05).

Everything here is for members of an agency; anyone else gets 404. Dossiers outside
the officer's agencies are 404 too, so codes cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import can_proceed

from accounts.models import Agency, User
from dossiers import selectors, services, slips
from dossiers.data_protection import client_ip, record_dossier_access
from dossiers.documents import private_storage
from dossiers.exceptions import (
    DossierError,
    DossierValidationError,
)
from dossiers.forms_staff import (
    ACTION_FORMS,
    MULTIPART_ACTIONS,
    ActionForm,
    ApologizeForm,
    ApproveForm,
    ConsoleFilterForm,
    IntakeFindForm,
    IntakeForm,
    SupplementForm,
)
from dossiers.models import Attachment, Dossier, DossierQuerySet
from dossiers.permissions import (
    CLERK,
    LEADER,
    SPECIALIST,
    can_act,
    can_view_dossier,
    is_owner,
    membership_paths,
)
from dossiers.presenters import applicant_view, handles_dossier
from dossiers.services.common import action_label
from procedures.models import Procedure
from procedures.selectors import CatalogueFilterError, procedure_search

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

PAGE_SIZE = 20
PROCEDURE_CHOICES_LIMIT = 50
# The console counts a queue no further than this ("999+"): the figure says how much
# work waits, the dashboard gives exact totals.
QUEUE_COUNT_CAP = 999
# A list longer than this says "more than 10,000 dossiers" instead of a total and
# pages on while there are rows; search and filters narrow it.
LIST_COUNT_CAP = 10_000


class CappedPage(Page):  # type: ignore[type-arg]
    """A page of a list longer than the cap: whether a next page exists is read
    from the rows themselves (one more than the page holds), not from a total."""

    def __init__(self, rows: list[Any], number: int, paginator: Any, *, more: bool):
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts no further than `cap` + 1 rows (see capped_count). Below the cap it is
    Django's paginator; above it, pages go on as long as there are rows, and the
    page says "more than cap" instead of a total."""

    # An OFFSET beyond this is past the end of any list (and of PostgreSQL's bigint).
    max_offset = 2**31

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return selectors.capped_count(self.rows, self.cap)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return int(super().validate_number(number))
        try:
            value = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(number) from error
        if value < 1:
            raise EmptyPage(number)
        return value

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = (
            list(self.rows[bottom : bottom + self.per_page + 1])
            if bottom < self.max_offset
            else []
        )
        if not rows and number > 1:
            raise EmptyPage(number)
        return CappedPage(
            rows[: self.per_page],
            number,
            self,
            more=len(rows) > self.per_page,
        )

    def get_page(self, number: Any) -> Page:  # type: ignore[type-arg]
        if not self.capped:
            return super().get_page(number)
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            # No total to go to the last page of: the first page instead.
            return self.page(1)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - behind login_required
    return user


def _require_staff(request: HttpRequest) -> User:
    """The logged-in user, if they hold any role in an agency; otherwise 404."""
    user = _user(request)
    if not membership_paths(user):
        raise Http404
    return user


def _roles(user: User | AnonymousUser) -> set[str]:
    return {role for _path, role in membership_paths(user)}


# --- the console -------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    slug: str
    label: Any
    roles: frozenset[str] | None  # None: everyone on the staff
    select: Callable[..., DossierQuerySet]


QUEUES: tuple[Queue, ...] = (
    Queue(
        "to-receive",
        gettext_lazy("To receive (sent online)"),
        frozenset({CLERK}),
        selectors.queue_to_receive,
    ),
    Queue(
        "supplements-returned",
        gettext_lazy("Supplements returned"),
        frozenset({CLERK, SPECIALIST}),
        selectors.queue_supplements_returned,
    ),
    Queue(
        "to-hand-over",
        gettext_lazy("To hand over"),
        frozenset({CLERK, LEADER}),
        selectors.queue_to_hand_over,
    ),
    Queue(
        "ready-to-return",
        gettext_lazy("Ready to return"),
        frozenset({CLERK}),
        selectors.queue_ready_to_return,
    ),
    Queue(
        "assigned-to-me",
        gettext_lazy("Assigned to me"),
        frozenset({SPECIALIST}),
        selectors.queue_assigned_to_me,
    ),
    Queue(
        "to-appraise",
        gettext_lazy("To appraise (mine or not yet assigned)"),
        frozenset({SPECIALIST}),
        selectors.queue_to_appraise,
    ),
    Queue(
        "awaiting-approval",
        gettext_lazy("Awaiting approval"),
        frozenset({LEADER}),
        selectors.queue_to_approve,
    ),
    Queue(
        "nearing-deadline",
        gettext_lazy("Nearing the deadline"),
        None,
        selectors.queue_staff_nearing_deadline,
    ),
    Queue(
        "overdue",
        gettext_lazy("Overdue"),
        None,
        selectors.queue_staff_overdue,
    ),
    Queue(
        "all",
        gettext_lazy("All dossiers of my agencies"),
        None,
        selectors.queue_all,
    ),
)


def queues_for(user: User) -> list[Queue]:
    roles = _roles(user)
    return [q for q in QUEUES if q.roles is None or q.roles & roles]


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    """Work queues that fit the officer's roles, with counts, filters and search."""
    user = _require_staff(request)
    queues = queues_for(user)
    slug = request.GET.get("queue") or queues[0].slug
    current = next((q for q in queues if q.slug == slug), None)
    if current is None:
        raise Http404
    form = ConsoleFilterForm(request.GET or None)
    status = 200
    dossiers = current.select(user=user)
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        dossiers = selectors.dossier_search(dossiers, data["search"])
        if data["state"]:
            dossiers = dossiers.filter(state=data["state"])
        if data["deadline"]:
            dossiers = dossiers.filter(deadline_status=data["deadline"])
    counts = {
        q.slug: selectors.capped_count(q.select(user=user), QUEUE_COUNT_CAP)
        for q in queues
    }
    paginator = CappedPaginator(dossiers, PAGE_SIZE, cap=LIST_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/staff/console.html",
        {
            "queues": [
                (
                    q,
                    f"{QUEUE_COUNT_CAP}+"
                    if counts[q.slug] > QUEUE_COUNT_CAP
                    else str(counts[q.slug]),
                )
                for q in queues
            ],
            "list_cap": number_format(LIST_COUNT_CAP, force_grouping=True),
            "current": current,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_intake": CLERK in _roles(user),
        },
        status=status,
    )


# --- counter intake ----------------------------------------------------------------------


def _clerk_agencies(user: User) -> list[Agency]:
    paths = [path for path, role in membership_paths(user) if role == CLERK]
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Agency.objects.filter(condition).order_by("path"))


def _receivable_procedures(agencies: list[Agency]) -> QuerySet[Procedure]:
    """Published procedures the clerk's centres receive (or decide themselves)."""
    ids = [agency.pk for agency in agencies]
    receiving = Procedure.receiving_agencies.through.objects.filter(
        procedure_id=OuterRef("pk"), agency_id__in=ids
    )
    return Procedure.objects.published().filter(
        Q(competent_agency_id__in=ids) | Exists(receiving)
    )


def _procedure_matches(agencies: list[Agency], text: str) -> list[Procedure]:
    """The catalogue search (accents optional, typos forgiven), limited to the
    procedures this counter receives."""
    try:
        found = procedure_search(q=text)
    except CatalogueFilterError:
        return []
    ids = [agency.pk for agency in agencies]
    receiving = Procedure.receiving_agencies.through.objects.filter(
        procedure_id=OuterRef("pk"), agency_id__in=ids
    )
    found = found.filter(Q(competent_agency_id__in=ids) | Exists(receiving))
    return list(found[:PROCEDURE_CHOICES_LIMIT])


def _procedure_agencies(procedure: Procedure, agencies: list[Agency]) -> list[Agency]:
    allowed = {a.pk for a in procedure.receiving_agencies.all()}
    allowed.add(procedure.competent_agency_id)
    return [agency for agency in agencies if agency.pk in allowed]


def _prefill(find: IntakeFindForm) -> tuple[User | None, dict[str, Any]]:
    """The account with the phone typed at the counter, and what it prefills."""
    phone = find.cleaned_data["phone"] if find.is_valid() else ""
    if not phone:
        return None, {}
    initial: dict[str, Any] = {"applicant_phone": phone}
    account = User.objects.filter(phone=phone, is_active=True).first()
    if account is not None:
        initial.update(
            applicant_name=account.full_name,
            applicant_national_id=account.national_id,
            applicant_email=account.email or "",
            applicant_address=account.address,
        )
    return account, initial


def _chosen_procedure(value: Any, agencies: list[Agency]) -> Procedure | None:
    if not value or not (str(value).isascii() and str(value).isdecimal()):
        return None
    found: Procedure | None = (
        _receivable_procedures(agencies)
        .select_related("competent_agency")
        .prefetch_related("required_documents", "receiving_agencies")
        .filter(pk=int(value))
        .first()
    )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Record a walk-in dossier and go straight to the printable receipt."""
    user = _require_staff(request)
    agencies = _clerk_agencies(user)
    if not agencies:
        raise Http404
    find = IntakeFindForm(
        request.GET or None,
        procedures=_procedure_matches(agencies, request.GET.get("q", "")),
    )
    account, initial = _prefill(find) if find.is_bound else (None, {})
    status = 400 if find.is_bound and not find.is_valid() else 200
    params = request.POST if request.method == "POST" else request.GET
    procedure = _chosen_procedure(params.get("procedure"), agencies)
    form: IntakeForm | None = None
    if procedure is not None and request.method == "POST":
        own = _procedure_agencies(procedure, agencies)
        form = IntakeForm(
            request.POST, request.FILES, procedure=procedure, agencies=own
        )
        response = _do_intake(request, user, form, procedure)
        if response is not None:
            return response
        status = 400
    elif procedure is not None:
        own = _procedure_agencies(procedure, agencies)
        initial["procedure"] = procedure.pk
        form = IntakeForm(initial=initial, procedure=procedure, agencies=own)
    elif request.method == "POST":
        status = 400
        messages.error(request, _("Choose the procedure first."))
    if form is None and find.is_bound and find.has_matches:
        find.fields["procedure"].widget.attrs["autofocus"] = True
    elif form is not None and not form.is_bound:
        form.fields["applicant_name"].widget.attrs["autofocus"] = True
    return render(
        request,
        "dossiers/staff/intake.html",
        {"find": find, "form": form, "procedure": procedure, "account": account},
        status=status,
    )


def _do_intake(
    request: HttpRequest, user: User, form: IntakeForm, procedure: Procedure
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    # A phone number alone proves nothing (sign-up does not verify it): link the
    # walk-in dossier to an account only when its personal ID number matches too.
    owner = (
        User.objects.filter(
            phone=data["applicant_phone"],
            national_id=data["applicant_national_id"],
            is_active=True,
        ).first()
        if data.get("applicant_national_id")
        else None
    )
    uploads = [
        services.Upload(
            file=data[name], name=data[name].name or "", required_document=document
        )
        for name, document in form.document_fields
        if data.get(name)
    ]
    try:
        dossier = services.dossier_intake(
            actor=user,
            procedure=procedure,
            receiving_agency=data["receiving_agency"],
            applicant=services.Applicant(
                name=data["applicant_name"],
                phone=data["applicant_phone"],
                national_id=data["applicant_national_id"],
                email=data["applicant_email"],
                address=data["applicant_address"],
            ),
            submitter=services.Submitter(
                name=data["submitter_name"], phone=data["submitter_phone"]
            )
            if data["submitter_name"]
            else None,
            owner=owner,
            channel=data["channel"],
            summary=data["summary"],
            consent=data["consent"],
            ip=client_ip(request),
            uploads=uploads,
        )
    except DossierValidationError as exc:
        _errors_to_form(form, exc)
        return None
    except DossierError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(
        request,
        _("Dossier %(code)s received. Print the receipt and hand it over.")
        % {"code": dossier.code},
    )
    return redirect("dossiers:staff-receipt", code=dossier.code)


def _errors_to_form(form: Any, exc: DossierValidationError) -> None:
    for field, errors in exc.errors.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


# --- one dossier ---------------------------------------------------------------------------


def _staff_dossier(request: HttpRequest, code: str) -> tuple[User, Dossier]:
    user = _require_staff(request)
    try:
        dossier = selectors.dossier_get_for_user(
            user=user, code=code, with_history=True
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    return user, dossier


#: Actions offered on the staff dossier page, in the order they are shown.
STAFF_ACTIONS = (
    "receive",
    "refuse",
    "assign",
    "request_supplement",
    "supplement",
    "propose",
    "send_back",
    "approve",
    "request_payment",
    "confirm_payment",
    "return_result",
    "apologize",
    "withdraw",
    "stop",
)


def available_actions(user: User, dossier: Dossier) -> list[str]:
    """The actions this user may do on this dossier now (role, agency and state)."""
    return [
        action
        for action in STAFF_ACTIONS
        if can_act(user, dossier, action)
        and can_proceed(getattr(dossier, action), check_conditions=False)
    ]


def _make_form(
    action: str, user: User, dossier: Dossier, data: Any = None, files: Any = None
) -> ActionForm:
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"dossier": dossier, "prefix": action}
    if form_class is ApproveForm:
        kwargs["signer"] = user
    return form_class(data, files, **kwargs)


def _render_dossier(
    request: HttpRequest,
    user: User,
    dossier: Dossier,
    *,
    bound: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = available_actions(user, dossier)
    forms = []
    for action in actions:
        form = (
            bound
            if bound is not None and bound.prefix == action
            else _make_form(action, user, dossier)
        )
        forms.append(
            {
                "action": action,
                "label": action_label(action),
                "form": form,
                "multipart": action in MULTIPART_ACTIONS,
                "open": bound is not None and bound.prefix == action,
            }
        )
    return render(
        request,
        "dossiers/staff/dossier.html",
        {
            "dossier": dossier,
            "applicant": applicant_view(dossier, user),
            "action_forms": forms,
            "slips": [
                (number, slips.TITLES[number])
                for number in sorted(slips.ALL_FORMS)
                if slips.slip_available(dossier, number)
            ],
            "supplement_requests": dossier.supplement_requests.prefetch_related(
                "documents"
            ),
            "result": getattr(dossier, "result", None),
        },
        status=status,
    )


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    user, dossier = _staff_dossier(request, code)
    record_dossier_access(
        dossier=dossier, user=user, channel="web", ip=client_ip(request)
    )
    return _render_dossier(request, user, dossier)


@login_required
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """After intake or receipt: the receipt to print at once (Mẫu 01)."""
    user, dossier = _staff_dossier(request, code)
    if not handles_dossier(user, dossier) or not slips.slip_available(dossier, 1):
        raise Http404  # the receipt prints personal numbers in full
    record_dossier_access(
        dossier=dossier, user=user, channel="web", ip=client_ip(request)
    )
    return render(request, "dossiers/staff/receipt.html", {"dossier": dossier})


def _stale_message(
    request: HttpRequest, user: User, dossier: Dossier, action: str
) -> str:
    """Why this post comes too late (state changed, or not allowed now), or ""."""
    seen = request.POST.get(f"{action}-seen_state", "")
    if seen and seen != dossier.state:
        return _(
            "The dossier changed while you were working on it: it is now "
            "“%(state)s”. Check it again before acting."
        ) % {"state": dossier.get_state_display()}
    if action not in available_actions(user, dossier):
        return _(
            "“%(action)s” is not possible for you now: the dossier is “%(state)s”."
        ) % {"action": action_label(action), "state": dossier.get_state_display()}
    return ""


def _conflict(request: HttpRequest, dossier: Dossier, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("dossiers:staff-dossier", code=dossier.code)


@login_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Run one action; a race or a stale page gives a message and a redirect back."""
    user, dossier = _staff_dossier(request, code)
    if action not in ACTION_FORMS:
        raise Http404
    form = _make_form(action, user, dossier, request.POST, request.FILES)
    stale = _stale_message(request, user, dossier, action)
    if stale:
        return _conflict(request, dossier, stale)
    if not form.is_valid():
        return _render_dossier(request, user, dossier, bound=form, status=400)
    try:
        RUNNERS[action](user, dossier, form)
    except DossierValidationError as exc:
        _errors_to_form(form, exc)
        return _render_dossier(request, user, dossier, bound=form, status=400)
    except DossierError as exc:
        # A race, a role change, or the virus scanner down: a message, not a 500.
        return _conflict(request, dossier, exc.message)
    messages.success(request, _("Done: %(action)s.") % {"action": action_label(action)})
    if action == "receive":
        return redirect("dossiers:staff-receipt", code=dossier.code)
    return redirect("dossiers:staff-dossier", code=dossier.code)


def _uploads(form: Any) -> list[services.Upload]:
    return [
        services.Upload(
            file=form.cleaned_data[name],
            name=form.cleaned_data[name].name or "",
            required_document=document,
        )
        for name, document in form.document_fields
        if form.cleaned_data.get(name)
    ]


def _apologize(user: User, dossier: Dossier, form: ActionForm) -> object:
    assert isinstance(form, ApologizeForm)  # noqa: S101
    return services.dossier_apologize(
        dossier=dossier,
        actor=user,
        reason=form.cleaned_data["reason"],
        new_appointment=form.new_appointment(),
    )


def _supplement(user: User, dossier: Dossier, form: ActionForm) -> object:
    assert isinstance(form, SupplementForm)  # noqa: S101
    return services.dossier_supplement(
        dossier=dossier,
        actor=user,
        note=form.cleaned_data["note"],
        uploads=_uploads(form),
    )


@transaction.atomic
def _approve(user: User, dossier: Dossier, data: dict[str, Any]) -> object:
    """Store the signed result file (if any) and approve, in one transaction."""
    from dossiers.services.intake import _attach  # noqa: PLC0415

    attachment: Attachment | None = None
    upload = data.get("result_file")
    if upload:
        attachment = _attach(
            dossier=dossier,
            actor=user,
            upload=services.Upload(file=upload, name=upload.name or ""),
        )
    return services.dossier_approve(
        dossier=dossier,
        actor=user,
        number=data["number"],
        signer_name=data["signer_name"],
        signed_on=data["signed_on"],
        file=attachment,
    )


Runner = Callable[[User, Dossier, ActionForm], object]
s = services
RUNNERS: dict[str, Runner] = {
    "receive": lambda u, d, f: s.dossier_receive(dossier=d, actor=u),
    "refuse": lambda u, d, f: s.dossier_refuse(
        dossier=d, actor=u, reason=f.cleaned_data["reason"]
    ),
    "request_supplement": lambda u, d, f: s.dossier_request_supplement(
        dossier=d,
        actor=u,
        reason=f.cleaned_data["reason"],
        documents=list(f.cleaned_data["documents"]),
        items_text=f.cleaned_data["items_text"],
    ),
    "supplement": _supplement,
    "assign": lambda u, d, f: s.dossier_assign(
        dossier=d,
        actor=u,
        agency=f.cleaned_data["agency"],
        specialist=f.cleaned_data["specialist"],
    ),
    "propose": lambda u, d, f: s.dossier_propose(
        dossier=d,
        actor=u,
        granted=f.cleaned_data["granted"],
        notes=f.cleaned_data["notes"],
        number=f.cleaned_data["number"],
    ),
    "send_back": lambda u, d, f: s.dossier_send_back(
        dossier=d, actor=u, reason=f.cleaned_data["reason"]
    ),
    "approve": lambda u, d, f: _approve(u, d, f.cleaned_data),
    "request_payment": lambda u, d, f: s.dossier_request_payment(
        dossier=d,
        actor=u,
        amount=f.cleaned_data["amount"],
        note=f.cleaned_data["note"],
    ),
    "confirm_payment": lambda u, d, f: s.dossier_confirm_payment(dossier=d, actor=u),
    "stop": lambda u, d, f: s.dossier_stop(
        dossier=d, actor=u, reason=f.cleaned_data["reason"]
    ),
    "withdraw": lambda u, d, f: s.dossier_withdraw(
        dossier=d, actor=u, reason=f.cleaned_data["reason"]
    ),
    "return_result": lambda u, d, f: s.dossier_return_result(
        dossier=d, actor=u, channel=f.cleaned_data["channel"]
    ),
    "apologize": _apologize,
}


@login_required
@require_GET
def attachment_download(
    request: HttpRequest, code: str, attachment_id: int
) -> FileResponse:
    user, dossier = _staff_dossier(request, code)
    attachment = dossier.attachments.filter(pk=attachment_id).first()
    if attachment is None or not private_storage().exists(attachment.storage_name):
        raise Http404  # unknown, or deleted at the end of its retention period
    record_dossier_access(
        dossier=dossier, user=user, channel="web", ip=client_ip(request)
    )
    response = FileResponse(
        private_storage().open(attachment.storage_name, "rb"),
        as_attachment=False,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- slips -----------------------------------------------------------------------------------


@login_required
@require_GET
def slip(request: HttpRequest, code: str, form: int) -> HttpResponse:
    """Mẫu 01-05 as PDF: staff who may see the dossier; the owner gets 01-04."""
    user = _user(request)
    try:
        dossier = selectors.dossier_get_for_user(user=user, code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    # Slips print personal numbers in full: staff who handle the dossier only.
    staff = (
        bool(membership_paths(user))
        and _staff_can_view(user, dossier)
        and handles_dossier(user, dossier)
    )
    allowed = slips.ALL_FORMS if staff else set()
    if is_owner(user, dossier):
        allowed = allowed | slips.OWNER_FORMS
    if form not in allowed:
        raise Http404
    try:
        content = slips.render_slip(dossier=dossier, form=form)
    except slips.SlipNotAvailableError as exc:
        raise Http404 from exc
    if staff and not is_owner(user, dossier):
        record_dossier_access(
            dossier=dossier, user=user, channel="web", ip=client_ip(request)
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{slips.slip_filename(dossier, form)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _staff_can_view(user: User, dossier: Dossier) -> bool:
    """Staff visibility without the owner shortcut (an officer's own dossier)."""
    if dossier.owner_id == user.pk:
        owner, dossier.owner_id = dossier.owner_id, None
        try:
            return can_view_dossier(user, dossier)
        finally:
            dossier.owner_id = owner
    return can_view_dossier(user, dossier)
