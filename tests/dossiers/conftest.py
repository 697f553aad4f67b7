"""Fixtures for dossier tests: a procedure received at the centre and decided by the
Department of Justice, and a user for every role of the table in design.md §3."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import override_settings

from accounts.models import Membership, User
from dossiers.models import Dossier
from procedures.models import Procedure, RequiredDocument
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import AgencyTree
from tests.dossiers.factories import (
    DossierFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)
from worktime.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _private_media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def procedure(agencies: AgencyTree) -> Procedure:
    procedure = ProcedureFactory(
        competent_agency=agencies.justice, receiving_agencies=[agencies.centre]
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Tờ khai", mandatory=True, position=1
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Giấy ủy quyền", mandatory=False, position=2
    )
    return procedure


@pytest.fixture
def mandatory_document(procedure: Procedure) -> RequiredDocument:
    return procedure.required_documents.get(mandatory=True)


@dataclass
class Actors:
    owner: User
    clerk: User
    specialist: User
    leader: User
    manager: User
    stranger: User
    other_clerk: User
    other_specialist: User

    def get(self, role: str) -> User:
        return getattr(self, role)


@pytest.fixture
def actors(  # noqa: PLR0917 - one fixture per role
    agencies, citizen, clerk, specialist, leader, manager, stranger
) -> Actors:
    return Actors(
        owner=citizen,
        clerk=clerk,
        specialist=specialist,
        leader=leader,
        manager=manager,
        stranger=stranger,
        other_clerk=MembershipFactory(
            agency=agencies.commune, role=Membership.Role.CLERK
        ).user,
        other_specialist=MembershipFactory(
            agency=agencies.construction, role=Membership.Role.SPECIALIST
        ).user,
    )


@pytest.fixture
def make_dossier(procedure, citizen):
    def make(**traits) -> Dossier:
        traits.setdefault("owner", citizen)
        return DossierFactory(procedure=procedure, **traits)

    return make


@pytest.fixture
def other_citizen(db) -> User:
    return UserFactory(full_name="Trần Thị Bình")
