"""Staff may act only from a session verified with a second factor (issue 10)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.mfa import staff_second_factor_missing
from accounts.selectors import user_has_second_factor

SECOND_FACTOR_REQUIRED_CODE = "second_factor_required"


def second_factor_message() -> str:
    return _(
        "Staff accounts must log in with two-factor authentication before handling "
        "dossiers. Turn on the authenticator app under “Account security”, then "
        "log in again with the code it shows."
    )


class StaffSecondFactorMiddleware:
    """Send staff without a verified second factor to the account security page.

    Pages under STAFF_MFA_EXEMPT_PATHS (login, logout, the security pages
    themselves, static files, health checks) stay reachable; every other page
    redirects and every API call answers 403 with a JSON message. Token-authenticated
    API calls are covered by accounts.api_auth, which refuses staff tokens.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._exempt(request.path) and staff_second_factor_missing(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return any(
            path.startswith(prefix) for prefix in settings.STAFF_MFA_EXEMPT_PATHS
        )

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": second_factor_message(),
                    "code": SECOND_FACTOR_REQUIRED_CODE,
                },
                status=403,
            )
        # With an authenticator already on, this session only lacks the code:
        # allauth's MFA re-authentication records it. Without one, set it up.
        has_app = user_has_second_factor(user=request.user)
        target = reverse("mfa_reauthenticate" if has_app else "mfa_index")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        messages.warning(request, second_factor_message())
        return HttpResponseRedirect(target)
