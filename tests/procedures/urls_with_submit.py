"""The portal's URLs plus a stand-in `dossiers:submit`, to test the online button
whether or not the dossiers app provides that URL yet."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def submit(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(code)


urlpatterns = [
    path("", include("portal.urls")),
    path(
        "test-dossiers/",
        include(([path("<str:code>/submit/", submit, name="submit")], "dossiers")),
    ),
]
