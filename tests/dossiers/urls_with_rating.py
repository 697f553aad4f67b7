"""The portal's URLs plus a `feedback:rate_dossier` route, standing in for the
feedback app until it is merged, to show the rating link appears when it exists."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.urls import urlpatterns as portal_patterns


def _rate(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(code)


feedback_patterns = (
    [path("danh-gia/ho-so/<str:code>/", _rate, name="rate_dossier")],
    "feedback",
)

urlpatterns = [path("", include(feedback_patterns)), *portal_patterns]
