"""Indicators on hand-built histories with known answers (period: March 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard.models import DailyDossierRollup
from dashboard.selectors import Filters, filters_for_user, indicators
from dashboard.services import rollups_rebuild, snapshots_take
from dossiers.models import Dossier
from tests.dashboard.conftest import at
from tests.dossiers.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def march(history):
    """A month with every case of domain.md §2.3, appointment 10 working days out.

    Intake on Mon 2 March 09:00 → appointment Mon 16 March (end of office hours).
    """
    h = history
    made = {}
    made["early"] = h.finish(at(2026, 3, 2), at(2026, 3, 10))
    made["on_time"] = h.finish(at(2026, 3, 2), at(2026, 3, 16, 15))
    made["late"] = h.finish(at(2026, 3, 2), at(2026, 3, 18))
    # An apology moves the appointment to the 25th; finishing on the 20th is still late.
    apologised = h.intake(at(2026, 3, 2))
    h.assign(apologised, at(2026, 3, 2, 10))
    h.apologize(apologised, at(2026, 3, 13), new=at(2026, 3, 25, 16))
    made["apologised"] = h.approve(apologised, at(2026, 3, 20))
    # A second supplement request after receipt makes the dossier late, even early.
    twice = h.intake(at(2026, 3, 2))
    h.assign(twice, at(2026, 3, 2, 10))
    h.request_supplement(twice, at(2026, 3, 3))
    h.supplement(twice, at(2026, 3, 3, 14))
    h.request_supplement(twice, at(2026, 3, 4))
    h.supplement(twice, at(2026, 3, 4, 14))
    made["twice"] = h.approve(twice, at(2026, 3, 5))
    withdrawn = h.intake(at(2026, 3, 2), channel=Dossier.Channel.POST)
    h.withdraw(withdrawn, at(2026, 3, 4))
    # Received in February, finished in March: carried over into the period.
    made["carried"] = h.finish(at(2026, 2, 26), at(2026, 3, 3))
    # Received on the last afternoon of the period: in progress within the deadline.
    made["last_day"] = h.intake(at(2026, 3, 31, 16))
    # Received on 2 March and never finished: overdue at the end of the period.
    made["overdue"] = h.intake(at(2026, 3, 2))
    # Waiting for a supplement at the end of the period.
    waiting = h.intake(at(2026, 3, 20))
    h.assign(waiting, at(2026, 3, 20, 10))
    h.request_supplement(waiting, at(2026, 3, 27))
    # Received in April: outside the period.
    h.intake(at(2026, 4, 1, 8))
    snapshots_take(first=dt.date(2026, 2, 1), last=dt.date(2026, 4, 2))
    return made


def _march(**kwargs) -> Filters:
    return Filters(first=MARCH[0], last=MARCH[1], **kwargs)


def test_timeliness_counts_of_the_month(march):
    figures = indicators(filters=_march())
    assert figures.received == 9
    assert figures.received_by_channel == {"counter": 8, "online": 0, "post": 1}
    # early: finished on the 10th; the withdrawal; the carried-over dossier
    assert figures.finished_early == 3
    assert figures.finished_on_time == 1
    # late: after the appointment, after an apology, two supplement requests
    assert figures.finished_late == 3
    assert figures.withdrawn == 1
    assert figures.stopped == 0
    assert figures.apologies == 1
    assert figures.supplement_requests == 3
    assert figures.results == 6
    assert figures.on_time_rate == Decimal("57.14")


def test_an_apology_keeps_the_original_appointment(march):
    apologised = march["apologised"]
    assert apologised.appointment_at > at(2026, 3, 20)
    assert apologised.timeliness == Dossier.Timeliness.LATE


def test_stock_at_the_period_end_and_carried_over(march):
    figures = indicators(filters=_march())
    assert figures.stock is not None
    assert figures.stock.within == 1  # received 31 March
    assert figures.stock.overdue == 1  # received 2 March, appointment 16 March
    assert figures.stock.paused_supplement == 1
    assert figures.stock.paused_payment == 0
    assert figures.carried_over == 1  # received 26 February, open on the 28th


def test_period_edges_split_by_local_day(history):
    # 23:30 on 31 March in Hà Nội is 16:30 UTC: still March.
    history.intake(at(2026, 3, 31, 23, 30))
    history.intake(at(2026, 4, 1, 0, 10))
    assert indicators(filters=_march()).received == 1
    april = Filters(first=dt.date(2026, 4, 1), last=dt.date(2026, 4, 30))
    assert indicators(filters=april).received == 1


def test_indicator_766_points(march):
    by_code = {i.code: i for i in indicators(filters=_march()).indicators_766}
    # 2.1: (3 early + 1 on time + 1 within) ÷ (7 finished + 2 in progress)
    assert by_code["2.1"].rate == Decimal("55.56")
    assert by_code["2.1"].points == Decimal("11.11")  # 55.56 × 20 ÷ 100
    # 3.3: no online dossier of 9 → 0 points
    assert by_code["3.3"].rate == Decimal("0.00")
    assert by_code["3.3"].points == Decimal("0.00")
    # 4.1: no result carries a file
    assert by_code["4.1"].rate == Decimal("0.00")
    assert by_code["4.3"].rate is None
    assert by_code["4.3"].points is None
    # 5.4: 100 − 3/7 late (42.86) − 0 dissatisfied, threshold 90 → 57.14 × 6 ÷ 90
    assert by_code["5.4"].rate == Decimal("57.14")
    assert by_code["5.4"].points == Decimal("3.81")


def test_points_at_threshold_are_full(settings, march):
    settings.DASHBOARD_766 = {"2.1": {"threshold": 50}}
    by_code = {i.code: i for i in indicators(filters=_march()).indicators_766}
    assert by_code["2.1"].points == Decimal("20.00")


def test_zero_denominator_is_not_applicable(db):
    figures = indicators(filters=_march())
    assert figures.received == 0
    assert figures.on_time_rate is None
    assert figures.online_share is None
    assert all(i.points is None for i in figures.indicators_766 if i.code != "2.1")


def test_average_processing_time_against_legal_time(history):
    # Received Monday 2 March 09:00, approved Thursday 5 March 09:00: 3 working days.
    history.finish(at(2026, 3, 2), at(2026, 3, 5))
    figures = indicators(filters=_march())
    assert figures.average_processing_days == Decimal("3.00")
    assert figures.average_legal_days == Decimal("10.00")


def test_payment_pause_is_counted_and_excluded_from_processing_time(history):
    dossier = history.intake(at(2026, 3, 2))
    history.assign(dossier, at(2026, 3, 2, 10))
    history.request_payment(dossier, at(2026, 3, 3, 9))
    history.confirm_payment(dossier, at(2026, 3, 4, 9))
    history.approve(dossier, at(2026, 3, 5, 9))
    figures = indicators(filters=_march())
    assert figures.payment_requests == 1
    assert figures.average_processing_days == Decimal("2.00")


def test_stopped_and_returned(history):
    stopped = history.intake(at(2026, 3, 2))
    history.assign(stopped, at(2026, 3, 2, 10))
    history.stop(stopped, at(2026, 3, 6))
    done = history.finish(at(2026, 3, 2), at(2026, 3, 6))
    history.return_result(done, at(2026, 3, 9))
    figures = indicators(filters=_march())
    assert figures.stopped == 1
    assert figures.returned == 1
    assert figures.finished_early == 2


def test_rebuild_reproduces_the_workflow_counters(march):
    def table():
        return sorted(
            DailyDossierRollup.objects.values_list(
                "day",
                "procedure_id",
                "channel",
                "received",
                "finished_early",
                "finished_on_time",
                "finished_late",
                "withdrawn",
                "apologies",
                "supplement_requests",
                "results",
                "timed_count",
                "processing_hours_sum",
                "legal_hours_sum",
            )
        )

    before = table()
    DailyDossierRollup.objects.filter(day=dt.date(2026, 3, 2)).update(received=99)
    rollups_rebuild(first=dt.date(2026, 2, 1), last=dt.date(2026, 4, 30))
    assert table() == before


def test_scope_of_a_department_manager(march, justice_manager, other_manager):
    own = filters_for_user(user=justice_manager, first=MARCH[0], last=MARCH[1])
    assert indicators(filters=own).received == 9
    other = filters_for_user(user=other_manager, first=MARCH[0], last=MARCH[1])
    assert indicators(filters=other).received == 0


def test_a_period_across_month_edges_adds_daily_and_monthly_rows(march, history):
    history.finish(at(2026, 2, 20), at(2026, 2, 24))  # received and finished 20–24 Feb
    history.intake(at(2026, 4, 2))
    filters = Filters(first=dt.date(2026, 2, 21), last=dt.date(2026, 4, 1))
    figures = indicators(filters=filters)
    # March's 9, the carried one of 26 Feb and the 1 April one at 08:00;
    # not the one of 20 Feb nor the one of 2 April
    assert figures.received == 11
    # finished in the window: March's 7 plus the one of 24 February
    assert figures.finished == 8
    only_march_days = Filters(first=dt.date(2026, 3, 2), last=dt.date(2026, 3, 3))
    assert indicators(filters=only_march_days).received == 7  # the 2 March ones
    assert indicators(filters=only_march_days).finished_early == 1  # carried, 3 March


def test_a_procedure_filter_reads_daily_rows_and_past_stock(march, procedure):
    other = ProcedureFactory(competent_agency=procedure.competent_agency)
    figures = indicators(filters=_march(procedure=procedure))
    assert figures.received == 9
    assert figures.stock is not None
    assert figures.stock.overdue == 1
    assert figures.stock.paused_supplement == 1
    assert indicators(filters=_march(procedure=other)).received == 0


def test_a_field_filter_reads_daily_rows(march, procedure):
    other_field = ProcedureFactory(competent_agency=procedure.competent_agency).field
    assert indicators(filters=_march(field=procedure.field)).received == 9
    assert indicators(filters=_march(field=other_field)).received == 0
