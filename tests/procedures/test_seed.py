"""The demo catalogue: real procedures, loaded by seed_demo, searchable."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from procedures.models import Procedure
from procedures.selectors import procedure_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_seed_loads_at_least_60_procedures_over_10_fields_and_3_levels(seeded):
    published = Procedure.objects.published()
    assert published.count() >= 60
    assert published.values("field").distinct().count() >= 10
    assert published.values("level").distinct().count() >= 3
    for procedure in published.prefetch_related("required_documents"):
        assert procedure.required_documents.all(), procedure
        assert procedure.legal_basis, procedure


def test_seed_is_idempotent(seeded):
    before = Procedure.objects.count()
    call_command("seed_demo")
    assert Procedure.objects.count() == before


def test_the_issue_examples_work_on_the_demo_catalogue(seeded):
    first = procedure_search(q="giay phep xay dung").first()
    assert first is not None
    assert "giấy phép xây dựng" in first.name
    names = [p.name for p in procedure_search(q="khai sinh")[:1]]
    assert names == ["Thủ tục đăng ký khai sinh"]
    assert [p.name for p in procedure_search(q="1.001193")] == [
        "Thủ tục đăng ký khai sinh"
    ]
