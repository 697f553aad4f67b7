"""Ratings of returned dossiers: the SMS link, the kiosk at the counter, the citizen's
account, and the follow-up a "not satisfied" rating opens for the agency's managers."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import Dossier, DossierEvent, DossierState
from dossiers.permissions import CLERK, in_scope, is_owner
from feedback.exceptions import (
    AlreadyRatedError,
    ExpiredTokenError,
    FeedbackPermissionError,
    FeedbackTransitionError,
    FeedbackValidationError,
    InvalidTokenError,
    KioskCodeWrongError,
    KioskLockedError,
    NotReturnedError,
    UsedTokenError,
)
from feedback.models import (
    FollowUp,
    Rating,
    RatingInvitation,
    RatingValue,
    TimeAnswer,
    VisitsAnswer,
)
from feedback.permissions import can_handle_follow_up
from feedback.tokens import MAX_TOKEN_LENGTH, new_token, token_hash
from worktime.calendar import get_calendar

logger = logging.getLogger(__name__)

#: Dossier.Channel → the SMS template switch (notifications.constants.SmsChannel).
SMS_CHANNELS = {1: "counter", 2: "online", 3: "post"}


@dataclass(frozen=True)
class RatingAnswers:
    value: str
    reason: str = ""
    time_answer: str = ""
    visits_answer: str = ""
    staff_attitude: str = ""
    ease_of_use: str = ""
    overall: str = ""

    def validate(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.value not in RatingValue.values:
            errors["value"] = [_("Choose how satisfied you are.")]
        elif self.value == RatingValue.DISSATISFIED and not self.reason.strip():
            errors["reason"] = [_("Please tell us why you are not satisfied.")]
        optional = {
            "time_answer": TimeAnswer.values,
            "visits_answer": VisitsAnswer.values,
            "staff_attitude": RatingValue.values,
            "ease_of_use": RatingValue.values,
            "overall": RatingValue.values,
        }
        for name, allowed in optional.items():
            answer = getattr(self, name)
            if answer and answer not in allowed:
                errors[name] = [_("Choose one of the answers offered.")]
        if errors:
            raise FeedbackValidationError(errors)


def absolute_url(path: str) -> str:
    return str(settings.PORTAL_BASE_URL).rstrip("/") + path


# --- invitations ----------------------------------------------------------------------


def rating_invitation_create(
    *,
    dossier: Dossier,
    kind: str = RatingInvitation.Kind.SMS_LINK,
    opened_by: User | None = None,
    session_key: str = "",
) -> tuple[RatingInvitation, str]:
    """A new single-use invitation; returns it and the token (never stored)."""
    token, hashed = new_token()
    now = timezone.now()
    if kind == RatingInvitation.Kind.KIOSK:
        lifetime = dt.timedelta(minutes=settings.FEEDBACK_KIOSK_MINUTES)
    else:
        lifetime = dt.timedelta(days=settings.FEEDBACK_RATING_LINK_DAYS)
    invitation = RatingInvitation.objects.create(
        dossier=dossier,
        kind=kind,
        token_hash=hashed,
        created_at=now,
        expires_at=now + lifetime,
        opened_by=opened_by,
        session_key=session_key,
    )
    return invitation, token


def rating_link_for(*, dossier: Dossier) -> str:
    """The absolute, SMS-short link (…/dg/<12 chars>) to rate `dossier` once.

    Call it in the return transaction (dossiers.notices does): the invitation row is
    written with the SMS that carries it.
    """
    _invitation, token = rating_invitation_create(dossier=dossier)
    return absolute_url(reverse("feedback:rate_link", args=[token]))


def _check_open(invitation: RatingInvitation, now: dt.datetime) -> None:
    if invitation.used_at is not None:
        raise UsedTokenError
    if invitation.revoked_at is not None:
        raise KioskLockedError
    if invitation.expires_at <= now:
        raise ExpiredTokenError


def rating_invitation_get(*, token: str) -> RatingInvitation:
    """The open invitation for `token`, or the reason it cannot be used."""
    invitation = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        invitation = (
            RatingInvitation.objects.select_related(
                "dossier", "dossier__procedure", "dossier__receiving_agency"
            )
            .filter(token_hash=token_hash(token))
            .first()
        )
    if invitation is None:
        raise InvalidTokenError
    _check_open(invitation, timezone.now())
    _check_ratable(invitation.dossier)
    return invitation


def _check_ratable(dossier: Dossier) -> None:
    if dossier.state != DossierState.RETURNED:
        raise NotReturnedError
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise AlreadyRatedError


# --- rating ---------------------------------------------------------------------------


def _receiving_clerk_id(dossier: Dossier) -> int | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action__in=["intake", "receive"])
        .order_by("created_at", "id")
        .values_list("actor_id", flat=True)
        .first()
    )


def _rating_create(
    *,
    dossier: Dossier,
    answers: RatingAnswers,
    source: str,
    opened_by: User | None = None,
    rater: User | None = None,
) -> Rating:
    """Must run inside a transaction: locks the dossier so two ratings cannot race."""
    answers.validate()
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure")
        .get(pk=dossier.pk)
    )
    _check_ratable(dossier)
    now = timezone.now()
    rating = Rating(
        dossier=dossier,
        value=answers.value,
        reason=answers.reason.strip(),
        time_answer=answers.time_answer,
        visits_answer=answers.visits_answer,
        staff_attitude=answers.staff_attitude,
        ease_of_use=answers.ease_of_use,
        overall=answers.overall,
        agency_id=dossier.procedure.competent_agency_id,
        receiving_agency_id=dossier.receiving_agency_id,
        procedure_id=dossier.procedure_id,
        clerk_id=_receiving_clerk_id(dossier),
        source=source,
        opened_by=opened_by,
        rater=rater,
        created_at=now,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise AlreadyRatedError from exc
    if rating.is_dissatisfied:
        FollowUp.objects.create(
            rating=rating,
            agency_id=rating.agency_id,
            receiving_agency_id=rating.receiving_agency_id,
            deadline=get_calendar().add_working_days(
                now, settings.FEEDBACK_FOLLOWUP_DAYS
            ),
            created_at=now,
        )
    return rating


def rating_submit_with_token(*, token: str, answers: RatingAnswers) -> Rating:
    """Rate through an SMS link: single use, expiring, no login."""
    with transaction.atomic():
        invitation = _lock_invitation(token)
        if invitation.kind != RatingInvitation.Kind.SMS_LINK:
            raise InvalidTokenError
        rating = _rating_create(
            dossier=invitation.dossier,
            answers=answers,
            source=Rating.Source.SMS_LINK,
        )
        invitation.used_at = rating.created_at
        invitation.save(update_fields=["used_at"])
    return rating


def _lock_invitation(token: str) -> RatingInvitation:
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise InvalidTokenError
    invitation = (
        RatingInvitation.objects.select_for_update()
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvalidTokenError
    _check_open(invitation, timezone.now())
    return invitation


def rating_submit_by_owner(
    *, dossier: Dossier, user: User, answers: RatingAnswers
) -> Rating:
    """A logged-in citizen rates their own dossier."""
    if not is_owner(user, dossier):
        raise FeedbackPermissionError
    with transaction.atomic():
        return _rating_create(
            dossier=dossier, answers=answers, source=Rating.Source.ACCOUNT, rater=user
        )


# --- kiosk ----------------------------------------------------------------------------


def kiosk_check(*, dossier: Dossier, clerk: User) -> None:
    """Raise unless `clerk` may open the kiosk form for `dossier` now."""
    if not in_scope(clerk, dossier.receiving_agency, (CLERK,)):
        raise FeedbackPermissionError
    _check_ratable(dossier)
    if _kiosk_failures(dossier) >= settings.FEEDBACK_KIOSK_MAX_ATTEMPTS:
        raise KioskLockedError


def kiosk_open(*, dossier: Dossier, clerk: User, session_key: str) -> str:
    """A clerk opens the rating form on the counter's tablet; returns the kiosk token.

    The token is bound to the tablet's session and lasts FEEDBACK_KIOSK_MINUTES;
    opening a new one closes the previous one for the same dossier. The invitation
    row records who opened it (the audit of kiosk use).
    """
    kiosk_check(dossier=dossier, clerk=clerk)
    if not session_key:
        raise InvalidTokenError
    now = timezone.now()
    with transaction.atomic():
        RatingInvitation.objects.filter(
            dossier=dossier,
            kind=RatingInvitation.Kind.KIOSK,
            used_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        _invitation, token = rating_invitation_create(
            dossier=dossier,
            kind=RatingInvitation.Kind.KIOSK,
            opened_by=clerk,
            session_key=session_key,
        )
    logger.info("Kiosk rating opened for dossier %s by user %s", dossier.pk, clerk.pk)
    return token


def _kiosk_failures(dossier: Dossier) -> int:
    total = RatingInvitation.objects.filter(
        dossier=dossier, kind=RatingInvitation.Kind.KIOSK
    ).aggregate(total=Sum("failed_attempts"))["total"]
    return int(total or 0)


def phone_digits_match(dossier: Dossier, digits: str) -> bool:
    phone = "".join(ch for ch in dossier.applicant_phone if ch.isdigit())
    return len(digits) == 4 and digits.isdigit() and phone.endswith(digits)


def rating_submit_at_kiosk(
    *, token: str, session_key: str, phone_digits: str, answers: RatingAnswers
) -> Rating:
    """The citizen at the counter rates, proving presence with the last four digits
    of the applicant's mobile number (the kiosk screen never shows it).

    Wrong digits count against the invitation; after FEEDBACK_KIOSK_MAX_ATTEMPTS it
    is closed, so a clerk cannot try numbers until one fits.
    """
    answers.validate()
    with transaction.atomic():
        invitation = _lock_invitation(token)
        if (
            invitation.kind != RatingInvitation.Kind.KIOSK
            or not session_key
            or invitation.session_key != session_key
        ):
            raise InvalidTokenError
        if phone_digits_match(invitation.dossier, phone_digits.strip()):
            rating = _rating_create(
                dossier=invitation.dossier,
                answers=answers,
                source=Rating.Source.KIOSK,
                opened_by=invitation.opened_by,
            )
            invitation.used_at = rating.created_at
            invitation.save(update_fields=["used_at"])
            return rating
        invitation.failed_attempts += 1
        # Counted per dossier, not per form: reopening the kiosk gives no new tries.
        locked = (
            _kiosk_failures(invitation.dossier) + 1
            >= settings.FEEDBACK_KIOSK_MAX_ATTEMPTS
        )
        if locked:
            invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["failed_attempts", "revoked_at"])
    logger.warning(
        "Wrong phone digits at the kiosk for dossier %s (attempt %s)",
        invitation.dossier_id,
        invitation.failed_attempts,
    )
    raise KioskLockedError if locked else KioskCodeWrongError


# --- follow-up ------------------------------------------------------------------------


@transaction.atomic
def follow_up_answer(*, follow_up: FollowUp, actor: User, answer: str) -> FollowUp:
    """A manager answers a "not satisfied" rating; the citizen gets an SMS link."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("rating__dossier", "agency", "receiving_agency")
        .get(pk=follow_up.pk)
    )
    if not can_handle_follow_up(actor, follow_up):
        raise FeedbackPermissionError
    if follow_up.is_answered:
        raise FeedbackTransitionError(_("This rating has already been answered."))
    answer = answer.strip()
    if not answer:
        raise FeedbackValidationError({"answer": [_("Write the answer.")]})
    token, hashed = new_token()
    follow_up.answer = answer
    follow_up.answered_at = timezone.now()
    follow_up.answered_by = actor
    follow_up.view_token_hash = hashed
    follow_up.save()
    dossier = follow_up.rating.dossier
    send_answer_sms(
        phone=dossier.applicant_phone,
        channel=SMS_CHANNELS.get(dossier.channel, "online"),
        code=dossier.code or "",
        link=absolute_url(reverse("feedback:follow_up_view", args=[token])),
        idempotency_key=f"feedback:follow-up:{follow_up.pk}",
        dossier=dossier,
    )
    return follow_up


def send_answer_sms(
    *,
    phone: str,
    channel: str,
    code: str,
    link: str,
    idempotency_key: str,
    dossier: Dossier | None = None,
) -> None:
    """Queue the "answered" SMS in the caller's transaction (outbox), if possible."""
    from notifications.constants import SmsEvent  # noqa: PLC0415
    from notifications.services import sms_enqueue  # noqa: PLC0415

    if not phone:
        return
    try:
        sms_enqueue(
            event=SmsEvent.FEEDBACK_ANSWERED,
            phone=phone,
            channel=channel,
            context={"code": code, "link": link},
            idempotency_key=idempotency_key,
            dossier_id=dossier.pk if dossier else None,
            dossier_code=dossier.code or "" if dossier else "",
        )
    except ValidationError:
        # An unusable number must not lose the answer; it stays on the web page.
        logger.warning("Answer SMS not queued: %s has no usable phone", code)


def follow_up_by_view_token(*, token: str) -> FollowUp:
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise InvalidTokenError
    follow_up = (
        FollowUp.objects.select_related("rating__dossier")
        .filter(view_token_hash=token_hash(token))
        .exclude(view_token_hash="")
        .first()
    )
    if follow_up is None:
        raise InvalidTokenError
    return follow_up
