"""Rollups behind the dashboards (design.md §7): per-day counters, never business rules.

`DailyDossierRollup` holds flows (what happened on a day): receipts, finishes by
timeliness, withdrawals, stops, pauses started, apologies, returns, processing hours and
ratings. The workflow keeps it exact: `dossiers.services.common.record_event` calls
`dashboard.services.rollup_apply` in the transition's transaction, and ratings arrive
through a post_save receiver on `feedback.Rating`. `rollups_rebuild` recomputes any
range of days from the dossiers, events and ratings (the source of truth).

`DailyOpenSnapshot` holds stocks (what was open at the end of a day: in progress within
the deadline or overdue, paused): a stock at a past moment cannot be summed from a
handful of flow rows, so a beat task records it every night and the rebuild command
recomputes it from the dossiers' receipt, finish and pause times. The current stock is
read live from the open dossiers (index on state + appointment).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Agency
from procedures.models import Field, Procedure

#: Flow counters of DailyDossierRollup, in the order the rebuild writes them.
FLOW_COUNTERS = (
    "received",
    "refused",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "stopped",
    "returned",
    "results",
    "results_electronic",
    "results_digitised",
    "supplement_requests",
    "payment_requests",
    "apologies",
    "timed_count",
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_dissatisfied",
)
HOUR_COUNTERS = ("processing_hours_sum", "legal_hours_sum")
STOCK_COUNTERS = (
    "in_progress_within",
    "in_progress_overdue",
    "paused_supplement",
    "paused_payment",
)


class _Base(models.Model):
    """(day, receiving agency, competent agency, channel)."""

    day = models.DateField(_("day"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("competent agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving centre"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.PositiveSmallIntegerField(_("channel"))

    class Meta:
        abstract = True


class _Grouped(_Base):
    """… and the field of the procedure."""

    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class _Keyed(_Grouped):
    """Keyed by (day, receiving agency, procedure, channel); the competent agency and
    the field are copied from the procedure so that filters need no join."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


def _counter(label: StrOrPromise) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, default=0)


class _Counters(models.Model):
    received = _counter(_("received"))
    refused = _counter(_("refused at intake"))
    finished_early = _counter(_("finished early"))
    finished_on_time = _counter(_("finished on time"))
    finished_late = _counter(_("finished late"))
    withdrawn = _counter(_("withdrawn"))
    stopped = _counter(_("stopped"))
    returned = _counter(_("results returned"))
    results = _counter(_("results issued"))
    results_electronic = _counter(_("results with an electronic file"))
    results_digitised = _counter(
        _("results with digitised components and an electronic file")
    )
    supplement_requests = _counter(_("supplement requests after receipt"))
    payment_requests = _counter(_("payment requests"))
    apologies = _counter(_("apologies"))
    timed_count = _counter(_("results timed"))
    processing_hours_sum = models.DecimalField(
        _("working hours used"), max_digits=14, decimal_places=2, default=0
    )
    legal_hours_sum = models.DecimalField(
        _("legal working hours"), max_digits=14, decimal_places=2, default=0
    )
    rated_very_satisfied = _counter(_("rated very satisfied"))
    rated_satisfied = _counter(_("rated satisfied"))
    rated_dissatisfied = _counter(_("rated not satisfied"))

    class Meta:
        abstract = True


class DailyDossierRollup(_Keyed, _Counters):
    class Meta:
        verbose_name = _("daily dossier rollup")
        verbose_name_plural = _("daily dossier rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "receiving_agency", "procedure", "channel"],
                name="dashboard_rollup_key",
            )
        ]
        indexes = [
            models.Index(fields=["day", "agency"], name="dashboard_rollup_day_agency"),
            models.Index(fields=["procedure", "day"], name="dashboard_rollup_proc_day"),
            models.Index(fields=["field", "day"], name="dashboard_rollup_field_day"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.day} {self.receiving_agency_id}/{self.procedure_id}/{self.channel}"
        )


class MonthlyDossierRollup(_Base, _Counters):
    """The same counters per month, without procedure or field: a province-year reads
    a few thousand rows whatever the size of the catalogue. `day` is the month's
    first day. Filters on a field or a procedure read the daily rows instead."""

    class Meta:
        verbose_name = _("monthly dossier rollup")
        verbose_name_plural = _("monthly dossier rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "receiving_agency", "agency", "channel"],
                name="dashboard_monthly_key",
            )
        ]
        indexes = [
            models.Index(fields=["day", "agency"], name="dashboard_month_day_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%m/%Y} {self.receiving_agency_id}/{self.agency_id}/{self.channel}"


class DailyOpenSnapshot(_Grouped):
    in_progress_within = _counter(_("in progress within the deadline"))
    in_progress_overdue = _counter(_("in progress overdue"))
    paused_supplement = _counter(_("waiting for a supplement"))
    paused_payment = _counter(_("waiting for payment"))

    class Meta:
        verbose_name = _("open dossiers at the end of a day")
        verbose_name_plural = _("open dossiers at the end of days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "receiving_agency", "agency", "field", "channel"],
                name="dashboard_snapshot_key",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["day", "agency"], name="dashboard_snap_day_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.receiving_agency_id}/{self.agency_id}/{self.channel}"


class SnapshotDay(models.Model):
    """Marks a day whose DailyOpenSnapshot rows are complete (zero rows is a valid
    snapshot: nothing was open)."""

    day = models.DateField(_("day"), primary_key=True)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("snapshot day")
        verbose_name_plural = _("snapshot days")

    def __str__(self) -> str:
        return str(self.day)
