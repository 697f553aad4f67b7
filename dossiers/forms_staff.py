"""Forms of the staff side: console filters, counter intake and one form per action.

The forms only validate input; the services (dossiers.services) decide and write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Membership, User
from accounts.validators import normalize_phone
from dossiers.data_protection import CONSENT_TEXT
from dossiers.models import Dossier, DossierState
from procedures.models import Procedure, RequiredDocument

MAX_SEARCH_LENGTH = 100


class ConsoleFilterForm(forms.Form):
    search = forms.CharField(
        label=_("Code, name or phone"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states"))]
        + [c for c in DossierState.choices if c[0] != DossierState.DRAFT],
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), *list(Dossier.DeadlineStatus.choices)],
    )


# --- counter intake ---------------------------------------------------------------------


class IntakeFindForm(forms.Form):
    """GET form: look the applicant up by phone and search the catalogue."""

    phone = forms.CharField(
        label=_("Applicant's mobile phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    q = forms.CharField(
        label=_("Search the procedure (name or code)"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    procedure = forms.TypedChoiceField(
        label=_("Procedure"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, procedures: list[Procedure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101
        self.has_matches = bool(procedures)
        field.choices = [("", _("— choose a procedure —"))] + [
            (p.pk, f"{p.national_code} · {p.name}") for p in procedures
        ]

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class IntakeForm(forms.Form):
    """POST form: the applicant, the procedure and one upload per required document."""

    procedure = forms.IntegerField(widget=forms.HiddenInput)
    receiving_agency = forms.ModelChoiceField(
        label=_("Receiving centre"), queryset=Agency.objects.none(), empty_label=None
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        coerce=int,
        choices=[
            (Dossier.Channel.COUNTER, Dossier.Channel.COUNTER.label),
            (Dossier.Channel.POST, Dossier.Channel.POST.label),
        ],
        initial=Dossier.Channel.COUNTER,
    )
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=255)
    applicant_phone = forms.CharField(
        label=_("Applicant's mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    applicant_national_id = forms.CharField(
        label=_("Personal ID number"), max_length=20, required=False
    )
    applicant_email = forms.EmailField(label=_("Email"), required=False)
    applicant_address = forms.CharField(
        label=_("Address"), max_length=255, required=False
    )
    submitter_name = forms.CharField(
        label=_("Authorised submitter (if not the applicant)"),
        max_length=255,
        required=False,
    )
    submitter_phone = forms.CharField(
        label=_("Submitter's mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    summary = forms.CharField(
        label=_("Requested matter"),
        max_length=500,
        required=False,
        help_text=_("Leave empty to use the procedure's name."),
    )
    consent = forms.BooleanField(
        label=_(
            "The applicant consents to the processing of their personal data for this "
            "procedure (read the consent text to them)."
        ),
        help_text=CONSENT_TEXT,
        error_messages={
            "required": _(
                "Confirm the applicant's consent to the processing of their personal "
                "data for this procedure."
            )
        },
    )

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        agencies: list[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_procedure = procedure
        agency_field = self.fields["receiving_agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)  # noqa: S101
        agency_field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            agency_field.initial = agencies[0].pk
        self.document_fields: list[tuple[str, RequiredDocument]] = []
        for document in procedure.required_documents.all():
            name = f"document_{document.pk}"
            self.fields[name] = forms.FileField(
                label=document.name,
                required=document.mandatory,
                help_text=_("Mandatory") if document.mandatory else _("If any"),
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
                ),
            )
            self.document_fields.append((name, document))

    def clean_applicant_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["applicant_phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean_submitter_phone(self) -> str:
        phone: str = self.cleaned_data["submitter_phone"].strip()
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


# --- actions ----------------------------------------------------------------------------


def _reason(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    """Every action form carries the state the officer saw, to detect a race."""

    seen_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("seen_state", dossier.state)
        super().__init__(*args, **kwargs)
        self.dossier = dossier


class ReceiveForm(ActionForm):
    pass


class RefuseForm(ActionForm):
    reason = _reason(_("Reason for refusing the dossier"))


class RequestSupplementForm(ActionForm):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to complete"),
        queryset=RequiredDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items_text = forms.CharField(
        label=_("Other items to complete"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = _reason()

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["documents"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = dossier.procedure.required_documents.all()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("documents") and not cleaned.get("items_text", "").strip():
            self.add_error(
                "documents", _("List at least one document or item to complete.")
            )
        return cleaned


class SupplementForm(ActionForm):
    """A clerk records the documents the applicant brought to the counter."""

    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        self.document_fields: list[tuple[str, RequiredDocument]] = []
        for document in dossier.procedure.required_documents.all():
            name = f"document_{document.pk}"
            self.fields[name] = forms.FileField(label=document.name, required=False)
            self.document_fields.append((name, document))


def specialists_of(agency: Agency) -> Any:
    return (
        User.objects.filter(
            memberships__role=Membership.Role.SPECIALIST,
            memberships__agency__path__startswith=agency.path,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj)


class AssignForm(ActionForm):
    agency = forms.ModelChoiceField(
        label=_("Competent agency or unit"),
        queryset=Agency.objects.none(),
        empty_label=None,
    )
    specialist = PersonChoiceField(
        label=_("Specialist"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— not yet chosen —"),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        competent = dossier.procedure.competent_agency
        agency_field = self.fields["agency"]
        specialist_field = self.fields["specialist"]
        assert isinstance(agency_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(specialist_field, forms.ModelChoiceField)  # noqa: S101
        agency_field.queryset = Agency.objects.filter(
            path__startswith=competent.path, is_active=True
        ).order_by("path")
        agency_field.initial = competent.pk
        specialist_field.queryset = specialists_of(competent)


class ProposeForm(ActionForm):
    granted = forms.TypedChoiceField(
        label=_("Proposed result"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Grant")), ("no", _("Deny, with reasons"))],
        widget=forms.RadioSelect,
        initial="yes",
    )
    number = forms.CharField(
        label=_("Draft number and symbol"), max_length=60, required=False
    )
    notes = forms.CharField(
        label=_("Notes for the leader"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("granted") is False and not cleaned.get("notes", "").strip():
            self.add_error("notes", _("Give the reason for the denial."))
        return cleaned


class SendBackForm(ActionForm):
    reason = _reason(_("What must be reworked"))


class ApproveForm(ActionForm):
    number = forms.CharField(label=_("Number and symbol"), max_length=60)
    signer_name = forms.CharField(label=_("Signer"), max_length=255)
    signed_on = forms.DateField(
        label=_("Date signed"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    granted = forms.TypedChoiceField(
        label=_("Result"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Granted")), ("no", _("Denied, with reasons"))],
        widget=forms.RadioSelect,
    )
    result_file = forms.FileField(
        label=_("Signed result (PDF or scan)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(
        self, *args: Any, dossier: Dossier, signer: User, **kwargs: Any
    ) -> None:
        result = getattr(dossier, "result", None)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("signer_name", signer.full_name)
        initial.setdefault("signed_on", timezone.localdate())
        if result is not None:
            initial.setdefault("number", result.number)
            initial.setdefault("granted", "yes" if result.granted else "no")
        super().__init__(*args, dossier=dossier, **kwargs)
        self.proposed_granted = None if result is None else result.granted

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        granted = cleaned.get("granted")
        if (
            granted is not None
            and self.proposed_granted is not None
            and granted != self.proposed_granted
        ):
            self.add_error(
                "granted",
                _(
                    "The proposal says otherwise; send the dossier back to change "
                    "the result."
                ),
            )
        return cleaned


class RequestPaymentForm(ActionForm):
    amount = forms.DecimalField(
        label=_("Amount (VND)"), min_value=1, max_digits=14, decimal_places=0
    )
    note = forms.CharField(label=_("What is due"), max_length=500, required=False)


class ConfirmPaymentForm(ActionForm):
    pass


class StopForm(ActionForm):
    reason = _reason(_("Reason for stopping"))


class WithdrawForm(ActionForm):
    reason = _reason(_("Applicant's reason"))
    confirm = forms.BooleanField(
        label=_("The applicant has asked in writing to withdraw this dossier.")
    )


class ReturnResultForm(ActionForm):
    channel = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=Dossier.ReturnChannel.choices,
        widget=forms.RadioSelect,
        initial=Dossier.ReturnChannel.COUNTER,
    )


class ApologizeForm(ActionForm):
    reason = _reason(_("Reason for the delay and the unit at fault"))
    new_date = forms.DateField(
        label=_("New return date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    new_time = forms.TimeField(
        label=_("New return time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=dt.time(16, 0),
    )

    def new_appointment(self) -> dt.datetime:
        moment = dt.datetime.combine(
            self.cleaned_data["new_date"], self.cleaned_data["new_time"]
        )
        return timezone.make_aware(moment)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "receive": ReceiveForm,
    "refuse": RefuseForm,
    "request_supplement": RequestSupplementForm,
    "supplement": SupplementForm,
    "assign": AssignForm,
    "propose": ProposeForm,
    "send_back": SendBackForm,
    "approve": ApproveForm,
    "request_payment": RequestPaymentForm,
    "confirm_payment": ConfirmPaymentForm,
    "stop": StopForm,
    "withdraw": WithdrawForm,
    "return_result": ReturnResultForm,
    "apologize": ApologizeForm,
}

#: Names of forms whose posts carry files.
MULTIPART_ACTIONS = frozenset({"supplement", "approve"})
