"""The /api/v1/ routes of every app, in one place."""

from django.urls import path

from accounts.api import ObtainTokenView
from dashboard import api as dashboard_api
from dossiers import api as dossiers_api
from feedback import api as feedback_api
from procedures import api as procedures_api

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path(
        "procedures/", procedures_api.ProcedureListView.as_view(), name="api-procedures"
    ),
    path(
        "procedures/<str:code>/",
        procedures_api.ProcedureDetailView.as_view(),
        name="api-procedure",
    ),
    *dossiers_api.urlpatterns,
    *feedback_api.urlpatterns,
    *dashboard_api.urlpatterns,
]
