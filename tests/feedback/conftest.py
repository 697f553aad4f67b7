"""Fixtures: a procedure decided by the Department of Justice and received at the
centre, and dossiers taken to "returned" through the dossier services."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from accounts.models import User
from dossiers import services as dossier_services
from dossiers.models import Dossier
from procedures.models import Procedure
from tests.conftest import AgencyTree
from tests.dossiers.factories import (
    DossierFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)
from tests.notifications.factories import seed_templates
from worktime.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar(settings) -> Iterator[None]:
    # As tests/worktime/conftest.py: override rows roll back without a version bump,
    # and parallel workers share one Redis, so each test gets its own cache keys.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def _sms_templates(request: pytest.FixtureRequest) -> None:
    """Put the seeded SMS templates back for database tests.

    Transactional tests elsewhere (the integration suite) empty every table, data
    migrations included; with pytest-xdist such a test may run earlier in the same
    worker, so tests that expect a message must not rely on the migration's rows.
    """
    if request.node.get_closest_marker("django_db") is not None:
        seed_templates()


@pytest.fixture(autouse=True)
def _private_media(tmp_path) -> Iterator[None]:
    with override_settings(
        MEDIA_ROOT=tmp_path / "media", PORTAL_BASE_URL="https://dvc.example.vn"
    ):
        yield


@pytest.fixture
def procedure(agencies: AgencyTree) -> Procedure:
    procedure = ProcedureFactory(
        competent_agency=agencies.justice, receiving_agencies=[agencies.centre]
    )
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai", mandatory=True)
    return procedure


@pytest.fixture
def take_to_ready(
    clerk: User, specialist: User, leader: User
) -> Callable[[Dossier], Dossier]:
    def take(dossier: Dossier) -> Dossier:
        dossier_services.dossier_receive(dossier=dossier, actor=clerk)
        dossier_services.dossier_assign(
            dossier=dossier, actor=clerk, specialist=specialist
        )
        dossier_services.dossier_propose(dossier=dossier, actor=specialist)
        dossier_services.dossier_approve(dossier=dossier, actor=leader, number="1/QĐ")
        dossier.refresh_from_db()
        return dossier

    return take


@pytest.fixture
def make_returned(
    procedure: Procedure,
    citizen: User,
    clerk: User,
    take_to_ready: Callable[[Dossier], Dossier],
) -> Callable[..., Dossier]:
    """A dossier received by `clerk`, decided, and returned through the services."""

    def make(**fields: object) -> Dossier:
        fields.setdefault("owner", citizen)
        fields.setdefault("applicant_phone", "+84912345678")
        dossier = take_to_ready(
            DossierFactory(procedure=procedure, submitted=True, **fields)
        )
        dossier_services.dossier_return_result(
            dossier=dossier, actor=clerk, channel=Dossier.ReturnChannel.COUNTER
        )
        dossier.refresh_from_db()
        return dossier

    return make


@pytest.fixture
def returned(make_returned: Callable[..., Dossier]) -> Dossier:
    return make_returned()


@pytest.fixture
def ready(
    procedure: Procedure, citizen: User, take_to_ready: Callable[[Dossier], Dossier]
) -> Dossier:
    return take_to_ready(
        DossierFactory(procedure=procedure, submitted=True, owner=citizen)
    )


def token_of(link: str) -> str:
    """The token at the end of a rating link."""
    return link.rsplit("/", 1)[1]
