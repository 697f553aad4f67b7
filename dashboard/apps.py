from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _count_new_rating(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from dashboard.services import rollup_apply_rating  # noqa: PLC0415

        rollup_apply_rating(rating=instance)


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # Ratings are the feedback app's rows; a receiver keeps our counters without
        # an edit in its services (signals for other people's code, style.md).
        post_save.connect(
            _count_new_rating,
            sender="feedback.Rating",
            dispatch_uid="dashboard_count_new_rating",
        )
