"""Dossiers (hồ sơ): the state machine of design.md §3, its audit trail and documents.

Transitions live on `Dossier` as django-fsm `@transition` methods whose bodies only
set fields; locking, saving, audit rows, deadlines and notices belong to
`dossiers.services`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Agency
from dossiers import deadlines, permissions
from procedures.models import Procedure, RequiredDocument


class DossierState(models.TextChoices):
    # Labels are written for citizens (they read them on the lookup page and in SMS).
    DRAFT = "draft", _("Draft, not sent yet")
    SUBMITTED = "submitted", _("Sent, awaiting intake")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Not accepted")
    APPRAISING = "appraising", _("Being processed")
    PENDING_APPROVAL = "pending_approval", _("Being processed, awaiting approval")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Documents must be completed")
    AWAITING_PAYMENT = "awaiting_payment", _("Fees or financial obligations due")
    WITHDRAWN = "withdrawn", _("Withdrawn at the applicant's request")
    STOPPED = "stopped", _("Processing stopped")
    READY = "ready", _("Result ready for collection")
    RETURNED = "returned", _("Result returned")


#: National portal status codes (domain.md §2.4); a draft has none.
NATIONAL_STATUS_CODES: dict[str, int | None] = {
    DossierState.DRAFT: None,
    DossierState.SUBMITTED: 1,
    DossierState.RECEIVED: 2,
    DossierState.REFUSED: 3,
    DossierState.APPRAISING: 4,
    DossierState.PENDING_APPROVAL: 4,
    DossierState.SUPPLEMENT_REQUESTED: 5,
    DossierState.AWAITING_PAYMENT: 6,
    DossierState.WITHDRAWN: 7,
    DossierState.STOPPED: 8,
    DossierState.READY: 9,
    DossierState.RETURNED: 10,
}

S = DossierState
#: States in which the processing clock is running or paused (received, not finished).
IN_PROGRESS_STATES = (
    S.RECEIVED,
    S.APPRAISING,
    S.PENDING_APPROVAL,
    S.SUPPLEMENT_REQUESTED,
    S.AWAITING_PAYMENT,
)
FINISHED_STATES = (S.REFUSED, S.WITHDRAWN, S.STOPPED, S.READY, S.RETURNED)


def has_mandatory_documents(dossier: models.Model) -> bool:
    """Every mandatory required document of the procedure version has an attachment."""
    return isinstance(dossier, Dossier) and not dossier.missing_mandatory_documents()


def is_not_online(dossier: models.Model) -> bool:
    return isinstance(dossier, Dossier) and dossier.channel != Dossier.Channel.ONLINE


class DossierQuerySet(models.QuerySet["Dossier"]):
    def in_progress(self) -> DossierQuerySet:
        return self.filter(state__in=IN_PROGRESS_STATES)

    def with_related(self) -> DossierQuerySet:
        return self.select_related(
            "procedure",
            "procedure__competent_agency",
            "receiving_agency",
            "current_agency",
            "assigned_specialist",
        )


class DossierManager(models.Manager["Dossier"]):
    def get_queryset(self) -> DossierQuerySet:
        return DossierQuerySet(self.model, using=self._db)

    def in_progress(self) -> DossierQuerySet:
        return self.get_queryset().in_progress()

    def with_related(self) -> DossierQuerySet:
        return self.get_queryset().with_related()


class Dossier(ConcurrentTransitionMixin, models.Model):
    State = DossierState

    class Channel(models.IntegerChoices):
        COUNTER = 1, _("At the counter")
        ONLINE = 2, _("Online")
        POST = 3, _("By public post")

    class ApplicantType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business or organisation")

    class ReturnChannel(models.TextChoices):
        COUNTER = "counter", _("At the counter")
        POST = "post", _("By public post")
        ONLINE = "online", _("Online")

    DeadlineStatus = deadlines.Progress
    Timeliness = deadlines.Timeliness

    # NULL until assigned (drafts): many drafts, one code each once submitted.
    code = models.CharField(
        _("dossier code"), max_length=60, unique=True, null=True, blank=True
    )
    state = FSMField(
        _("state"),
        max_length=24,
        choices=DossierState.choices,
        default=DossierState.DRAFT,
        protected=True,
        db_index=True,
    )
    status_code = models.PositiveSmallIntegerField(
        _("national status code"), null=True, blank=True, editable=False
    )
    channel = models.PositiveSmallIntegerField(
        _("channel"), choices=Channel.choices, default=Channel.ONLINE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_type = models.CharField(
        _("applicant type"),
        max_length=10,
        choices=ApplicantType.choices,
        default=ApplicantType.CITIZEN,
    )
    applicant_name = models.CharField(_("applicant name"), max_length=255)
    applicant_phone = models.CharField(_("applicant mobile phone"), max_length=12)
    applicant_national_id = models.CharField(
        _("applicant ID number"), max_length=20, blank=True
    )
    applicant_email = models.EmailField(_("applicant email"), blank=True)
    applicant_address = models.CharField(
        _("applicant address"), max_length=255, blank=True
    )
    submitter_name = models.CharField(
        _("authorised submitter"), max_length=255, blank=True
    )
    submitter_phone = models.CharField(
        _("submitter mobile phone"), max_length=12, blank=True
    )
    submitter_national_id = models.CharField(
        _("submitter ID number"), max_length=20, blank=True
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving centre"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    current_agency = models.ForeignKey(
        Agency,
        verbose_name=_("current agency"),
        on_delete=models.PROTECT,
        related_name="held_dossiers",
    )
    assigned_specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned specialist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    original_appointment_at = models.DateTimeField(
        _("appointment before apologies"),
        null=True,
        blank=True,
        help_text=_(
            "Moves with pauses, never with an apology; drives on-time metrics."
        ),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_channel = models.CharField(
        _("return channel"), max_length=10, choices=ReturnChannel.choices, blank=True
    )
    supplement_count = models.PositiveSmallIntegerField(
        _("supplement requests"), default=0
    )
    late_by_rule = models.BooleanField(
        _("late by rule"),
        default=False,
        help_text=_("Supplement requested more than once after receipt."),
    )
    paused_from_state = models.CharField(
        _("state to resume"), max_length=24, choices=DossierState.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    deadline_status = models.CharField(
        _("deadline status"),
        max_length=10,
        choices=DeadlineStatus.choices,
        blank=True,
        db_index=True,
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    anonymised_at = models.DateTimeField(
        _("personal data anonymised at"), null=True, blank=True, editable=False
    )

    objects: ClassVar[DossierManager] = DossierManager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["receiving_agency", "state"], name="dossier_recv_state"
            ),
            models.Index(fields=["current_agency", "state"], name="dossier_curr_state"),
            models.Index(fields=["owner", "state"], name="dossier_owner_state"),
            models.Index(fields=["state", "appointment_at"], name="dossier_state_appt"),
            # The staff console's "all dossiers" list, newest first: read backwards
            # and stopped after a page, instead of sorting the whole scope.
            models.Index(fields=["created_at", "id"], name="dossier_created_id"),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.get_state_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.status_code = NATIONAL_STATUS_CODES[self.state]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "status_code", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def national_status_code(self) -> int | None:
        return NATIONAL_STATUS_CODES[self.state]

    @property
    def is_paused(self) -> bool:
        return self.state in (S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)

    def missing_mandatory_documents(self) -> list[RequiredDocument]:
        attached = set(
            self.attachments.exclude(required_document=None).values_list(
                "required_document_id", flat=True
            )
        )
        return [
            document
            for document in self.procedure.required_documents.all()
            if document.mandatory and document.pk not in attached
        ]

    # --- transitions: bodies only set fields --------------------------------------

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        conditions=[has_mandatory_documents],
        permission=permissions.permission_for("submit"),
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.RECEIVED,
        conditions=[is_not_online],
        permission=permissions.permission_for("intake"),
    )
    def intake(self) -> None:
        now = timezone.now()
        self.submitted_at = now
        self.received_at = now

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RECEIVED,
        permission=permissions.permission_for("receive"),
    )
    def receive(self) -> None:
        self.received_at = timezone.now()

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.REFUSED,
        permission=permissions.permission_for("refuse"),
    )
    def refuse(self, *, reason: str) -> None:
        self.reason = reason
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[S.SUBMITTED, S.RECEIVED, S.APPRAISING],
        target=S.SUPPLEMENT_REQUESTED,
        permission=permissions.permission_for("request_supplement"),
    )
    def request_supplement(self) -> None:
        self.paused_from_state = self.state
        self.supplement_count += 1
        if self.received_at is not None and self.supplement_count > 1:
            self.late_by_rule = True

    @transition(
        field=state,
        source=S.SUPPLEMENT_REQUESTED,
        target=RETURN_VALUE(S.SUBMITTED, S.RECEIVED, S.APPRAISING),
        permission=permissions.permission_for("supplement"),
    )
    def supplement(self) -> str:
        resume = self.paused_from_state or S.SUBMITTED
        self.paused_from_state = ""
        return resume

    @transition(
        field=state,
        source=S.RECEIVED,
        target=S.APPRAISING,
        permission=permissions.permission_for("assign"),
    )
    def assign(self, *, agency: Agency, specialist: Any | None) -> None:
        self.current_agency = agency
        self.assigned_specialist = specialist

    @transition(
        field=state,
        source=S.APPRAISING,
        target=S.PENDING_APPROVAL,
        permission=permissions.permission_for("propose"),
    )
    def propose(self) -> None:
        pass

    @transition(
        field=state,
        source=S.PENDING_APPROVAL,
        target=S.APPRAISING,
        permission=permissions.permission_for("send_back"),
    )
    def send_back(self, *, reason: str) -> None:
        self.reason = reason

    @transition(
        field=state,
        source=S.PENDING_APPROVAL,
        target=S.READY,
        permission=permissions.permission_for("approve"),
    )
    def approve(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=S.APPRAISING,
        target=S.AWAITING_PAYMENT,
        permission=permissions.permission_for("request_payment"),
    )
    def request_payment(self) -> None:
        self.paused_from_state = self.state

    @transition(
        field=state,
        source=S.AWAITING_PAYMENT,
        target=S.APPRAISING,
        permission=permissions.permission_for("confirm_payment"),
    )
    def confirm_payment(self) -> None:
        self.paused_from_state = ""

    @transition(
        field=state,
        source=list(IN_PROGRESS_STATES),
        target=S.STOPPED,
        permission=permissions.permission_for("stop"),
    )
    def stop(self, *, reason: str) -> None:
        self.reason = reason
        self.finished_at = timezone.now()
        self.paused_from_state = ""

    @transition(
        field=state,
        source=[S.SUBMITTED, *IN_PROGRESS_STATES],
        target=S.WITHDRAWN,
        permission=permissions.permission_for("withdraw"),
    )
    def withdraw(self, *, reason: str) -> None:
        self.reason = reason
        self.finished_at = timezone.now()
        self.paused_from_state = ""

    @transition(
        field=state,
        source=S.READY,
        target=S.RETURNED,
        permission=permissions.permission_for("return_result"),
    )
    def return_result(self, *, channel: str) -> None:
        self.returned_at = timezone.now()
        self.return_channel = channel

    @transition(
        field=state,
        source=list(IN_PROGRESS_STATES),
        target=None,
        permission=permissions.permission_for("apologize"),
    )
    def apologize(self, *, new_appointment: Any) -> None:
        self.appointment_at = new_appointment


class DossierCodeCounter(models.Model):
    """The last sequence number handed out per receiving agency and day.

    Locked with SELECT ... FOR UPDATE in the receiving transaction, so numbers are
    consecutive and a rolled-back receipt gives its number back.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT
    )
    day = models.DateField(_("day"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day"], name="dossier_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.day:%y%m%d}: {self.last_number}"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit row."""


class DossierEvent(models.Model):
    """One row per transition and hand-over: the control sheet (Mẫu 05).

    Append-only: `save()` refuses updates, `delete()` refuses, and a PostgreSQL trigger
    (migration 0002) refuses UPDATE and DELETE from any client.
    """

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_state = models.CharField(
        _("from state"), max_length=24, choices=DossierState.choices, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=24, choices=DossierState.choices
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    handed_from_agency = models.ForeignKey(
        Agency,
        verbose_name=_("handed over by agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_to_agency = models.ForeignKey(
        Agency,
        verbose_name=_("handed over to agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_deadline = models.DateTimeField(_("step deadline"), null=True, blank=True)
    step_timeliness = models.CharField(
        _("timeliness of the step that ended"),
        max_length=10,
        choices=Dossier.Timeliness.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Dossier events cannot be deleted.")


class SupplementRequest(models.Model):
    """Mẫu 02: what the applicant must complete, and why."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="supplement_requests"
    )
    documents = models.ManyToManyField(
        RequiredDocument, verbose_name=_("documents to complete"), blank=True
    )
    items_text = models.TextField(_("other items"), blank=True)
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.requested_at:%d/%m/%Y}"


class Pause(models.Model):
    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Waiting for a supplement")
        PAYMENT = "payment", _("Waiting for payment")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="pauses"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%d/%m/%Y}"


class Apology(models.Model):
    """Mẫu 04: an apology with a new appointment; the original one still counts."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="apologies"
    )
    reason = models.TextField(_("reason"))
    responsible_agency = models.ForeignKey(
        Agency, verbose_name=_("agency at fault"), on_delete=models.PROTECT
    )
    old_appointment = models.DateTimeField(_("old appointment"))
    new_appointment = models.DateTimeField(_("new appointment"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")

    def __str__(self) -> str:
        return f"{self.dossier} · {self.new_appointment:%d/%m/%Y}"


class PaymentRequest(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (VND)"), max_digits=14, decimal_places=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")

    def __str__(self) -> str:
        return f"{self.dossier} · {self.amount:,} VND"


class Result(models.Model):
    """The result document (or a reasoned denial) proposed, then approved."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="result"
    )
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    signer_name = models.CharField(_("signer"), max_length=255, blank=True)
    signed_on = models.DateField(_("date"), null=True, blank=True)
    granted = models.BooleanField(_("granted"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    file = models.ForeignKey(
        "Attachment",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return self.number or str(self.dossier)


class Attachment(models.Model):
    """An uploaded document, stored under a random name outside any public URL."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="attachments"
    )
    required_document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    content_type = models.CharField(
        _("content type"), max_length=40, choices=ContentType.choices
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Consent(models.Model):
    """The applicant's consent to the processing of their personal data (Law 91/2025,
    Decree 356/2025), confirmed by the citizen online or by the clerk at the counter.

    The purpose text is stored as shown, with its version, so a later change of
    wording never rewrites what was agreed.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="consents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf = models.BooleanField(
        _("confirmed by staff for the applicant"), default=False
    )
    purpose_version = models.CharField(_("purpose text version"), max_length=20)
    purpose_text = models.TextField(_("purpose text"))
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["accepted_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.purpose_version}"


class DossierAccess(models.Model):
    """A staff member opened a dossier: shown to the citizen on their dossier."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier access")
        verbose_name_plural = _("dossier accesses")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier", "-at"], name="dossier_access_at")]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.user_id} · {self.at:%d/%m/%Y %H:%M}"
