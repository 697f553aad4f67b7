"""Reads for pages and for the dashboard: satisfaction results and the Decision 766
satisfaction indicators 5.1–5.4 (domain.md §4.4).

The statistics read the replica when one is configured and healthy (use_replica: a
few seconds behind is fine for indicators). Periods are half-open [start, end). Rates
are percentages rounded to 2 decimals, or None when the denominator is zero ("N/A" in
domain.md §4.4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Agency, User
from accounts.selectors import agency_scope_for_user
from dossiers.models import FINISHED_STATES, Dossier
from feedback.models import Feedback, FollowUp, Rating, RatingValue
from feedback.permissions import FEEDBACK_MANAGER_ROLES, HANDLER_ROLES
from portal.db_router import use_replica

GroupBy = Literal["agency", "procedure", "clerk"]
_HUNDRED = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * _HUNDRED / Decimal(whole)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class SatisfactionResult:
    """Ratings of one agency, procedure or clerk (key None: the whole selection)."""

    key: int | None
    very_satisfied: int
    satisfied: int
    dissatisfied: int

    @property
    def total(self) -> int:
        return self.very_satisfied + self.satisfied + self.dissatisfied

    @property
    def satisfaction_index(self) -> Decimal | None:
        """Share of ratings "very satisfied" or "satisfied", in percent."""
        return percent(self.very_satisfied + self.satisfied, self.total)

    @property
    def dissatisfied_share(self) -> Decimal | None:
        return percent(self.dissatisfied, self.total)


def _ratings(
    *,
    start: dt.datetime,
    end: dt.datetime,
    agencies: QuerySet[Agency] | None,
    source: str | None,
) -> QuerySet[Rating]:
    ratings = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if agencies is not None:
        ratings = ratings.filter(agency__in=agencies)
    if source is not None:
        ratings = ratings.filter(source=source)
    return ratings


_COUNTS = {
    "very_satisfied": Count("id", filter=Q(value=RatingValue.VERY_SATISFIED)),
    "satisfied": Count("id", filter=Q(value=RatingValue.SATISFIED)),
    "dissatisfied": Count("id", filter=Q(value=RatingValue.DISSATISFIED)),
}


@use_replica()
def satisfaction_results(
    *,
    group_by: GroupBy,
    start: dt.datetime,
    end: dt.datetime,
    agencies: QuerySet[Agency] | None = None,
    source: str | None = None,
) -> list[SatisfactionResult]:
    """Counts per value for each agency (competent), procedure or receiving clerk.

    `source="kiosk"` against `source="sms"` per clerk shows a clerk whose counter
    ratings look too good to be the citizens' own.
    """
    column = f"{group_by}_id"
    rows = (
        _ratings(start=start, end=end, agencies=agencies, source=source)
        .values(column)
        .annotate(**_COUNTS)
        .order_by(column)
    )
    return [
        SatisfactionResult(
            key=row[column],
            very_satisfied=row["very_satisfied"],
            satisfied=row["satisfied"],
            dissatisfied=row["dissatisfied"],
        )
        for row in rows
    ]


@use_replica()
def satisfaction_total(
    *,
    start: dt.datetime,
    end: dt.datetime,
    agencies: QuerySet[Agency] | None = None,
    source: str | None = None,
) -> SatisfactionResult:
    row = _ratings(start=start, end=end, agencies=agencies, source=source).aggregate(
        **_COUNTS
    )
    return SatisfactionResult(key=None, **row)


@dataclass(frozen=True)
class FeedbackIndicators:
    """Inputs and rates of 766 indicators 5.1–5.3 for feedback received in a period.

    late: closed after its deadline, or still open past it at `now`.
    disliked: the author said the answer did not satisfy them.
    repeated: the same matter came back as a new feedback item.
    """

    total: int
    classified: int
    on_time: int
    late: int
    disliked: int
    repeated: int
    without_problem: int

    @property
    def rate_5_1(self) -> Decimal | None:
        return percent(self.classified, self.total)

    @property
    def rate_5_2(self) -> Decimal | None:
        return percent(self.on_time, self.total)

    @property
    def rate_5_3(self) -> Decimal | None:
        """(complaints − disliked − late − re-complained) ÷ complaints, each item
        counted once however many of the three apply to it."""
        return percent(self.without_problem, self.total)


@use_replica()
def feedback_indicators(
    *,
    start: dt.datetime,
    end: dt.datetime,
    agencies: QuerySet[Agency] | None = None,
    now: dt.datetime | None = None,
) -> FeedbackIndicators:
    moment = now or timezone.now()
    items = Feedback.objects.filter(created_at__gte=start, created_at__lt=end)
    if agencies is not None:
        items = items.filter(agency__in=agencies)
    refused = Q(state=Feedback.State.REFUSED)
    on_time = Q(closed_at__isnull=False) & (
        (refused & Q(closed_at__lte=OuterRef("refusal_due")))
        | (~refused & Q(closed_at__lte=OuterRef("handling_due")))
    )
    items = items.annotate(
        is_on_time=Exists(Feedback.objects.filter(on_time, pk=OuterRef("pk"))),
        is_repeated=Exists(Feedback.objects.filter(previous=OuterRef("pk"))),
    )
    late = ~Q(is_on_time=True) & (
        Q(closed_at__isnull=False)
        | (refused & Q(refusal_due__lt=moment))
        | (~refused & Q(handling_due__lt=moment))
    )
    disliked = Q(answer_satisfaction=RatingValue.DISSATISFIED)
    repeated = Q(is_repeated=True)
    counts = items.aggregate(
        total=Count("id"),
        classified=Count("id", filter=~Q(classification="")),
        on_time=Count("id", filter=Q(is_on_time=True)),
        late=Count("id", filter=late),
        disliked=Count("id", filter=disliked),
        repeated=Count("id", filter=repeated),
        without_problem=Count("id", filter=~(late | disliked | repeated)),
    )
    return FeedbackIndicators(**counts)


@dataclass(frozen=True)
class SatisfactionIndex54:
    """Indicator 5.4 = 100% − (share of dossiers late + share with a complaint or a
    "not satisfied" rating), over dossiers finished in the period."""

    finished: int
    late: int
    complained_or_dissatisfied: int

    @property
    def rate(self) -> Decimal | None:
        if self.finished == 0:
            return None
        late = percent(self.late, self.finished) or Decimal(0)
        unhappy = percent(self.complained_or_dissatisfied, self.finished) or Decimal(0)
        return max(Decimal(0), _HUNDRED - late - unhappy)


@use_replica()
def satisfaction_index_5_4(
    *, start: dt.datetime, end: dt.datetime, agencies: QuerySet[Agency] | None = None
) -> SatisfactionIndex54:
    dossiers = Dossier.objects.filter(
        state__in=FINISHED_STATES, finished_at__gte=start, finished_at__lt=end
    )
    if agencies is not None:
        dossiers = dossiers.filter(procedure__competent_agency__in=agencies)
    unhappy = Exists(
        Rating.objects.filter(dossier=OuterRef("pk"), value=RatingValue.DISSATISFIED)
    ) | Exists(Feedback.objects.filter(dossier=OuterRef("pk")))
    counts = dossiers.aggregate(
        finished=Count("id"),
        late=Count("id", filter=Q(timeliness=Dossier.Timeliness.LATE)),
        complained_or_dissatisfied=Count("id", filter=unhappy),
    )
    return SatisfactionIndex54(**counts)


# --- pages ----------------------------------------------------------------------------


def follow_ups_for_manager(*, user: User) -> QuerySet[FollowUp]:
    scope = agency_scope_for_user(user=user, roles=HANDLER_ROLES)
    return (
        FollowUp.objects.filter(Q(agency__in=scope) | Q(receiving_agency__in=scope))
        .select_related("rating", "rating__dossier", "rating__procedure", "agency")
        .order_by("answered_at", "deadline")
    )


def feedback_for_staff(*, user: User, state: str | None = None) -> QuerySet[Feedback]:
    """Items of the user's agencies (managers, leaders) or assigned to the user."""
    scope = agency_scope_for_user(user=user, roles=FEEDBACK_MANAGER_ROLES)
    items = Feedback.objects.filter(Q(agency__in=scope) | Q(assigned_to=user))
    if state:
        items = items.filter(state=state)
    return items.select_related("agency", "procedure", "assigned_to").order_by(
        "handling_due"
    )


def feedback_published() -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(published_at__isnull=False, state="answered")
        .select_related("agency", "procedure")
        .order_by("-published_at")
    )


def assignable_staff(*, agency: Agency) -> QuerySet[User]:
    """Staff with a membership in `agency` or an agency above it."""
    ancestor_ids = [int(part) for part in agency.path.strip("/").split("/") if part]
    return (
        User.objects.filter(memberships__agency_id__in=ancestor_ids)
        .distinct()
        .order_by("full_name")
    )
