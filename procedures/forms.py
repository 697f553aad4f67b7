from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from procedures.models import Field, Procedure
from procedures.selectors import MAX_QUERY_LENGTH, ONLINE_ANY


class CatalogueSearchForm(forms.Form):
    """The public catalogue's search box and filters (GET)."""

    q = forms.CharField(
        label=_("Search procedures"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. giấy phép xây dựng, khai sinh, 1.001193"),
            }
        ),
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *Procedure.Level.choices],
    )
    online = forms.ChoiceField(
        label=_("Online service"),
        required=False,
        choices=[
            ("", _("All procedures")),
            (ONLINE_ANY, _("Can be submitted online")),
            *Procedure.OnlineLevel.choices,
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = Field.objects.filter(procedures__status=Procedure.Status.PUBLISHED)
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("All fields")),
            *fields.distinct().order_by("name").values_list("code", "name"),
        ]
        agencies = Agency.objects.filter(
            competent_procedures__status=Procedure.Status.PUBLISHED
        )
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", _("All agencies")),
            *agencies.distinct().order_by("name").values_list("code", "name"),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.json or .xlsx)"),
        help_text=_(
            "National field names (MaTTHC, TenTTHC, MaLinhVuc, ...). Nothing is loaded "
            "unless every record is valid."
        ),
    )
