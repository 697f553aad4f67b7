"""HTML pages of the dossiers app: citizen pages here, staff pages in urls_staff."""

from django.urls import include, path

from dossiers.urls_citizen import urlpatterns as citizen_patterns

app_name = "dossiers"

urlpatterns = [
    *citizen_patterns,
    path("", include("dossiers.urls_staff")),
]
