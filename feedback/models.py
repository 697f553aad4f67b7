"""Satisfaction ratings of returned dossiers, their follow-ups, and citizen feedback
(phản ánh, kiến nghị) with its audit trail (design.md §6, domain.md §4.2 and §4.4)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from dossiers.models import Dossier
from procedures.models import Procedure


class RatingValue(models.TextChoices):
    """The three values of the one-stop evaluation (domain.md §4.2)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Not satisfied")


class TimeAnswer(models.TextChoices):
    """Criterion 1: the processing time as the citizen saw it."""

    EARLIER = "earlier", _("Earlier than the appointment")
    ON_TIME = "on_time", _("On the appointment day")
    LATER = "later", _("Later than the appointment")


class VisitsAnswer(models.TextChoices):
    """Criterion 3: extra contacts needed to complete the dossier."""

    NONE = "none", _("No extra contact")
    ONE = "one", _("One extra contact")
    MORE = "more", _("More than one extra contact")


class Rating(models.Model):
    """One per returned dossier; agency, procedure and clerk copied for reporting."""

    class Source(models.TextChoices):
        SMS_LINK = "sms", _("Link sent by SMS")
        KIOSK = "kiosk", _("Tablet at the counter")
        ACCOUNT = "account", _("Citizen account")

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    value = models.CharField(_("rating"), max_length=16, choices=RatingValue.choices)
    reason = models.TextField(_("reason"), blank=True)
    time_answer = models.CharField(
        _("processing time"), max_length=10, choices=TimeAnswer.choices, blank=True
    )
    visits_answer = models.CharField(
        _("extra contacts"), max_length=10, choices=VisitsAnswer.choices, blank=True
    )
    staff_attitude = models.CharField(
        _("staff attitude"), max_length=16, choices=RatingValue.choices, blank=True
    )
    ease_of_use = models.CharField(
        _("ease of use"), max_length=16, choices=RatingValue.choices, blank=True
    )
    overall = models.CharField(
        _("overall"), max_length=16, choices=RatingValue.choices, blank=True
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving centre"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kiosk opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(value="dissatisfied") | ~Q(reason=""),
                name="rating_reason_when_dissatisfied",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "created_at"], name="rating_agency_time"),
            models.Index(
                fields=["procedure", "created_at"], name="rating_procedure_time"
            ),
            models.Index(fields=["clerk", "created_at"], name="rating_clerk_time"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_value_display()}"

    @property
    def is_dissatisfied(self) -> bool:
        return self.value == RatingValue.DISSATISFIED


class RatingInvitation(models.Model):
    """A single-use token that lets its holder rate one dossier without logging in.

    Only the SHA-256 of the token is stored: a copy of the database cannot rate.
    """

    class Kind(models.TextChoices):
        SMS_LINK = "sms", _("Link sent by SMS")
        KIOSK = "kiosk", _("Tablet at the counter")

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="rating_invitations",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    session_key = models.CharField(_("device session"), max_length=64, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(
        _("wrong confirmation codes"), default=0
    )

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_kind_display()}"


class FollowUp(models.Model):
    """A "not satisfied" rating that the agency's managers must answer."""

    rating = models.OneToOneField(
        Rating,
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        related_name="follow_up",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving centre"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    view_token_hash = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up of a rating")
        verbose_name_plural = _("follow-ups of ratings")
        ordering = ["deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="followup_answer_text",
            ),
        ]

    def __str__(self) -> str:
        return str(self.rating.dossier)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_overdue(self) -> bool:
        end = self.answered_at or timezone.now()
        return end > self.deadline


class Feedback(models.Model):
    """Phản ánh, kiến nghị: from anyone, classified, handled within deadlines."""

    class Subject(models.TextChoices):
        PROCEDURE = "procedure", _("An administrative procedure")
        STAFF = "staff", _("Staff or an agency")
        OTHER = "other", _("Something else")

    class Classification(models.TextChoices):
        REGULATION = "regulation", _("Regulations or procedures")
        CONDUCT = "conduct", _("Conduct of staff")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("Being handled")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("More information requested")
        REFUSED = "refused", _("Not accepted")
        ANSWERED = "answered", _("Answered")

    subject = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    staff_name = models.CharField(
        _("staff member concerned"), max_length=255, blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    contact_name = models.CharField(_("your name"), max_length=255)
    contact_phone = models.CharField(_("mobile phone"), max_length=12, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_to_publish = models.BooleanField(_("may be published"), default=False)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=24,
        choices=State.choices,
        default=State.RECEIVED,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_due = models.DateTimeField(_("refuse by"))
    supplement_due = models.DateTimeField(_("ask for more information by"))
    handling_due = models.DateTimeField(_("handle by"))
    publication_due = models.DateTimeField(_("publish by"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for not accepting"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    answer_satisfaction = models.CharField(
        _("satisfaction with the answer"),
        max_length=16,
        choices=RatingValue.choices,
        blank=True,
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("earlier feedback on the same matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    tracking_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A second link, sent by SMS with the answer; the first one stays valid.
    answer_token_hash = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(consent_to_publish=True, state="answered"),
                name="feedback_publish_only_answered_with_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "created_at"], name="feedback_agency_time"),
            models.Index(fields=["published_at"], name="feedback_published"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def reference(self) -> str:
        return f"PA{self.pk:06d}" if self.pk else ""

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def on_time(self) -> bool | None:
        """Handled within its deadline (5.2); None while open and not yet due."""
        due = (
            self.refusal_due if self.state == self.State.REFUSED else self.handling_due
        )
        if self.closed_at is not None:
            return self.closed_at <= due
        return False if timezone.now() > due else None


class FeedbackEvent(models.Model):
    """Append-only audit row: one per change of a feedback item."""

    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(
        _("from state"), max_length=24, choices=Feedback.State.choices, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=24, choices=Feedback.State.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Feedback events are append-only.")
        super().save(*args, **kwargs)
