import datetime as dt

from django import forms
from django.utils import translation


class _DateForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_dates_are_read_day_first():
    with translation.override("vi"):
        form = _DateForm(data={"day": "11/02/2027"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2027, 2, 11)
