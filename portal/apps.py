from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app: only to register its system checks."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import checks  # noqa: F401, PLC0415 - registers the checks
