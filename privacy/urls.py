from django.urls import path

from privacy import views

urlpatterns = [
    path(
        "tai-khoan/du-lieu-ca-nhan/",
        views.personal_data_download,
        name="personal-data-download",
    ),
]
