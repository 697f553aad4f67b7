"""Ratings given through the feedback services reach the rollups on their day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from dashboard.selectors import Filters, indicators
from feedback.services.ratings import RatingAnswers, rating_submit_by_owner
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db


def _returned(history, citizen, finished):
    dossier = history.intake(at(2026, 3, 2), owner=citizen)
    history.assign(dossier, at(2026, 3, 2, 10))
    dossier = history.approve(dossier, finished)
    history.return_result(dossier, finished + dt.timedelta(hours=2))
    return dossier


def test_ratings_are_counted_and_feed_indicator_5_4(history, citizen):
    happy = _returned(history, citizen, at(2026, 3, 5))
    unhappy = _returned(history, citizen, at(2026, 3, 6))
    with time_machine.travel(at(2026, 3, 9), tick=False):
        rating_submit_by_owner(
            dossier=happy, user=citizen, answers=RatingAnswers(value="very_satisfied")
        )
        rating_submit_by_owner(
            dossier=unhappy,
            user=citizen,
            answers=RatingAnswers(value="dissatisfied", reason="Phải đi lại nhiều lần"),
        )
    march = Filters(first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 31))
    figures = indicators(filters=march)
    assert (
        figures.satisfaction.very_satisfied,
        figures.satisfaction.satisfied,
        figures.satisfaction.dissatisfied,
    ) == (1, 0, 1)
    assert figures.satisfaction.index == Decimal("50.00")
    by_code = {item.code: item for item in figures.indicators_766}
    # 100 − 0 % late − 50 % "not satisfied" = 50; threshold 90 → 50 × 6 ÷ 90
    assert by_code["5.4"].rate == Decimal("50.00")
    assert by_code["5.4"].points == Decimal("3.33")
    february = Filters(first=dt.date(2026, 2, 1), last=dt.date(2026, 2, 28))
    assert indicators(filters=february).satisfaction.total == 0
