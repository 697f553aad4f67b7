"""Days that differ from the ordinary rule (weekday = working, weekend and public
holiday = off): extra days off and make-up working days decided each year by the
government or the province (domain.md §2.5: store holidays as data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOverride(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("For example: Lunar New Year bridge day, or make-up working day."),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("The decision or notice that sets this day, if any."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]),
                name="worktime_dayoverride_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}: {self.name}"

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.WORKING_DAY
