from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from worktime.calendar import get_calendar, public_holidays
from worktime.models import DayOverride
from worktime.services import day_override_delete, day_override_save


class DayOverrideForm(forms.ModelForm[DayOverride]):
    # Vietnamese write dates day first (11/02/2027 is 11 February); Django's "vi"
    # locale sets no input formats, so the month-first default would apply.
    date = forms.DateField(
        label=_("date"),
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"],
        widget=AdminDateWidget(format="%d/%m/%Y"),
    )

    class Meta:
        model = DayOverride
        fields = ["date", "kind", "name", "note"]


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin[DayOverride]):
    form = DayOverrideForm
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: DayOverride) -> str:
        return str(formats.date_format(obj.date, "l"))

    def save_model(
        self,
        request: HttpRequest,
        obj: DayOverride,
        form: ModelForm[DayOverride],
        change: bool,
    ) -> None:
        day_override_save(override=obj)

    def delete_model(self, request: HttpRequest, obj: DayOverride) -> None:
        day_override_delete(date=obj.date)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[DayOverride]
    ) -> None:
        for date in queryset.values_list("date", flat=True):
            day_override_delete(date=date)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        """Show the public holidays the `holidays` package already knows, so that
        only the differences are entered here."""
        calendar = get_calendar()
        this_year = timezone.localdate().year
        known: list[tuple[dt.date, str, bool]] = []
        for year in (this_year, this_year + 1):
            names, makeup = public_holidays(year)
            known.extend(
                (day, name, calendar.is_working_day(day)) for day, name in names.items()
            )
            known.extend(
                (day, str(_("Make-up working day")), calendar.is_working_day(day))
                for day in makeup
            )
        context = {**(extra_context or {}), "public_holidays": sorted(known)}
        return super().changelist_view(request, extra_context=context)  # type: ignore[return-value]
