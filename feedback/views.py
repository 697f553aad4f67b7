"""Pages: rate a returned dossier (link, kiosk, account), managers' follow-ups,
feedback from anyone, its handling by staff, and the public page of answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from dossiers.models import Dossier
from dossiers.permissions import CLERK, in_scope, is_owner
from feedback import forms, selectors, services
from feedback.exceptions import FeedbackError, FeedbackValidationError, NotReturnedError
from feedback.models import Feedback, FollowUp, Rating
from feedback.permissions import (
    can_handle_follow_up,
    can_manage_feedback,
    can_view_feedback,
)
from portal.db_router import use_replica

KIOSK_SESSION_KEY = "feedback_kiosk_token"


def _refused(request: HttpRequest, error: FeedbackError) -> HttpResponse:
    return render(
        request,
        "feedback/refused.html",
        {"message": error.message},
        status=error.status,
    )


def _apply_errors(form: Any, error: FeedbackValidationError) -> None:
    for field, field_errors in error.errors.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required ran first)
    return user


# --- rating by the SMS link -----------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.rating_invitation_get(token=token)
    except FeedbackError as error:
        return _refused(request, error)
    if invitation.kind != invitation.Kind.SMS_LINK:
        raise Http404
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.rating_submit_with_token(
                token=token, answers=form.answers()
            )
        except FeedbackValidationError as error:
            _apply_errors(form, error)
        except FeedbackError as error:
            return _refused(request, error)
        else:
            return _thanks(request, rating)
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "dossier": invitation.dossier},
        status=400 if form.errors else 200,
    )


def _thanks(request: HttpRequest, rating: Rating) -> HttpResponse:
    return render(request, "feedback/thanks.html", {"rating": rating})


# --- rating from the citizen's account ------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def rate_dossier(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    dossier = get_object_or_404(
        Dossier.objects.select_related("procedure", "receiving_agency"), code=code
    )
    if not is_owner(user, dossier):
        raise Http404
    rating = Rating.objects.filter(dossier=dossier).select_related("follow_up").first()
    if rating is not None:
        return render(request, "feedback/rating_detail.html", {"rating": rating})
    if dossier.state != Dossier.State.RETURNED:
        return _refused(request, NotReturnedError())
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.rating_submit_by_owner(
                dossier=dossier, user=user, answers=form.answers()
            )
        except FeedbackValidationError as error:
            _apply_errors(form, error)
        except FeedbackError as error:
            return _refused(request, error)
        else:
            return _thanks(request, rating)
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "dossier": dossier},
        status=400 if form.errors else 200,
    )


# --- kiosk at the counter -------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_start(request: HttpRequest, code: str) -> HttpResponse:
    """Staff only: open the rating form for this dossier on this tablet, logging the
    clerk out of it."""
    user = _user(request)
    dossier = get_object_or_404(
        Dossier.objects.select_related("receiving_agency", "procedure"), code=code
    )
    if not in_scope(user, dossier.receiving_agency, (CLERK,)):
        raise Http404
    if request.method == "GET":
        return render(request, "feedback/kiosk_start.html", {"dossier": dossier})
    try:
        services.kiosk_check(dossier=dossier, clerk=user)
    except FeedbackError as error:
        return _refused(request, error)
    # The tablet goes to the citizen: it must not carry the clerk's session. The
    # form is bound to the fresh anonymous session; the invitation names the clerk.
    logout(request)
    request.session.save()
    try:
        token = services.kiosk_open(
            dossier=dossier,
            clerk=user,
            session_key=request.session.session_key or "",
        )
    except FeedbackError as error:
        return _refused(request, error)
    request.session[KIOSK_SESSION_KEY] = token
    return redirect("feedback:kiosk")


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """The tablet screen: no applicant data shown, the citizen proves presence."""
    token = request.session.get(KIOSK_SESSION_KEY, "")
    try:
        invitation = services.rating_invitation_get(token=token)
    except FeedbackError as error:
        request.session.pop(KIOSK_SESSION_KEY, None)
        return _refused(request, error)
    if invitation.session_key != request.session.session_key:
        raise Http404
    form = forms.KioskRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rating = services.rating_submit_at_kiosk(
                token=token,
                session_key=request.session.session_key or "",
                phone_digits=form.cleaned_data["phone_digits"],
                answers=form.answers(),
            )
        except FeedbackValidationError as error:
            _apply_errors(form, error)
        except FeedbackError as error:
            if error.status == 400:
                form.add_error("phone_digits", error.message)
            else:
                request.session.pop(KIOSK_SESSION_KEY, None)
                return _refused(request, error)
        else:
            request.session.pop(KIOSK_SESSION_KEY, None)
            return _thanks(request, rating)
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "dossier": invitation.dossier, "kiosk": True},
        status=400 if form.errors else 200,
    )


# --- follow-ups -----------------------------------------------------------------------


def follow_up_view(request: HttpRequest, token: str) -> HttpResponse:
    """The answer to a "not satisfied" rating, from the SMS link."""
    try:
        follow_up = services.follow_up_by_view_token(token=token)
    except FeedbackError as error:
        return _refused(request, error)
    return render(request, "feedback/rating_detail.html", {"rating": follow_up.rating})


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = selectors.follow_ups_for_manager(user=_user(request))
    page = Paginator(follow_ups, 25).get_page(request.GET.get("page"))
    return render(request, "feedback/follow_up_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related(
            "rating", "rating__dossier", "rating__procedure", "agency"
        ),
        pk=pk,
    )
    if not can_handle_follow_up(user, follow_up):
        raise Http404
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(
                follow_up=follow_up, actor=user, answer=form.cleaned_data["answer"]
            )
        except FeedbackValidationError as error:
            _apply_errors(form, error)
        except FeedbackError as error:
            messages.error(request, error.message)
            return redirect("feedback:follow_up_detail", pk=pk)
        else:
            messages.success(request, _("The answer has been sent to the citizen."))
            return redirect("feedback:follow_up_detail", pk=pk)
    return render(
        request,
        "feedback/follow_up_detail.html",
        {"follow_up": follow_up, "form": form},
        status=400 if form.errors else 200,
    )


# --- feedback from anyone -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_create(request: HttpRequest) -> HttpResponse:
    author = request.user if isinstance(request.user, User) else None
    form = forms.FeedbackForm(request.POST or None, user=author)
    if request.method == "POST" and form.is_valid():
        try:
            feedback, token = services.feedback_submit(
                data=form.to_input(), author=author
            )
        except FeedbackValidationError as error:
            _apply_errors(form, error)
        else:
            link = request.build_absolute_uri(
                reverse("feedback:feedback_track", args=[token])
            )
            return render(
                request,
                "feedback/feedback_sent.html",
                {"feedback": feedback, "link": link},
            )
    return render(
        request,
        "feedback/feedback_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_track(request: HttpRequest, token: str) -> HttpResponse:
    """The author follows their item and says whether the answer satisfies them."""
    try:
        feedback = services.feedback_by_token(token=token)
    except FeedbackError as error:
        return _refused(request, error)
    form = forms.AnswerRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_rate_answer(
                feedback=feedback, value=form.cleaned_data["value"]
            )
        except FeedbackError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for rating our answer."))
        return redirect("feedback:feedback_track", token=token)
    return render(
        request, "feedback/feedback_track.html", {"feedback": feedback, "form": form}
    )


@use_replica()
def feedback_public(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.feedback_published(), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "feedback/feedback_public.html", {"page": page})


# --- feedback handling by staff -------------------------------------------------------


@login_required
def feedback_staff_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in (None, *Feedback.State.values):
        state = None
    items = selectors.feedback_for_staff(user=_user(request), state=state)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/feedback_staff_list.html",
        {"page": page, "states": Feedback.State.choices, "state": state},
    )


def _staff_item(request: HttpRequest, pk: int) -> Feedback:
    feedback = get_object_or_404(
        Feedback.objects.select_related("agency", "procedure", "assigned_to"), pk=pk
    )
    if not can_view_feedback(_user(request), feedback):
        raise Http404
    return feedback


@login_required
def feedback_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _staff_item(request, pk)
    return render(
        request,
        "feedback/feedback_staff_detail.html",
        _staff_context(request, feedback),
    )


def _staff_context(
    request: HttpRequest, feedback: Feedback, **forms_: Any
) -> dict[str, Any]:
    staff = selectors.assignable_staff(agency=feedback.agency)
    context: dict[str, Any] = {
        "feedback": feedback,
        "events": feedback.events.select_related("actor"),
        "can_manage": can_manage_feedback(_user(request), feedback),
        "classify_form": forms.ClassifyForm(
            initial={"classification": feedback.classification}
        ),
        "assign_form": forms.AssignForm(staff=staff),
        "note_form": forms.NoteForm(),
        "reason_form": forms.ReasonForm(),
        "answer_form": forms.AnswerForm(),
    }
    context.update(forms_)
    return context


_ACTIONS = {
    "classify": (forms.ClassifyForm, "classify_form"),
    "assign": (forms.AssignForm, "assign_form"),
    "request_supplement": (forms.NoteForm, "note_form"),
    "resume": (forms.NoteForm, "note_form"),
    "refuse": (forms.ReasonForm, "reason_form"),
    "answer": (forms.AnswerForm, "answer_form"),
    "publish": (None, ""),
    "unpublish": (None, ""),
}


@login_required
@require_POST
def feedback_staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _ACTIONS:
        raise Http404
    user = _user(request)
    feedback = _staff_item(request, pk)
    form_class, form_name = _ACTIONS[action]
    form: Any = None
    if form_class is forms.AssignForm:
        form = form_class(
            request.POST, staff=selectors.assignable_staff(agency=feedback.agency)
        )
    elif form_class is not None:
        form = form_class(request.POST)
    if form is not None and not form.is_valid():
        return render(
            request,
            "feedback/feedback_staff_detail.html",
            _staff_context(request, feedback, **{form_name: form}),
            status=400,
        )
    data = form.cleaned_data if form is not None else {}
    try:
        _run_action(action, feedback=feedback, actor=user, data=data)
    except FeedbackValidationError as error:
        for messages_ in error.errors.values():
            for message in messages_:
                messages.error(request, message)
    except FeedbackError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("feedback:feedback_staff_detail", pk=pk)


def _run_action(
    action: str, *, feedback: Feedback, actor: User, data: dict[str, Any]
) -> None:
    if action == "classify":
        services.feedback_classify(
            feedback=feedback, actor=actor, classification=data["classification"]
        )
    elif action == "assign":
        services.feedback_assign(
            feedback=feedback, actor=actor, assignee=data["assignee"]
        )
    elif action == "request_supplement":
        services.feedback_request_supplement(
            feedback=feedback, actor=actor, note=data["note"]
        )
    elif action == "resume":
        services.feedback_resume(feedback=feedback, actor=actor, note=data["note"])
    elif action == "refuse":
        services.feedback_refuse(feedback=feedback, actor=actor, reason=data["reason"])
    elif action == "answer":
        services.feedback_answer(feedback=feedback, actor=actor, answer=data["answer"])
    else:
        services.feedback_publish(
            feedback=feedback, actor=actor, publish=action == "publish"
        )
