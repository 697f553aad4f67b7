"""The period and filter picker shared by the pages, the exports and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from procedures.models import Field, Procedure

MAX_PERIOD_DAYS = 3 * 366
ISO = ["%Y-%m-%d"]
KNOWN_PARAMETERS = {"from", "to", "agency", "field", "procedure", "metric", "page"}


def default_period() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


class PeriodForm(forms.Form):
    """from/to (dates), agency (code), field (code), procedure (id): all optional."""

    # ISO dates only: what <input type="date"> sends and what the API documents.
    from_ = forms.DateField(label=_("From"), required=False, input_formats=ISO)
    to = forms.DateField(label=_("To"), required=False, input_formats=ISO)
    agency = forms.CharField(label=_("Agency code"), required=False, max_length=60)
    field = forms.CharField(label=_("Field code"), required=False, max_length=30)
    procedure = forms.IntegerField(label=_("Procedure"), required=False, min_value=1)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            if "from" in data:
                data["from_"] = data.get("from")
        super().__init__(data, **kwargs)
        self.fields["from_"].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["to"].widget = forms.DateInput(attrs={"type": "date"})
        self.unknown = sorted(set(data or {}) - KNOWN_PARAMETERS - {"from_"})

    def clean_agency(self) -> Agency | None:
        code = (self.cleaned_data.get("agency") or "").strip()
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("No agency has this code."))
        return agency

    def clean_field(self) -> Field | None:
        code = (self.cleaned_data.get("field") or "").strip()
        if not code:
            return None
        found = Field.objects.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("No field has this code."))
        return found

    def clean_procedure(self) -> Procedure | None:
        pk = self.cleaned_data.get("procedure")
        if pk is None:
            return None
        found = Procedure.objects.filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(_("No procedure has this number."))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.unknown:
            raise forms.ValidationError(
                _("Unknown filter: %(names)s.") % {"names": ", ".join(self.unknown)}
            )
        first, last = default_period()
        first = cleaned.get("from_") or first
        last = cleaned.get("to") or last
        if last < first:
            self.add_error("to", _("The end of the period is before its start."))
        elif (last - first).days > MAX_PERIOD_DAYS:
            self.add_error("to", _("Choose a period of at most three years."))
        cleaned["first"], cleaned["last"] = first, last
        return cleaned
