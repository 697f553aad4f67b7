from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Names and hotline shown in the header of every page."""
    return {
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_CENTRE_NAME": settings.PORTAL_CENTRE_NAME,
        "PORTAL_HOTLINE": settings.PORTAL_HOTLINE,
    }
