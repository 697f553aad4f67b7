"""Users, agencies (QCVN 102 coded, a tree) and staff memberships with roles."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone, validate_national_id

AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){1,5}$")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str | None, password: str | None, **extra: Any) -> User:
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra)
        if user.phone:
            user.phone = normalize_phone(user.phone)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen, a business representative or a staff member.

    Citizens log in with their email or their mobile number; both are unique when set.
    """

    # Unique but optional: NULL (not "") so that many users may have none.
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stored in +84 form."),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    national_id = models.CharField(
        _("personal ID number"),
        max_length=12,
        blank=True,
        validators=[validate_national_id],
        help_text=_("12 digits, as printed on the citizen identity card."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_(
            "Designates whether the user can log into the administration site."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.CheckConstraint(
                condition=models.Q(phone__isnull=True)
                | models.Q(phone__regex=r"^\+84\d{9}$"),
                name="user_phone_in_plus84_form",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = type(self).objects.normalize_email(self.email)
        else:
            self.email = None
        if self.phone:
            self.phone = normalize_phone(self.phone)
        else:
            self.phone = None
        if not self.email and not self.phone:
            raise ValidationError(_("Enter an email address or a mobile number."))

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[-1] if self.full_name else ""


class Agency(models.Model):
    """A state body, identified by its QCVN 102:2016 code (e.g. 000.00.00.H49).

    Agencies form a tree (province -> departments and communes); one-stop centres are
    agencies that receive dossiers on behalf of others. `path` is a materialised path
    of primary keys ("/1/4/17/") kept by `save()`, so scoping to a subtree is one
    indexed prefix match.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        DEPARTMENT = "department", _("Department")
        COMMUNE = "commune", _("Commune")
        ONE_STOP_CENTRE = "one_stop_centre", _("One-stop centre")

    code = models.CharField(_("identifier code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    hotline = models.CharField(_("hotline"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"],
                name="agency_path_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            old_path = self.path
            if self._state.adding:
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
            self.path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._rewrite_descendant_paths(old_path)

    def clean(self) -> None:
        super().clean()
        if not AGENCY_CODE_RE.match(self.code or ""):
            raise ValidationError(
                {
                    "code": _(
                        "Use the QCVN 102 identifier format, for example 000.00.00.H49."
                    )
                }
            )
        if self.parent_id and self.pk:
            ancestor: Agency | None = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("An agency cannot be its own ancestor.")}
                    )
                ancestor = ancestor.parent

    def _rewrite_descendant_paths(self, old_path: str) -> None:
        descendants = Agency.objects.filter(path__startswith=old_path).exclude(
            pk=self.pk
        )
        for agency in descendants:
            agency.path = self.path + agency.path[len(old_path) :]
            Agency.objects.filter(pk=agency.pk).update(path=agency.path)

    def subtree(self) -> models.QuerySet[Agency]:
        """This agency and every agency below it."""
        return Agency.objects.filter(path__startswith=self.path)

    def ancestors(self) -> models.QuerySet[Agency]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return Agency.objects.filter(pk__in=ids).exclude(pk=self.pk)


class Membership(models.Model):
    """A staff member's role in one agency; the role also covers the agency's subtree."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Clerk")
        SPECIALIST = "specialist", _("Specialist")
        LEADER = "leader", _("Leader")
        MANAGER = "manager", _("Manager")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency.code}"
