"""Feedback (phản ánh, kiến nghị): submission, classification, assignment, handling
within the deadlines of Decision 766 indicator 5.2, answer and publication.

Every change writes one FeedbackEvent in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, User
from feedback.exceptions import (
    FeedbackPermissionError,
    FeedbackTransitionError,
    FeedbackValidationError,
    InvalidTokenError,
)
from feedback.models import Feedback, FeedbackEvent, RatingValue
from feedback.permissions import can_answer_feedback, can_manage_feedback
from feedback.services.ratings import SMS_CHANNELS, absolute_url, send_answer_sms
from feedback.tokens import MAX_TOKEN_LENGTH, new_token, token_hash
from procedures.models import Procedure
from worktime.calendar import get_calendar

State = Feedback.State
#: Where each action may start from; the target state is in the service.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "classify": (State.RECEIVED, State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED),
    "assign": (State.RECEIVED, State.IN_PROGRESS),
    "request_supplement": (State.RECEIVED, State.IN_PROGRESS),
    "resume": (State.SUPPLEMENT_REQUESTED,),
    "refuse": (State.RECEIVED, State.SUPPLEMENT_REQUESTED),
    "answer": (State.RECEIVED, State.IN_PROGRESS),
    "publish": (State.ANSWERED,),
    "unpublish": (State.ANSWERED,),
    "rate_answer": (State.ANSWERED,),
}


@dataclass(frozen=True)
class FeedbackInput:
    subject: str
    title: str
    content: str
    contact_name: str
    agency: Agency
    procedure: Procedure | None = None
    dossier_id: int | None = None
    staff_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    consent_to_publish: bool = False


def _audit(
    feedback: Feedback,
    *,
    action: str,
    from_state: str,
    actor: User | None,
    note: str = "",
) -> FeedbackEvent:
    return FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        from_state=from_state,
        to_state=feedback.state,
        actor=actor,
        note=note,
    )


@transaction.atomic
def feedback_submit(
    *, data: FeedbackInput, author: User | None
) -> tuple[Feedback, str]:
    """Record new feedback with its deadlines; returns it and its tracking token."""
    if data.subject not in Feedback.Subject.values:
        raise FeedbackValidationError({"subject": [_("Choose what it is about.")]})
    if not data.title.strip() or not data.content.strip():
        raise FeedbackValidationError({"content": [_("Write your feedback.")]})
    if not (data.contact_phone or data.contact_email or author):
        raise FeedbackValidationError(
            {"contact_phone": [_("Give a mobile number or an email for the answer.")]}
        )
    now = timezone.now()
    calendar = get_calendar()
    token, hashed = new_token()
    feedback = Feedback.objects.create(
        subject=data.subject,
        procedure=data.procedure,
        agency=data.agency,
        dossier_id=data.dossier_id,
        staff_name=data.staff_name.strip(),
        title=data.title.strip(),
        content=data.content.strip(),
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        author=author,
        consent_to_publish=data.consent_to_publish,
        refusal_due=calendar.add_working_days(now, settings.FEEDBACK_REFUSAL_DAYS),
        supplement_due=calendar.add_working_days(
            now, settings.FEEDBACK_SUPPLEMENT_DAYS
        ),
        handling_due=calendar.add_working_days(now, settings.FEEDBACK_HANDLING_DAYS),
        tracking_token_hash=hashed,
        created_at=now,
    )
    _audit(feedback, action="submit", from_state="", actor=author)
    return feedback, token


def _lock(feedback: Feedback, action: str) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.state not in ALLOWED_FROM[action]:
        raise FeedbackTransitionError
    return locked


def _require_manager(actor: User, feedback: Feedback) -> None:
    if not can_manage_feedback(actor, feedback):
        raise FeedbackPermissionError


def _require_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise FeedbackValidationError({field: [_("This field is required.")]})
    return value


@transaction.atomic
def feedback_classify(
    *, feedback: Feedback, actor: User, classification: str
) -> Feedback:
    feedback = _lock(feedback, "classify")
    _require_manager(actor, feedback)
    if classification not in Feedback.Classification.values:
        raise FeedbackValidationError(
            {"classification": [_("Choose a classification.")]}
        )
    feedback.classification = classification
    feedback.save(update_fields=["classification"])
    _audit(
        feedback,
        action="classify",
        from_state=feedback.state,
        actor=actor,
        note=classification,
    )
    return feedback


@transaction.atomic
def feedback_assign(*, feedback: Feedback, actor: User, assignee: User) -> Feedback:
    """Give the item to a staff member of the agency (or an agency above it)."""
    feedback = _lock(feedback, "assign")
    _require_manager(actor, feedback)
    if not any(
        feedback.agency.path.startswith(path)
        for path in assignee.memberships.values_list("agency__path", flat=True)
    ):
        raise FeedbackValidationError(
            {"assignee": [_("Choose a staff member of the agency concerned.")]}
        )
    from_state = feedback.state
    feedback.assigned_to = assignee
    feedback.state = State.IN_PROGRESS
    feedback.save(update_fields=["assigned_to", "state"])
    _audit(
        feedback,
        action="assign",
        from_state=from_state,
        actor=actor,
        note=assignee.get_full_name(),
    )
    return feedback


@transaction.atomic
def feedback_request_supplement(
    *, feedback: Feedback, actor: User, note: str
) -> Feedback:
    feedback = _lock(feedback, "request_supplement")
    if not can_answer_feedback(actor, feedback):
        raise FeedbackPermissionError
    note = _require_text(note, "note")
    from_state = feedback.state
    feedback.state = State.SUPPLEMENT_REQUESTED
    feedback.save(update_fields=["state"])
    _audit(
        feedback,
        action="request_supplement",
        from_state=from_state,
        actor=actor,
        note=note,
    )
    return feedback


@transaction.atomic
def feedback_resume(*, feedback: Feedback, actor: User, note: str) -> Feedback:
    """The author sent the information asked for; handling goes on."""
    feedback = _lock(feedback, "resume")
    if not can_answer_feedback(actor, feedback):
        raise FeedbackPermissionError
    feedback.state = State.IN_PROGRESS
    feedback.save(update_fields=["state"])
    _audit(
        feedback,
        action="resume",
        from_state=State.SUPPLEMENT_REQUESTED,
        actor=actor,
        note=note.strip(),
    )
    return feedback


@transaction.atomic
def feedback_refuse(*, feedback: Feedback, actor: User, reason: str) -> Feedback:
    """Not accepted for handling (outside scope, anonymous abuse…), with a reason."""
    feedback = _lock(feedback, "refuse")
    _require_manager(actor, feedback)
    reason = _require_text(reason, "reason")
    from_state = feedback.state
    feedback.state = State.REFUSED
    feedback.refusal_reason = reason
    feedback.closed_at = timezone.now()
    feedback.save(update_fields=["state", "refusal_reason", "closed_at"])
    _audit(feedback, action="refuse", from_state=from_state, actor=actor, note=reason)
    _notify_author(feedback)
    return feedback


@transaction.atomic
def feedback_answer(*, feedback: Feedback, actor: User, answer: str) -> Feedback:
    feedback = _lock(feedback, "answer")
    if not can_answer_feedback(actor, feedback):
        raise FeedbackPermissionError
    answer = _require_text(answer, "answer")
    now = timezone.now()
    from_state = feedback.state
    feedback.state = State.ANSWERED
    feedback.answer = answer
    feedback.answered_at = feedback.closed_at = now
    feedback.answered_by = actor
    feedback.publication_due = get_calendar().add_working_days(
        now, settings.FEEDBACK_PUBLICATION_DAYS
    )
    feedback.save()
    _audit(feedback, action="answer", from_state=from_state, actor=actor)
    _notify_author(feedback)
    return feedback


def _notify_author(feedback: Feedback) -> None:
    """SMS the author a fresh link to the outcome (the first link stays valid)."""
    token, hashed = new_token()
    feedback.answer_token_hash = hashed
    feedback.save(update_fields=["answer_token_hash"])
    phone = feedback.contact_phone or (
        feedback.author.phone if feedback.author is not None else ""
    )
    send_answer_sms(
        phone=phone or "",
        channel=SMS_CHANNELS[2],
        code=feedback.reference,
        link=absolute_url(reverse("feedback:feedback_track", args=[token])),
        idempotency_key=f"feedback:item:{feedback.pk}:{feedback.state}",
    )


@transaction.atomic
def feedback_publish(*, feedback: Feedback, actor: User, publish: bool) -> Feedback:
    """Show (or withdraw) an answered item on the public page; needs the consent."""
    feedback = _lock(feedback, "publish" if publish else "unpublish")
    _require_manager(actor, feedback)
    if publish and not feedback.consent_to_publish:
        raise FeedbackTransitionError(
            _("The author did not agree to publication of this feedback.")
        )
    feedback.published_at = timezone.now() if publish else None
    feedback.save(update_fields=["published_at"])
    _audit(
        feedback,
        action="publish" if publish else "unpublish",
        from_state=feedback.state,
        actor=actor,
    )
    return feedback


@transaction.atomic
def feedback_rate_answer(*, feedback: Feedback, value: str) -> Feedback:
    """The author says whether the answer satisfies them (input of indicator 5.3)."""
    feedback = _lock(feedback, "rate_answer")
    if value not in RatingValue.values:
        raise FeedbackValidationError({"value": [_("Choose how satisfied you are.")]})
    if feedback.answer_satisfaction:
        raise FeedbackTransitionError(_("You have already rated this answer."))
    feedback.answer_satisfaction = value
    feedback.save(update_fields=["answer_satisfaction"])
    _audit(
        feedback,
        action="rate_answer",
        from_state=feedback.state,
        actor=None,
        note=value,
    )
    return feedback


def feedback_by_token(*, token: str) -> Feedback:
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise InvalidTokenError
    hashed = token_hash(token)
    feedback = (
        Feedback.objects.select_related("agency", "procedure")
        .filter(tracking_token_hash=hashed)
        .first()
    ) or (
        Feedback.objects.select_related("agency", "procedure")
        .filter(answer_token_hash=hashed)
        .first()
    )
    if feedback is None:
        raise InvalidTokenError
    return feedback
