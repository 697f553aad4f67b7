"""Amend, publish and withdraw: versions are kept, never rewritten."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procedures.models import Procedure, ProcedureEvent
from procedures.selectors import procedure_current
from procedures.services import (
    procedure_amend,
    procedure_draft_amendment,
    procedure_publish,
    procedure_withdraw,
)
from tests.procedures.factories import (
    FeeFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(agencies):
    procedure = ProcedureFactory(
        national_code="1.001193", name="Đăng ký khai sinh", processing_days=Decimal(3)
    )
    procedure.receiving_agencies.add(agencies.centre)
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai", position=0)
    RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=1)
    FeeFactory(procedure=procedure, amount=Decimal(8000))
    return procedure


def test_amend_creates_a_new_published_version_and_keeps_the_old(published, manager):
    new = procedure_amend(
        procedure=published, actor=manager, changes={"processing_days": Decimal(1)}
    )
    published.refresh_from_db()
    assert published.status == Procedure.Status.SUPERSEDED
    assert published.processing_days == Decimal(3)
    assert (new.version, new.status, new.processing_days) == (
        2,
        "published",
        Decimal(1),
    )
    assert new.pk != published.pk
    assert [d.name for d in new.required_documents.all()] == [
        "Tờ khai",
        "Giấy chứng sinh",
    ]
    assert [f.amount for f in new.fees.all()] == [Decimal(8000)]
    assert list(new.receiving_agencies.all()) == list(
        published.receiving_agencies.all()
    )
    # The old version's own rows are untouched.
    assert published.required_documents.count() == 2
    assert procedure_current(national_code="1.001193") == new
    actions = set(
        ProcedureEvent.objects.filter(actor=manager).values_list("action", flat=True)
    )
    assert {"amended", "published", "superseded"} <= actions


def test_amend_refuses_unknown_fields_and_changes_nothing(published, manager):
    with pytest.raises(ValidationError):
        procedure_amend(procedure=published, actor=manager, changes={"status": "draft"})
    with pytest.raises(ValidationError):
        procedure_amend(
            procedure=published, actor=manager, changes={"processing_days": Decimal(-1)}
        )
    assert Procedure.objects.filter(national_code="1.001193").count() == 1
    published.refresh_from_db()
    assert published.status == Procedure.Status.PUBLISHED


def test_only_the_published_version_can_be_amended(published, manager):
    procedure_amend(procedure=published, actor=manager, changes={})
    with pytest.raises(ValidationError):
        procedure_amend(procedure=published, actor=manager, changes={})


def test_draft_amendment_then_publish(published, manager):
    draft = procedure_draft_amendment(procedure=published, actor=manager)
    assert draft.status == Procedure.Status.DRAFT
    assert procedure_current(national_code="1.001193") == published
    with pytest.raises(ValidationError):
        procedure_draft_amendment(procedure=published, actor=manager)
    procedure_publish(procedure=draft, actor=manager)
    published.refresh_from_db()
    assert published.status == Procedure.Status.SUPERSEDED
    assert procedure_current(national_code="1.001193") == draft


def test_withdraw_takes_it_off_the_catalogue(published, manager):
    procedure_withdraw(procedure=published, actor=manager, reason="Bãi bỏ")
    assert procedure_current(national_code="1.001193") is None
    event = ProcedureEvent.objects.get(action="withdrawn")
    assert (event.actor, event.note) == (manager, "Bãi bỏ")
    with pytest.raises(ValidationError):
        procedure_withdraw(procedure=published, actor=manager)


def test_deleting_a_draft_keeps_its_history(published, manager):
    draft = procedure_draft_amendment(procedure=published, actor=manager)
    draft.delete()
    event = ProcedureEvent.objects.get(action="created")
    assert (event.procedure, event.national_code, event.version) == (
        None,
        "1.001193",
        2,
    )
