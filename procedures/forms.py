from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
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
        # EXISTS semi-joins: one index probe per field or agency, not a DISTINCT
        # over every published procedure.
        published = Procedure.objects.published()
        fields = Field.objects.filter(
            Exists(published.filter(field=OuterRef("pk")))
        ).order_by("name")
        agencies = Agency.objects.filter(
            Exists(published.filter(competent_agency=OuterRef("pk")))
        ).order_by("name")
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("All fields")),
            *fields.values_list("code", "name"),
        ]
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", _("All agencies")),
            *agencies.values_list("code", "name"),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.json or .xlsx)"),
        help_text=_(
            "National field names (MaTTHC, TenTTHC, MaLinhVuc, ...). Nothing is loaded "
            "unless every record is valid."
        ),
    )
