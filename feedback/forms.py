"""Forms: shape and format only; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from accounts.validators import normalize_phone
from feedback.models import Feedback, RatingValue, TimeAnswer, VisitsAnswer
from feedback.services import FeedbackInput, RatingAnswers
from procedures.models import Procedure

_OPTIONAL = [("", _("No answer"))]


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("How satisfied are you with the handling of your dossier?"),
        choices=RatingValue.choices,
        widget=forms.RadioSelect(attrs={"class": "rating-choice"}),
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you are not satisfied."),
    )
    time_answer = forms.ChoiceField(
        label=_("Was the result returned on time?"),
        choices=_OPTIONAL + list(TimeAnswer.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    visits_answer = forms.ChoiceField(
        label=_("Did you have to come back or contact us again to complete it?"),
        choices=_OPTIONAL + list(VisitsAnswer.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    staff_attitude = forms.ChoiceField(
        label=_("The attitude of the staff who served you"),
        choices=_OPTIONAL + list(RatingValue.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    ease_of_use = forms.ChoiceField(
        label=_("How easy was it to carry out the procedure?"),
        choices=_OPTIONAL + list(RatingValue.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    overall = forms.ChoiceField(
        label=_("Overall, how satisfied are you with our service?"),
        choices=_OPTIONAL + list(RatingValue.choices),
        required=False,
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("value") == RatingValue.DISSATISFIED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Please tell us why you are not satisfied."))
        return data

    def answers(self) -> RatingAnswers:
        data = self.cleaned_data
        return RatingAnswers(
            value=data["value"],
            reason=data.get("reason", ""),
            time_answer=data.get("time_answer", ""),
            visits_answer=data.get("visits_answer", ""),
            staff_attitude=data.get("staff_attitude", ""),
            ease_of_use=data.get("ease_of_use", ""),
            overall=data.get("overall", ""),
        )


class KioskRatingForm(RatingForm):
    phone_digits = forms.RegexField(
        label=_("Last 4 digits of your mobile number"),
        regex=r"^\d{4}$",
        max_length=4,
        help_text=_(
            "The mobile number you gave when you submitted the dossier. It confirms "
            "that you, not the staff, are rating."
        ),
        error_messages={"invalid": _("Enter exactly 4 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    field_order = ["phone_digits", "value", "reason"]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class FeedbackForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("Your feedback is about"),
        choices=Feedback.Subject.choices,
        widget=forms.RadioSelect,
    )
    procedure_code = forms.CharField(
        label=_("Procedure code"),
        required=False,
        max_length=40,
        help_text=_("As shown in the catalogue, for example 1.001234."),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency concerned"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text=_("Not needed when you give a procedure code."),
    )
    staff_name = forms.CharField(
        label=_("Staff member concerned (if any)"), required=False, max_length=255
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Your feedback or proposal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=255)
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(label=_("Email"), required=False)
    consent_to_publish = forms.BooleanField(
        label=_(
            "I agree that my feedback and its answer may be published, without my "
            "name or contact details."
        ),
        required=False,
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            self.fields["contact_name"].initial = user.get_full_name()
            self.fields["contact_phone"].initial = user.phone
            self.fields["contact_email"].initial = user.email

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data.get("contact_phone", "").strip()
        return normalize_phone(phone) if phone else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("procedure_code") or "").strip()
        data["procedure"] = None
        if code:
            procedure = (
                Procedure.objects.filter(national_code=code)
                .select_related("competent_agency")
                .order_by("-pk")
                .first()
            )
            if procedure is None:
                self.add_error("procedure_code", _("No procedure has this code."))
            else:
                data["procedure"] = procedure
                data["agency"] = data.get("agency") or procedure.competent_agency
        if not data.get("agency") and "procedure_code" not in self.errors:
            self.add_error("agency", _("Choose the agency concerned."))
        has_account = self.user is not None and self.user.is_authenticated
        if not (data.get("contact_phone") or data.get("contact_email") or has_account):
            self.add_error(
                "contact_phone", _("Give a mobile number or an email for the answer.")
            )
        return data

    def to_input(self) -> FeedbackInput:
        data = self.cleaned_data
        return FeedbackInput(
            subject=data["subject"],
            title=data["title"],
            content=data["content"],
            contact_name=data["contact_name"],
            agency=data["agency"],
            procedure=data["procedure"],
            staff_name=data.get("staff_name", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
            consent_to_publish=data.get("consent_to_publish", False),
        )


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Feedback.Classification.choices
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerRatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Does this answer satisfy you?"),
        choices=RatingValue.choices,
        widget=forms.RadioSelect(attrs={"class": "rating-choice"}),
    )
