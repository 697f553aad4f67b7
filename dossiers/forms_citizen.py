"""Forms of the citizen pages: shape and format only; the services save."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from accounts.validators import normalize_phone
from dossiers.models import Dossier
from procedures.models import RequiredDocument

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _text(autocomplete: str = "", **attrs: str) -> forms.TextInput:
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.TextInput(attrs=attrs)


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc


class ApplicantForm(forms.Form):
    """Step 1: who applies (prefilled from the profile) and what for."""

    applicant_type = forms.ChoiceField(
        label=_("You apply as"),
        choices=Dossier.ApplicantType.choices,
        initial=Dossier.ApplicantType.CITIZEN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who applies.")},
    )
    applicant_name = forms.CharField(
        label=_("Full name (or name of the organisation)"),
        max_length=255,
        widget=_text("name"),
        error_messages={"required": _("Enter the applicant's full name.")},
    )
    applicant_phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        help_text=_("We send text messages (SMS) about the dossier to this number."),
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
        error_messages={"required": _("Enter a mobile phone number.")},
    )
    applicant_national_id = forms.CharField(
        label=_("Personal ID number (or tax code for an organisation)"),
        max_length=20,
        required=False,
        widget=_text("off", inputmode="numeric"),
    )
    applicant_email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address such as an@example.vn.")},
    )
    applicant_address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        widget=_text("street-address"),
    )
    summary = forms.CharField(
        label=_("What do you ask for? (optional)"),
        max_length=500,
        required=False,
        help_text=_(
            "One or two sentences. If you leave it empty, we use the name of the procedure."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    submitter_name = forms.CharField(
        label=_("Full name of the person submitting"),
        max_length=255,
        required=False,
        widget=_text("off"),
    )
    submitter_phone = forms.CharField(
        label=_("Their mobile phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    submitter_national_id = forms.CharField(
        label=_("Their personal ID number"),
        max_length=20,
        required=False,
        widget=_text("off", inputmode="numeric"),
    )
    receiving_agency = forms.ModelChoiceField(
        label=_("Where should the dossier go?"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the centres listed.")},
    )

    SUBMITTER_FIELDS = ("submitter_name", "submitter_phone", "submitter_national_id")

    def __init__(self, *args: Any, agencies: Iterable[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(agencies)
        field = self.fields["receiving_agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in choices])
        self.only_agency = choices[0] if len(choices) == 1 else None
        if self.only_agency is not None:
            # Nothing to choose: no question on screen, the one centre is used.
            field.widget = forms.HiddenInput()
            field.required = False
            field.initial = self.only_agency.pk

    def clean_receiving_agency(self) -> Agency | None:
        agency: Agency | None = self.cleaned_data.get("receiving_agency")
        return agency or self.only_agency

    def clean_applicant_phone(self) -> str:
        return _phone(self.cleaned_data["applicant_phone"])

    def clean_submitter_phone(self) -> str:
        value: str = self.cleaned_data["submitter_phone"].strip()
        return _phone(value) if value else ""

    def clean_applicant_national_id(self) -> str:
        value: str = self.cleaned_data["applicant_national_id"].replace(" ", "")
        kind = self.cleaned_data.get("applicant_type")
        if (
            value
            and kind == Dossier.ApplicantType.CITIZEN
            and not (value.isdigit() and len(value) == 12)
        ):
            raise ValidationError(
                _("The personal ID number has exactly 12 digits, as on your card.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_other = cleaned.get("submitter_phone") or cleaned.get(
            "submitter_national_id"
        )
        if has_other and not (cleaned.get("submitter_name") or "").strip():
            self.add_error(
                "submitter_name",
                _("Enter the name of the person submitting, or leave all three empty."),
            )
        return cleaned

    def submitter_visible_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SUBMITTER_FIELDS]

    def applicant_visible_fields(self) -> list[forms.BoundField]:
        return [
            field
            for field in self.visible_fields()
            if field.name not in self.SUBMITTER_FIELDS
        ]


def document_field_name(document: RequiredDocument) -> str:
    return f"document_{document.pk}"


class DocumentsForm(forms.Form):
    """One optional file field per required document; the services check the content."""

    def __init__(
        self,
        *args: Any,
        documents: Iterable[RequiredDocument],
        extra_field: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            self.fields[document_field_name(document)] = self._file_field(document.name)
        if extra_field:
            self.fields["document_other"] = self._file_field(
                str(_("Another document (optional)"))
            )

    @staticmethod
    def _file_field(label: str) -> forms.FileField:
        return forms.FileField(
            label=label,
            required=False,
            widget=forms.FileInput(attrs={"accept": ACCEPT}),
            error_messages={
                "invalid": _("The file could not be read. Choose it again."),
                "empty": _("The file is empty."),
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        limit: int = settings.UPLOAD_MAX_BYTES
        for name, upload in list(cleaned.items()):
            if upload is not None and getattr(upload, "size", 0) > limit:
                self.add_error(
                    name,
                    _("The file is larger than the limit of %(limit)s MB.")
                    % {"limit": round(limit / 1024 / 1024, 1)},
                )
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a short reason; it is required by law.")},
    )


class SupplementNoteForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the officer (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=60,
        help_text=_(
            "Printed on your receipt and sent by SMS, e.g. 000.00.01.H49-261130-0007."
        ),
        widget=_text("off", spellcheck="false"),
        error_messages={"required": _("Enter the dossier code.")},
    )
    phone = forms.CharField(
        label=_("Mobile phone number given with the dossier"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
        error_messages={
            "required": _("Enter the mobile number given with the dossier.")
        },
    )

    def clean_code(self) -> str:
        # Codes are upper case without spaces; people type "000.00.01.h49 - 261130".
        code: str = self.cleaned_data["code"]
        return "".join(code.split()).upper()
