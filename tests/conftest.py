"""Shared fixtures: the agency tree and a user for every role."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Agency, Membership, User
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.log_scan import (  # noqa: F401 - hooks: no full phone/ID number in any log
    pytest_sessionfinish,
    pytest_sessionstart,
)
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


@pytest.fixture(autouse=True)
def _staff_mfa_setting(request: pytest.FixtureRequest, settings) -> None:
    """STAFF_MFA_REQUIRED is on in production; most tests act as staff through
    force_login and turn it off. Tests marked `staff_mfa` keep it on and log staff
    in with `login_with_second_factor`."""
    settings.STAFF_MFA_REQUIRED = (
        request.node.get_closest_marker("staff_mfa") is not None
    )


@pytest.fixture
def login_with_second_factor() -> Callable[[Any, User], Any]:
    """Log `user` into a test client as if with password and TOTP.

    Turns the authenticator app on for the user (when not yet) and writes the
    session record allauth keeps after a TOTP step.
    """

    def login(client: Any, user: User) -> Any:
        authenticator = (
            Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).first()
            or TOTP.activate(user, generate_totp_secret()).instance
        )
        client.force_login(user)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time()},
            {
                "method": "mfa",
                "at": time.time(),
                "id": authenticator.pk,
                "type": "totp",
            },
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
        return client

    return login


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
