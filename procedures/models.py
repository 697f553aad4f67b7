"""The catalogue: fields (lĩnh vực), procedures (thủ tục hành chính) and their
required documents (thành phần hồ sơ).

Procedures are versioned: one row per version of a procedure, sharing its national
code. Amending a procedure publishes a new version row and marks the old one
superseded; dossiers keep their foreign key to the version they were filed under, so
an amendment never rewrites a dossier already filed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Agency
from procedures.search import Unaccent


class Field(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. G03-GD10."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    sector = models.CharField(_("sector"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def published(self) -> ProcedureQuerySet:
        """Current versions open to the public."""
        return self.filter(status=Procedure.Status.PUBLISHED)


class Procedure(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province level")
        COMMUNE = "commune", _("Commune level")
        CENTRAL = "central", _("Central level")
        INTER_LEVEL = "inter_level", _("Several levels")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Fully online")
        PARTIAL = "partial", _("Partly online")
        NONE = "none", _("Not online")

    class SupplementPolicy(models.TextChoices):
        SHIFT = "shift", _("Shift the appointment by the paused time")
        RESTART = "restart", _("Restart the full processing time")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded by a newer version")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    national_code = models.CharField(_("national code"), max_length=40, db_index=True)
    local_code = models.CharField(_("local code"), max_length=80, blank=True)
    version = models.PositiveIntegerField(
        pgettext_lazy("procedure", "version"), default=1
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="competent_procedures",
    )
    receiving_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("receiving one-stop centres"),
        related_name="received_procedures",
        blank=True,
    )
    processing_days = models.DecimalField(
        _("legal processing time (working days)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    local_processing_days = models.DecimalField(
        _("local reduced processing time (working days)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=OnlineLevel.choices
    )
    steps = models.TextField(_("steps"), blank=True)
    method = models.TextField(_("method of submission"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    result = models.TextField(_("result"), blank=True)
    fee_note = models.TextField(_("fees and charges"), blank=True)
    resolved_on_site = models.BooleanField(
        _("resolved on site at the one-stop"), default=False
    )
    supplement_policy = models.CharField(
        _("appointment after a supplement"),
        max_length=10,
        choices=SupplementPolicy.choices,
        default=SupplementPolicy.RESTART,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    publishing_decision = models.CharField(
        _("publishing decision"), max_length=255, blank=True
    )
    retention_years = models.PositiveSmallIntegerField(
        _("personal data retention (years)"),
        null=True,
        blank=True,
        help_text=_(
            "Years after a dossier finished before its applicant's personal data is "
            "anonymised and its files deleted; empty = the portal default."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The name without accents, lower-cased, kept by PostgreSQL itself (so bulk
    # inserts and raw updates stay searchable); trigram-indexed for search.
    search_name = models.GeneratedField(
        expression=Lower(Unaccent("name")),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code", "version"],
                name="procedure_code_version_unique",
            ),
            # At most one published version of a procedure at a time.
            models.UniqueConstraint(
                fields=["national_code"],
                condition=models.Q(status="published"),
                name="procedure_one_published_version",
            ),
        ]
        indexes = [
            GinIndex(
                OpClass("search_name", name="gin_trgm_ops"),
                name="procedure_search_name_trgm",
            ),
            models.Index(
                fields=["status", "field", "level", "online_level"],
                name="procedure_catalogue_filters",
            ),
            # The catalogue browsed without a query: published, by name.
            models.Index(
                fields=["name", "id"],
                condition=models.Q(status="published"),
                name="procedure_published_by_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} · {self.name}"

    @property
    def effective_processing_days(self) -> Decimal:
        """The deadline dossiers get: the local reduced time when the province set one."""
        if self.local_processing_days is not None:
            return self.local_processing_days
        return self.processing_days

    @property
    def effective_retention_years(self) -> int:
        """Years personal data of finished dossiers is kept (DATA_RETENTION_YEARS)."""
        if self.retention_years is not None:
            return self.retention_years
        return int(settings.DATA_RETENTION_YEARS)

    @property
    def is_online(self) -> bool:
        return self.online_level != self.OnlineLevel.NONE


class Fee(models.Model):
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="fees",
    )
    name = models.CharField(_("name"), max_length=255)
    amount = models.DecimalField(
        _("amount (VND)"),
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"


class RequiredDocument(models.Model):
    """A component of the dossier (thành phần hồ sơ) for one procedure version."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=500)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    template = models.FileField(
        _("form template"), upload_to="procedure-templates/", blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position", "id"]

    def __str__(self) -> str:
        return self.name


class ProcedureEvent(models.Model):
    """Append-only audit of catalogue changes: one row per publish, amendment,
    withdrawal and import."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        PUBLISHED = "published", _("Published")
        AMENDED = "amended", _("Amended (new version)")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        IMPORTED = "imported", _("Imported")

    # A deleted draft keeps its history: the code and version are copied here.
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="events",
    )
    national_code = models.CharField(_("national code"), max_length=40)
    version = models.PositiveIntegerField(pgettext_lazy("procedure", "version"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue event")
        verbose_name_plural = _("catalogue events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.national_code} v{self.version}: {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        procedure = self.procedure
        if procedure is not None and not self.national_code:
            self.national_code = procedure.national_code
            self.version = procedure.version
        super().save(*args, **kwargs)
