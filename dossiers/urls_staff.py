"""Staff pages under /can-bo/ and the slips (Mẫu 01-05) under /ho-so/."""

from django.urls import path

from dossiers.views import staff

urlpatterns = [
    path("can-bo/", staff.console, name="staff-console"),
    path("can-bo/tiep-nhan/", staff.intake, name="staff-intake"),
    path("can-bo/ho-so/<str:code>/", staff.dossier_detail, name="staff-dossier"),
    path("can-bo/ho-so/<str:code>/bien-nhan/", staff.receipt, name="staff-receipt"),
    path(
        "can-bo/ho-so/<str:code>/thao-tac/<str:action>/",
        staff.dossier_action,
        name="staff-action",
    ),
    path(
        "can-bo/ho-so/<str:code>/tai-lieu/<int:attachment_id>/",
        staff.attachment_download,
        name="staff-attachment",
    ),
    path("ho-so/<str:code>/phieu/mau-<int:form>.pdf", staff.slip, name="slip"),
]
