"""The catalogue's filter choices: cached, and fresh after every catalogue edit."""

from __future__ import annotations

import re
import socket

import pytest
from django import forms
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils import translation

from procedures.catalogue_choices import (
    VERSION_CACHE_KEY,
    bump_catalogue_choices_version,
    catalogue_choices,
)
from procedures.forms import CatalogueSearchForm, ListSelect
from procedures.models import Field, Procedure
from procedures.services import procedure_amend, procedure_withdraw
from tests.procedures.factories import FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/procedures/"
CHANGELIST = "/admin/procedures/procedure/"


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])


def test_choices_are_cached_between_requests(
    client, agencies, django_assert_num_queries
):
    ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    with django_assert_num_queries(2):  # fields, agencies
        first = catalogue_choices()
    with django_assert_num_queries(0):
        assert catalogue_choices() == first
    assert first.fields == (("G01", "Hộ tịch"),)


def test_a_change_is_invisible_until_its_commit_bumps_the_version(
    client, agencies, django_capture_on_commit_callbacks
):
    """The cache really serves the lists; the commit of a change refreshes them."""
    ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    assert _options(client.get(CATALOGUE).content.decode(), "field")[1:] == [
        ("G01", "Hộ tịch")
    ]
    with django_capture_on_commit_callbacks(execute=False) as pending:
        ProcedureFactory(field=FieldFactory(code="G02", name="Chứng thực"))
    assert pending  # the save asked for a bump on commit
    stale = _options(client.get(CATALOGUE).content.decode(), "field")
    assert ("G02", "Chứng thực") not in stale
    for callback in pending:
        callback()
    fresh = _options(client.get(CATALOGUE).content.decode(), "field")
    assert fresh[1:] == [("G02", "Chứng thực"), ("G01", "Hộ tịch")]


def test_renaming_a_field_or_an_agency_refreshes_the_filters(
    client, agencies, django_capture_on_commit_callbacks
):
    ProcedureFactory(
        field=FieldFactory(code="G01", name="Hộ tịch"),
        competent_agency=agencies.justice,
    )
    client.get(CATALOGUE)
    field = Field.objects.get(code="G01")
    with django_capture_on_commit_callbacks(execute=True):
        field.name = "Hộ tịch (sửa)"
        field.save()
    with django_capture_on_commit_callbacks(execute=True):
        agencies.justice.name = "Sở Tư pháp tỉnh"
        agencies.justice.save()
    html = client.get(CATALOGUE).content.decode()
    assert ("G01", "Hộ tịch (sửa)") in _options(html, "field")
    assert ("000.00.15.H49", "Sở Tư pháp tỉnh") in _options(html, "agency")


def test_withdrawing_or_deleting_the_last_procedure_removes_its_field(
    client, agencies, django_capture_on_commit_callbacks
):
    only = ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    other = ProcedureFactory(field=FieldFactory(code="G02", name="Chứng thực"))
    assert len(_options(client.get(CATALOGUE).content.decode(), "field")) == 3
    with django_capture_on_commit_callbacks(execute=True):
        procedure_withdraw(procedure=only, actor=None)
    assert ("G01", "Hộ tịch") not in _options(
        client.get(CATALOGUE).content.decode(), "field"
    )
    with django_capture_on_commit_callbacks(execute=True):
        other.required_documents.all().delete()
        other.delete()
    assert _options(client.get(CATALOGUE).content.decode(), "field") == [
        ("", "Tất cả lĩnh vực")
    ]


def test_an_admin_amendment_that_moves_a_procedure_refreshes_the_filters(
    admin_client, client, agencies, django_capture_on_commit_callbacks
):
    procedure = ProcedureFactory(
        field=FieldFactory(code="G01", name="Hộ tịch"),
        competent_agency=agencies.justice,
    )
    client.get(CATALOGUE)
    with django_capture_on_commit_callbacks(execute=True):
        procedure_amend(
            procedure=procedure,
            actor=None,
            changes={
                "field": FieldFactory(code="G02", name="Chứng thực"),
                "competent_agency": agencies.construction,
            },
        )
    html = client.get(CATALOGUE).content.decode()
    assert _options(html, "field")[1:] == [("G02", "Chứng thực")]
    assert _options(html, "agency")[1:] == [("000.00.18.H49", "Sở Xây dựng")]
    # and the admin's withdraw action, through the admin site
    current = Procedure.objects.get(national_code=procedure.national_code, version=2)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            CHANGELIST, {"action": "withdraw", "_selected_action": [current.pk]}
        )
    html = client.get(CATALOGUE).content.decode()
    assert _options(html, "field") == [("", "Tất cả lĩnh vực")]


def test_filter_by_a_field_that_just_got_its_first_procedure(
    client, agencies, django_capture_on_commit_callbacks
):
    ProcedureFactory(field=FieldFactory(code="G01"))
    client.get(CATALOGUE)
    with django_capture_on_commit_callbacks(execute=True):
        ProcedureFactory(name="Cấp bản sao", field=FieldFactory(code="G02"))
    page = client.get(CATALOGUE, {"field": "G02"})
    assert page.status_code == 200
    assert "Cấp bản sao" in page.content.decode()


def test_choices_come_from_the_database_when_the_cache_is_down(
    client, agencies, monkeypatch
):
    ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    # A real Redis client aimed at a port nobody listens on: every call fails as
    # it does when Redis is down.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down = RedisCache(f"redis://127.0.0.1:{closed_port}/0", {})
    monkeypatch.setattr("procedures.catalogue_choices.cache", down)

    assert catalogue_choices().fields == (("G01", "Hộ tịch"),)
    page = client.get(CATALOGUE)
    assert page.status_code == 200
    assert '<option value="G01">Hộ tịch</option>' in page.content.decode()
    bump_catalogue_choices_version()  # logs, does not raise


def test_a_lost_version_key_is_recreated(agencies):
    ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    catalogue_choices()
    cache.delete(VERSION_CACHE_KEY)
    assert catalogue_choices().fields == (("G01", "Hộ tịch"),)
    assert cache.get(VERSION_CACHE_KEY)


@pytest.mark.parametrize("value", ["", "b&", "missing", None])
def test_list_select_renders_what_django_select_renders(value):
    choices = [
        ("", "All"),
        ("a", "Hộ tịch"),
        ("b&", 'Tư pháp <"quoted">'),
        ("Group", [("g1", "One"), ("g2", "Two")]),
        (3, "Three"),
    ]
    attrs = {"id": "id_x", "aria-invalid": "true", "required": True, "hidden": False}
    ours = ListSelect(choices=choices).render("x", value, attrs=attrs)
    django = forms.Select(choices=choices).render("x", value, attrs=attrs)
    assert ours == django


def test_form_widgets_render_as_before_in_both_languages(agencies):
    ProcedureFactory(field=FieldFactory(code="G01", name="Hộ tịch"))
    form = CatalogueSearchForm({"level": "commune", "online": "any", "field": "G01"})
    assert form.is_valid()
    for language in ("vi", "en"):
        with translation.override(language):
            for name in ("field", "agency", "level", "online"):
                bound = form[name]
                widget = bound.field.widget
                plain = forms.Select(choices=widget.choices)
                plain.is_required = widget.is_required
                ours = str(bound)
                bound.field.widget = plain
                try:
                    assert ours == str(bound)
                finally:
                    bound.field.widget = widget
    with translation.override("en"):
        assert "Can be submitted online</option>" in str(form["online"])
