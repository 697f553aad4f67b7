"""Production settings checks, run by `manage.py check --deploy` (and by the systemd
units before gunicorn and the workers start). Each unsafe or missing value is an
Error, so a misconfigured host refuses to start rather than running half-configured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

_DEV_SMS = ("ConsoleGateway", "LocmemGateway")
_DEV_EMAIL = ("console", "locmem", "dummy", "filebased")


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.SMS_BACKEND.rsplit(".", 1)[-1] in _DEV_SMS:
        errors.append(
            Error(
                "SMS_BACKEND is a development gateway; citizens would get no SMS.",
                hint="Set SMS_BACKEND=notifications.gateways.HttpJsonGateway and SMS_HTTP_*.",
                id="portal.E001",
            )
        )
    elif not (
        settings.SMS_HTTP_URL.startswith("https://") and settings.SMS_HTTP_API_KEY
    ):
        errors.append(
            Error(
                "SMS_HTTP_URL must be an https:// URL and SMS_HTTP_API_KEY must be set.",
                id="portal.E002",
            )
        )
    if len(settings.SMS_CALLBACK_SECRET) < 32:
        errors.append(
            Error(
                "SMS_CALLBACK_SECRET must be at least 32 characters: delivery receipts "
                "are authenticated with it.",
                id="portal.E003",
            )
        )
    if any(name in settings.EMAIL_BACKEND for name in _DEV_EMAIL):
        errors.append(
            Error(
                "EMAIL_BACKEND is a development backend; password reset emails would be lost.",
                id="portal.E004",
            )
        )
    if not settings.PORTAL_BASE_URL.startswith("https://"):
        errors.append(
            Error(
                "PORTAL_BASE_URL must be the public https:// address (links in SMS and slips).",
                id="portal.E005",
            )
        )
    if settings.METRICS_TOKEN and len(settings.METRICS_TOKEN) < 32:
        errors.append(
            Error(
                "METRICS_TOKEN, when set, must be at least 32 characters.",
                id="portal.E006",
            )
        )
    private = settings.STORAGES["private"]
    endpoint = private.get("OPTIONS", {}).get("endpoint_url") or ""
    if "s3" in private["BACKEND"] and endpoint.startswith("http://"):
        errors.append(
            Error(
                "AWS_S3_ENDPOINT_URL must be an https:// URL: dossier documents and the "
                "storage keys would cross the network in clear.",
                id="portal.E007",
            )
        )
    return errors
