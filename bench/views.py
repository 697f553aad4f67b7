"""The baseline: the cheapest Django view there is, with the full middleware stack."""

from django.http import HttpRequest, JsonResponse


def baseline(request: HttpRequest) -> JsonResponse:
    """No database, no template: what every page pays before doing any work."""
    return JsonResponse({"ok": True})
