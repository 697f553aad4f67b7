"""Fixtures for dashboard tests: dossier histories built through the dossier services
at chosen moments (time-machine), so the rollups are the ones the workflow writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from accounts.models import Membership, User
from dossiers import services
from dossiers.models import Dossier
from procedures.models import Procedure
from tests.accounts.factories import MembershipFactory
from tests.conftest import AgencyTree
from tests.dossiers.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def _private_media(tmp_path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture
def procedure(agencies: AgencyTree) -> Procedure:
    return ProcedureFactory(
        competent_agency=agencies.justice,
        receiving_agencies=[agencies.centre],
        processing_days=10,
    )


class History:
    """Drives dossiers through the services, each step at a given local moment."""

    def __init__(self, procedure: Procedure, staff: dict[str, User]) -> None:
        self.procedure = procedure
        self.staff = staff

    def _at(self, moment: dt.datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    def intake(
        self,
        moment: dt.datetime,
        *,
        channel: int = Dossier.Channel.COUNTER,
        owner: User | None = None,
    ) -> Dossier:
        with self._at(moment):
            return services.dossier_intake(
                actor=self.staff["clerk"],
                procedure=self.procedure,
                receiving_agency=self.procedure.receiving_agencies.get(),
                applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
                channel=channel,
                owner=owner,
                consent=True,
            )

    def assign(self, dossier: Dossier, moment: dt.datetime) -> Dossier:
        with self._at(moment):
            return services.dossier_assign(
                dossier=dossier,
                actor=self.staff["clerk"],
                specialist=self.staff["specialist"],
            )

    def approve(self, dossier: Dossier, moment: dt.datetime) -> Dossier:
        with self._at(moment):
            services.dossier_propose(
                dossier=dossier, actor=self.staff["specialist"], number="1/QĐ"
            )
            services.dossier_approve(dossier=dossier, actor=self.staff["leader"])
        return Dossier.objects.get(pk=dossier.pk)

    def finish(self, moment: dt.datetime, finished: dt.datetime) -> Dossier:
        dossier = self.intake(moment)
        self.assign(dossier, moment + dt.timedelta(hours=1))
        return self.approve(dossier, finished)

    def request_supplement(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_request_supplement(
                dossier=dossier,
                actor=self.staff["specialist"],
                reason="Thiếu bản sao",
                items_text="Bản sao giấy khai sinh",
            )

    def supplement(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_supplement(dossier=dossier, actor=self.staff["clerk"])

    def apologize(
        self, dossier: Dossier, moment: dt.datetime, new: dt.datetime
    ) -> None:
        with self._at(moment):
            services.dossier_apologize(
                dossier=dossier,
                actor=self.staff["leader"],
                reason="Cần xác minh thêm",
                new_appointment=new,
            )

    def withdraw(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_withdraw(
                dossier=dossier, actor=self.staff["clerk"], reason="Công dân xin rút"
            )

    def stop(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_stop(
                dossier=dossier, actor=self.staff["leader"], reason="Không đủ điều kiện"
            )

    def request_payment(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_request_payment(
                dossier=dossier, actor=self.staff["specialist"], amount=100000
            )

    def confirm_payment(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_confirm_payment(dossier=dossier, actor=self.staff["clerk"])

    def return_result(self, dossier: Dossier, moment: dt.datetime) -> None:
        with self._at(moment):
            services.dossier_return_result(
                dossier=dossier, actor=self.staff["clerk"], channel="counter"
            )


@pytest.fixture
def history(procedure, clerk, specialist, leader) -> History:
    return History(
        procedure, {"clerk": clerk, "specialist": specialist, "leader": leader}
    )


@pytest.fixture
def other_manager(agencies: AgencyTree) -> User:
    """A manager of the Department of Construction only."""
    return MembershipFactory(
        agency=agencies.construction, role=Membership.Role.MANAGER
    ).user


@pytest.fixture
def justice_manager(agencies: AgencyTree) -> User:
    return MembershipFactory(agency=agencies.justice, role=Membership.Role.MANAGER).user
