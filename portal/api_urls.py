"""The /api/v1/ routes of every app, in one place."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from dossiers import api as dossiers_api

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    *dossiers_api.urlpatterns,
]
