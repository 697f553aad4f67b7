from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
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
