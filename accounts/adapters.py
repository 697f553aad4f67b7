"""django-allauth glue: phone numbers live on our User model, in +84 form."""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import normalize_phone


class PortalSite:
    """What allauth's emails call the site: the centre's name and the public host
    (allauth would otherwise use the request's host name for both)."""

    def __init__(self) -> None:
        self.name = settings.PORTAL_CENTRE_NAME
        self.domain = urlsplit(settings.PORTAL_BASE_URL).netloc

    def __str__(self) -> str:
        return str(self.name)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.PORTAL_PROVINCE_NAME}] {subject}"

    def send_mail(
        self, template_prefix: str, email: str, context: dict[str, Any]
    ) -> None:
        super().send_mail(
            template_prefix, email, {**context, "current_site": PortalSite()}
        )

    def _get_login_attempts_cache_key(
        self, request: HttpRequest, **credentials: Any
    ) -> str:
        """One lockout counter per account, whatever form the identifier takes.

        allauth keys the login_failed limit on `email` or `username` only, so every
        phone login shared one empty key (one attacker locked out all phone
        logins) and "0912…", "+84912…" and "84912…" would have counted apart.
        """
        raw = (
            credentials.get("email")
            or credentials.get("phone")
            or credentials.get("username")
            or ""
        )
        identifier = str(raw).strip().lower()
        if identifier and "@" not in identifier:
            with suppress(ValidationError):
                identifier = normalize_phone(identifier)
        return f"{PortalSite().domain}:{identifier}"

    def clean_phone(self, phone: str) -> str:
        try:
            return normalize_phone(phone)
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from error

    def phone_form_field(self, **kwargs: Any) -> Any:
        # allauth's default validator wants E.164 (+84...); citizens type 0912 345 678,
        # which clean_phone() normalises instead.
        kwargs.setdefault("validators", [])
        field = super().phone_form_field(**kwargs)
        field.widget.attrs.update(
            {"autocomplete": "tel", "inputmode": "tel", "placeholder": "0912 345 678"}
        )
        field.help_text = _(
            "Your mobile number, used for SMS notices about your dossiers."
        )
        return field

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        assert isinstance(user, User)  # noqa: S101 - AUTH_USER_MODEL is ours
        user.phone = normalize_phone(phone)
        if user.pk:
            user.save(update_fields=["phone"])

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        assert isinstance(user, User)  # noqa: S101
        return (user.phone, True) if user.phone else None

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        try:
            normalized = normalize_phone(phone)
        except ValidationError:
            return None
        return User.objects.filter(phone=normalized).first()

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        # Wired to the SMS outbox by the notifications app (issue #5); until then,
        # phone verification is off by default (ACCOUNT_PHONE_VERIFICATION_ENABLED).
        raise NotImplementedError

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: Any,
        commit: bool = True,
    ) -> AbstractBaseUser:
        saved = super().save_user(request, user, form, commit=False)
        assert isinstance(saved, User)  # noqa: S101
        saved.full_name = form.cleaned_data.get("full_name", "")
        if not saved.email:
            saved.email = None
        if commit:
            saved.save()
        return saved
