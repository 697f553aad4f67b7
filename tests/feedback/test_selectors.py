"""Satisfaction results and the 766 indicators 5.1–5.4, checked against counts
worked out by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Agency
from dossiers.models import Dossier
from feedback import selectors
from feedback.models import Feedback, Rating
from tests.accounts.factories import UserFactory
from tests.dossiers.factories import DossierFactory, ProcedureFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 11, 1, tzinfo=VN)
END = dt.datetime(2026, 12, 1, tzinfo=VN)
NOW = dt.datetime(2026, 12, 15, tzinfo=VN)


def at(day: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, 0, tzinfo=VN)


@pytest.fixture
def ratings(agencies):
    justice_procedure = ProcedureFactory(competent_agency=agencies.justice)
    construction_procedure = ProcedureFactory(competent_agency=agencies.construction)
    clerk_a, clerk_b = UserFactory(), UserFactory()

    def rate(procedure, clerk, value, when):
        dossier = DossierFactory(procedure=procedure, returned=True)
        Rating.objects.create(
            dossier=dossier,
            value=value,
            reason="Chậm" if value == "dissatisfied" else "",
            agency=procedure.competent_agency,
            receiving_agency=dossier.receiving_agency,
            procedure=procedure,
            clerk=clerk,
            source="sms",
            created_at=when,
        )

    for value in ("very_satisfied", "very_satisfied", "satisfied", "dissatisfied"):
        rate(justice_procedure, clerk_a, value, at(10))
    for value in ("satisfied", "dissatisfied"):
        rate(construction_procedure, clerk_b, value, at(20))
    rate(justice_procedure, clerk_a, "dissatisfied", at(31, 10))  # before the period
    rate(justice_procedure, clerk_a, "dissatisfied", START - dt.timedelta(seconds=1))
    rate(justice_procedure, clerk_a, "dissatisfied", END)  # end is excluded
    return {
        "justice": justice_procedure,
        "construction": construction_procedure,
        "clerk_a": clerk_a,
        "clerk_b": clerk_b,
    }


def test_results_per_agency(ratings, agencies, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = {
            r.key: r
            for r in selectors.satisfaction_results(
                group_by="agency", start=START, end=END
            )
        }
    justice = results[agencies.justice.pk]
    assert (justice.very_satisfied, justice.satisfied, justice.dissatisfied) == (
        2,
        1,
        1,
    )
    assert justice.total == 4
    assert justice.satisfaction_index == Decimal("75.00")
    assert justice.dissatisfied_share == Decimal("25.00")
    construction = results[agencies.construction.pk]
    assert construction.satisfaction_index == Decimal("50.00")
    assert set(results) == {agencies.justice.pk, agencies.construction.pk}


def test_results_per_procedure_and_clerk(ratings):
    by_procedure = {
        r.key: r.total
        for r in selectors.satisfaction_results(
            group_by="procedure", start=START, end=END
        )
    }
    assert by_procedure == {ratings["justice"].pk: 4, ratings["construction"].pk: 2}
    by_clerk = {
        r.key: r.dissatisfied
        for r in selectors.satisfaction_results(group_by="clerk", start=START, end=END)
    }
    assert by_clerk == {ratings["clerk_a"].pk: 1, ratings["clerk_b"].pk: 1}


def test_total_and_agency_filter(ratings, agencies):
    total = selectors.satisfaction_total(start=START, end=END)
    assert (total.very_satisfied, total.satisfied, total.dissatisfied) == (2, 2, 2)
    assert total.satisfaction_index == Decimal("66.67")
    assert total.dissatisfied_share == Decimal("33.33")
    # a provincial filter covers its subtree; a department only itself
    province = agencies.province.subtree()
    assert (
        selectors.satisfaction_total(start=START, end=END, agencies=province).total == 6
    )
    assert selectors.satisfaction_total(start=START, end=END, source="kiosk").total == 0
    assert selectors.satisfaction_total(start=START, end=END, source="sms").total == 6
    justice_only = Agency.objects.filter(pk=agencies.justice.pk)
    assert (
        selectors.satisfaction_total(start=START, end=END, agencies=justice_only).total
        == 4
    )


def test_empty_period_gives_no_rate():
    total = selectors.satisfaction_total(start=START, end=END)
    assert total.total == 0
    assert total.satisfaction_index is None
    assert total.dissatisfied_share is None


def _feedback(agency, *, created, **fields):
    due = {
        "refusal_due": created + dt.timedelta(days=2),
        "supplement_due": created + dt.timedelta(days=7),
        "handling_due": created + dt.timedelta(days=21),
    }
    return Feedback.objects.create(
        subject="staff",
        agency=agency,
        title="Phản ánh",
        content="Nội dung",
        contact_name="Lê Văn C",
        tracking_token_hash=uuid.uuid4().hex,
        created_at=created,
        **due,
        **fields,
    )


def test_feedback_indicators_5_1_to_5_3(agencies):
    justice = agencies.justice
    created = at(2)
    in_time = created + dt.timedelta(days=10)
    too_late = created + dt.timedelta(days=30)
    answered = {"state": "answered", "answer": "Đã xử lý"}
    _feedback(
        justice,
        created=created,
        classification="conduct",
        closed_at=in_time,
        answer_satisfaction="satisfied",
        **answered,
    )  # fine
    _feedback(
        justice,
        created=created,
        classification="regulation",
        closed_at=too_late,
        **answered,
    )  # late
    _feedback(
        justice,
        created=created,
        state="refused",
        closed_at=created + dt.timedelta(days=1),
    )  # refused in time
    _feedback(justice, created=created)  # open, handling due 23 Nov: late at NOW
    _feedback(justice, created=at(28))  # open, due 19 December: not late yet
    _feedback(
        justice,
        created=created,
        classification="other",
        closed_at=in_time,
        answer_satisfaction="dissatisfied",
        **answered,
    )  # disliked
    repeated = _feedback(
        justice,
        created=created,
        classification="conduct",
        closed_at=in_time,
        **answered,
    )
    _feedback(justice, created=at(3, 12), previous=repeated)  # the matter came back

    indicators = selectors.feedback_indicators(start=START, end=END, now=NOW)
    assert indicators.total == 7
    assert indicators.classified == 4
    assert indicators.on_time == 4
    assert indicators.late == 2
    assert indicators.disliked == 1
    assert indicators.repeated == 1
    assert indicators.without_problem == 3
    assert indicators.rate_5_1 == Decimal("57.14")
    assert indicators.rate_5_2 == Decimal("57.14")
    assert indicators.rate_5_3 == Decimal("42.86")
    other = Agency.objects.filter(pk=agencies.construction.pk)
    assert (
        selectors.feedback_indicators(
            start=START, end=END, agencies=other, now=NOW
        ).rate_5_2
        is None
    )


def test_satisfaction_index_5_4(agencies):
    procedure = ProcedureFactory(competent_agency=agencies.justice)

    def finished(timeliness, **fields):
        return DossierFactory(
            procedure=procedure,
            returned=True,
            finished_at=at(15),
            timeliness=timeliness,
            **fields,
        )

    on_time, late = Dossier.Timeliness.ON_TIME, Dossier.Timeliness.LATE
    finished(on_time)
    finished(late)
    finished(late)
    unhappy = finished(on_time)
    Rating.objects.create(
        dossier=unhappy,
        value="dissatisfied",
        reason="Chậm",
        agency=agencies.justice,
        receiving_agency=unhappy.receiving_agency,
        procedure=procedure,
        source="sms",
    )
    complained = finished(on_time)
    _feedback(agencies.justice, created=at(16), dossier=complained)
    DossierFactory(procedure=procedure, returned=True, finished_at=at(5, 12))  # later

    index = selectors.satisfaction_index_5_4(start=START, end=END)
    assert (index.finished, index.late, index.complained_or_dissatisfied) == (5, 2, 2)
    assert index.rate == Decimal("20.00")
    assert (
        selectors.satisfaction_index_5_4(start=END, end=END + dt.timedelta(days=1)).rate
        is None
    )
