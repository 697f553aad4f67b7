"""Validators for Vietnamese phone numbers and personal ID numbers (domain.md §6)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile prefixes of Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile and iTel.
_MOBILE_RE = re.compile(
    r"^(?:\+84|84|0)(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])(\d{7})$"
)
_SEPARATORS_RE = re.compile(r"[\s.\-()]")
_NATIONAL_ID_RE = re.compile(r"^\d{12}$")


def normalize_phone(raw: str) -> str:
    """Return a Vietnamese mobile number in +84 form, or raise ValidationError.

    Accepts the domestic form (0912 345 678), 84..., and +84..., with spaces, dots or
    dashes between groups.
    """
    compact = _SEPARATORS_RE.sub("", raw or "")
    match = _MOBILE_RE.match(compact)
    if not match:
        raise ValidationError(
            _(
                "Enter a valid Vietnamese mobile number, for example 0912 345 678 "
                "or +84 912 345 678."
            ),
            code="invalid_phone",
        )
    return "+84" + match.group(1) + match.group(2)


def validate_phone(value: str) -> None:
    normalize_phone(value)


def validate_national_id(value: str) -> None:
    """A personal ID number (số định danh cá nhân) is exactly 12 digits."""
    if not _NATIONAL_ID_RE.match(value or ""):
        raise ValidationError(
            _("The personal ID number must have exactly 12 digits."),
            code="invalid_national_id",
        )


def mask_phone(phone: str) -> str:
    """+84912345678 -> +84912***678, for staff who do not handle the dossier and logs."""
    if len(phone) < 7:
        return "***"
    return phone[:-6] + "***" + phone[-3:]


class StaffPasswordLengthValidator:
    """Staff passwords (agency members, admin-site users) need `min_length` characters.

    Citizens keep the general rule (MinimumLengthValidator); a staff account guards
    many people's dossiers, so its password must be longer.
    """

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: object | None = None) -> None:
        if user is None or len(password) >= self.min_length:
            return
        if not _is_staff(user):
            return
        raise ValidationError(
            _("Staff passwords must contain at least %(min_length)d characters."),
            code="staff_password_too_short",
            params={"min_length": self.min_length},
        )

    def get_help_text(self) -> str:
        return str(
            _("Staff passwords must contain at least %(min_length)d characters.")
            % {"min_length": self.min_length}
        )


def _is_staff(user: object) -> bool:
    from accounts.models import Membership  # noqa: PLC0415 - models import validators

    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    pk = getattr(user, "pk", None)
    return pk is not None and Membership.objects.filter(user_id=pk).exists()
