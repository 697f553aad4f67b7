from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path(
        "<str:code>/templates/<int:document_id>/",
        views.document_template,
        name="document-template",
    ),
]
