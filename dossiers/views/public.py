"""The public lookup page: a dossier's state by code and phone, without an account.

It shares the API lookup's selector, rate and throttle bucket (scope "lookup", keyed
by client address, in the default cache), so switching between page and API gives no
extra tries. Wrong code and wrong phone read the same, so codes cannot be probed.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from dossiers.forms_citizen import LookupForm
from dossiers.selectors import dossier_lookup


class LookupPageThrottle(SimpleRateThrottle):
    """The API's ScopedRateThrottle key for anonymous callers: same scope, same ident."""

    scope = "lookup"

    def allow(self, request: HttpRequest) -> bool:
        # SimpleRateThrottle reads only request.META here; no DRF view is involved.
        return self.allow_request(request, None)  # type: ignore[arg-type]

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class LookupPageCodeThrottle(SimpleRateThrottle):
    """The API's per-code bucket (dossiers.api.LookupCodeThrottle): lookups of one
    dossier code from all addresses together, so that many machines cannot share out
    the guessing of the applicant's phone number through this page."""

    scope = "lookup_code"

    def allow(self, request: HttpRequest) -> bool:
        return self.allow_request(request, None)  # type: ignore[arg-type]

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        code = "".join(str(request.POST.get("code", "")).split()).upper()
        if not code:
            return None
        digest = hashlib.sha256(code.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    # The QR code on the receipt (Mẫu 01) links here with ?code=; the phone is still
    # asked for, so the code alone reveals nothing.
    form = LookupForm(
        request.POST or None, initial={"code": request.GET.get("code", "")[:60]}
    )
    context: dict[str, Any] = {"form": form, "found": None}
    if request.method != "POST":
        return render(request, "dossiers/public/lookup.html", context)
    # Per connection first, then per dossier code from all connections together.
    throttle: LookupPageThrottle | LookupPageCodeThrottle = LookupPageThrottle()
    allowed = throttle.allow(request)
    if allowed:
        throttle = LookupPageCodeThrottle()
        allowed = throttle.allow(request)
    if not allowed:
        wait = math.ceil(throttle.wait() or 60)
        form.is_valid()
        context["throttled"] = _(
            "Too many lookups from this connection. Please try again in %(seconds)s seconds."
        ) % {"seconds": wait}
        response = render(request, "dossiers/public/lookup.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        dossier = dossier_lookup(
            code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
        )
        if dossier is None:
            form.add_error(
                None,
                _(
                    "No dossier matches this code and phone number. Check both and "
                    "try again."
                ),
            )
        else:
            context["found"] = {
                "code": dossier.code,
                "state": dossier.get_state_display(),
                "state_value": dossier.state,
                "appointment_at": dossier.appointment_at,
                "agency": dossier.current_agency.name,
            }
    return render(request, "dossiers/public/lookup.html", context)
