from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = _("Working time")

    def ready(self) -> None:
        from worktime import checks  # noqa: F401, PLC0415  (registers the checks)
