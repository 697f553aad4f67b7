"""The routing rules of portal.db_router, decided without a database (the behaviour
against a real primary and standby is in test_db_replica.py)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from rest_framework.authtoken.models import Token

from accounts.models import Agency, Membership, User
from dossiers.models import Dossier
from portal import db_router
from portal.db_router import ReplicaRouter, use_replica


@pytest.fixture
def healthy_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(
        db_router,
        "replica_health",
        lambda **_: db_router._Health(usable=True, checked_at=0.0, lag=0.0),
    )


def test_without_a_replica_everything_reads_the_primary():
    with use_replica():
        assert Agency.objects.all().db == "default"


def test_only_reads_inside_use_replica_go_to_the_replica(healthy_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Dossier) is None
    with use_replica():
        assert router.db_for_read(Dossier) == "replica"
        assert router.db_for_write(Dossier) == "default"
    assert router.db_for_read(Dossier) is None


@pytest.mark.parametrize("model", [Session, Token, User, Membership])
def test_who_is_asking_is_always_read_on_the_primary(healthy_replica, model):
    with use_replica():
        assert ReplicaRouter().db_for_read(model) is None


def test_an_unhealthy_replica_is_skipped(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(
        db_router,
        "replica_health",
        lambda **_: db_router._Health(usable=False, reason="lagging"),
    )
    with use_replica():
        assert ReplicaRouter().db_for_read(Dossier) is None


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "dossiers") is False
    assert router.allow_migrate("default", "dossiers") is True


def test_the_decorator_marks_the_context_for_the_call_only(healthy_replica):
    @use_replica()
    def read() -> str | None:
        return ReplicaRouter().db_for_read(Dossier)

    assert read() == "replica"
    assert ReplicaRouter().db_for_read(Dossier) is None
