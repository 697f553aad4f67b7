"""Fixtures for the security tests: one dossier at the centre, decided by Justice."""

from __future__ import annotations

import pytest

from accounts.models import Membership, User
from dossiers.models import Dossier
from procedures.models import Procedure
from tests.accounts.factories import MembershipFactory
from tests.conftest import AgencyTree
from tests.dossiers.factories import (
    DossierFactory,
)
from tests.security.fixtures_data import *  # noqa: F403 - dossier and upload fixtures


@pytest.fixture
def submitted_dossier(procedure: Procedure, citizen: User) -> Dossier:
    return DossierFactory(procedure=procedure, owner=citizen, submitted=True)


@pytest.fixture
def other_agency_clerk(agencies: AgencyTree) -> User:
    """A clerk of a commune: staff, but not of the dossier's agencies."""
    return MembershipFactory(agency=agencies.commune, role=Membership.Role.CLERK).user
