"""The audit trail is append-only: through the ORM and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dossiers import services
from dossiers.models import AppendOnlyError, DossierEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_dossier, clerk) -> DossierEvent:
    dossier = make_dossier(submitted=True)
    services.dossier_receive(dossier=dossier, actor=clerk)
    return DossierEvent.objects.get(dossier=dossier)


def test_one_event_per_transition_along_the_main_path(make_dossier, actors):
    dossier = make_dossier(submitted=True)
    services.dossier_receive(dossier=dossier, actor=actors.clerk)
    services.dossier_assign(
        dossier=dossier, actor=actors.clerk, specialist=actors.specialist
    )
    services.dossier_propose(dossier=dossier, actor=actors.specialist, number="9/QĐ")
    services.dossier_approve(dossier=dossier, actor=actors.leader)
    services.dossier_return_result(
        dossier=dossier, actor=actors.clerk, channel="counter"
    )
    trail = list(
        DossierEvent.objects.filter(dossier=dossier).values_list("action", "to_state")
    )
    assert trail == [
        ("receive", "received"),
        ("assign", "appraising"),
        ("propose", "pending_approval"),
        ("approve", "ready"),
        ("return_result", "returned"),
    ]


def test_orm_save_of_an_existing_event_is_refused(event):
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    event.refresh_from_db()
    assert event.reason == ""


def test_orm_delete_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert DossierEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused_by_the_trigger(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    event.refresh_from_db()
    assert event.reason == ""


def test_queryset_delete_is_refused_by_the_trigger(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).delete()
    assert DossierEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE dossiers_dossierevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM dossiers_dossierevent WHERE id = %s",
    ],
)
def test_raw_sql_update_and_delete_are_refused(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert DossierEvent.objects.filter(pk=event.pk, reason="").exists()
