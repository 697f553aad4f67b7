from __future__ import annotations

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePhoneForm, SignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CitizenSignupForm(SignupForm):  # type: ignore[misc]
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "phone", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].required = False
            self.fields["email"].help_text = _("Optional.")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        # allauth hides a taken phone number (enumeration prevention) by pretending
        # to send it an SMS code. Without phone verification no SMS is ever sent,
        # so the citizen would wait for a code that never comes: say it plainly,
        # as allauth already does for a taken email address.
        phone = cleaned.get("phone")
        if (
            phone
            and not allauth_settings.PHONE_VERIFICATION_ENABLED
            and "phone" not in self.errors
        ):
            adapter = get_adapter()
            if adapter.get_user_by_phone(phone) is not None:
                self.account_already_exists = False
                self.add_error("phone", adapter.error_messages["phone_taken"])
        return cleaned


class PortalChangePhoneForm(ChangePhoneForm):  # type: ignore[misc]
    """allauth changes a phone number only after an SMS code; until the SMS
    gateway is wired (ACCOUNT_PHONE_VERIFICATION_ENABLED), refuse with a clear
    message instead of failing while sending."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if not allauth_settings.PHONE_VERIFICATION_ENABLED and not self.errors:
            self.add_error(
                "phone",
                ValidationError(
                    _(
                        "Changing your mobile number online needs a code sent by SMS, "
                        "which is not available yet. Please call the hotline or visit "
                        "the one-stop centre with your ID card."
                    ),
                    code="phone_change_unavailable",
                ),
            )
        return cleaned
