"""Short, Vietnamese paths: /dg/<token> fits in an SMS."""

from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("dg/tl/<str:token>", views.follow_up_view, name="follow_up_view"),
    path("dg/<str:token>", views.rate_link, name="rate_link"),
    path("danh-gia/ho-so/<str:code>/", views.rate_dossier, name="rate_dossier"),
    path("danh-gia/quay/", views.kiosk, name="kiosk"),
    path("danh-gia/quay/<str:code>/", views.kiosk_start, name="kiosk_start"),
    path("danh-gia/theo-doi/", views.follow_up_list, name="follow_up_list"),
    path(
        "danh-gia/theo-doi/<int:pk>/",
        views.follow_up_detail,
        name="follow_up_detail",
    ),
    path("phan-anh/", views.feedback_public, name="feedback_public"),
    path("phan-anh/gui/", views.feedback_create, name="feedback_create"),
    path("phan-anh/t/<str:token>/", views.feedback_track, name="feedback_track"),
    path("phan-anh/xu-ly/", views.feedback_staff_list, name="feedback_staff_list"),
    path(
        "phan-anh/xu-ly/<int:pk>/",
        views.feedback_staff_detail,
        name="feedback_staff_detail",
    ),
    path(
        "phan-anh/xu-ly/<int:pk>/<str:action>/",
        views.feedback_staff_action,
        name="feedback_staff_action",
    ),
]
