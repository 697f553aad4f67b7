"""Shared fixtures: the agency tree and a user for every role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from accounts.models import Agency, Membership, User
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from worktime.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_process_calendar(settings) -> Iterator[None]:
    """Each test gets its own cache namespace and a freshly built working calendar.

    Test transactions roll back DayOverride rows without bumping the calendar's
    version key, and parallel test workers share one Redis.
    """
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@dataclass
class AgencyTree:
    province: Agency
    centre: Agency
    justice: Agency
    construction: Agency
    commune: Agency


@pytest.fixture
def agencies(db: None) -> AgencyTree:
    province = AgencyFactory(
        code="000.00.00.H49", name="UBND tỉnh", kind=Agency.Kind.PROVINCE
    )
    return AgencyTree(
        province=province,
        centre=AgencyFactory(
            code="000.00.01.H49",
            kind=Agency.Kind.ONE_STOP_CENTRE,
            parent=province,
            name="Trung tâm PVHCC",
        ),
        justice=AgencyFactory(code="000.00.15.H49", parent=province, name="Sở Tư pháp"),
        construction=AgencyFactory(
            code="000.00.18.H49", parent=province, name="Sở Xây dựng"
        ),
        commune=AgencyFactory(
            code="000.31.01.H49",
            kind=Agency.Kind.COMMUNE,
            parent=province,
            name="UBND phường Hạ Long",
        ),
    )


def _staff(agency: Agency, role: str) -> User:
    membership = MembershipFactory(agency=agency, role=role)
    return membership.user


@pytest.fixture
def clerk(agencies: AgencyTree) -> User:
    return _staff(agencies.centre, Membership.Role.CLERK)


@pytest.fixture
def specialist(agencies: AgencyTree) -> User:
    return _staff(agencies.justice, Membership.Role.SPECIALIST)


@pytest.fixture
def leader(agencies: AgencyTree) -> User:
    return _staff(agencies.justice, Membership.Role.LEADER)


@pytest.fixture
def manager(agencies: AgencyTree) -> User:
    return _staff(agencies.province, Membership.Role.MANAGER)


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory(full_name="Nguyễn Văn An", national_id="022090012345")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(full_name="Người Lạ")
