"""Citizen and public pages (included by dossiers/urls.py under the "dossiers" namespace)."""

from django.urls import path

from dossiers.views import citizen, citizen_apply, public

urlpatterns = [
    path("ho-so/nop/<str:code>/", citizen_apply.submit_start, name="submit"),
    path("ho-so/nhap/<int:pk>/", citizen_apply.draft_details, name="draft-details"),
    path(
        "ho-so/nhap/<int:pk>/giay-to/",
        citizen_apply.draft_documents,
        name="draft-documents",
    ),
    path(
        "ho-so/nhap/<int:pk>/xem-lai/", citizen_apply.draft_review, name="draft-review"
    ),
    path("ho-so/nhap/<int:pk>/xoa/", citizen_apply.draft_delete, name="draft-delete"),
    path("ho-so-cua-toi/", citizen.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<str:code>/", citizen.dossier_detail, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", citizen_apply.submitted, name="submitted"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", citizen.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", citizen.withdraw, name="withdraw"),
    path("tra-cuu/", public.lookup, name="lookup"),
]
