from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("bao-cao.xlsx", views.report_xlsx, name="report"),
    path("so-theo-doi.xlsx", views.ledger_xlsx, name="ledger"),
    path("cong-khai/", views.public, name="public"),
]
