from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from procedures.catalogue_choices import catalogue_choices
from procedures.models import Procedure
from procedures.selectors import MAX_QUERY_LENGTH, ONLINE_ANY


def _attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListSelect(forms.Select):
    """A <select> with the markup of Django's select.html, rendered in Python.

    The template renders each option through two includes, which made the
    catalogue's field and agency lists (well over a hundred options) most of the
    page's server time. Same context (`get_context`), same HTML, byte for byte.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"'
            f"{_attributes(widget['attrs'])}>"
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}"
                "</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


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
    field = forms.ChoiceField(label=_("Field"), required=False, widget=ListSelect)
    agency = forms.ChoiceField(label=_("Agency"), required=False, widget=ListSelect)
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        widget=ListSelect,
        choices=[("", _("All levels")), *Procedure.Level.choices],
    )
    online = forms.ChoiceField(
        label=_("Online service"),
        required=False,
        widget=ListSelect,
        choices=[
            ("", _("All procedures")),
            (ONLINE_ANY, _("Can be submitted online")),
            *Procedure.OnlineLevel.choices,
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields and agencies with a published procedure, from the shared cache
        # (invalidated when the catalogue changes; procedures.catalogue_choices).
        choices = catalogue_choices()
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("All fields")),
            *choices.fields,
        ]
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", _("All agencies")),
            *choices.agencies,
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.json or .xlsx)"),
        help_text=_(
            "National field names (MaTTHC, TenTTHC, MaLinhVuc, ...). Nothing is loaded "
            "unless every record is valid."
        ),
    )
