from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("callback/", views.sms_callback, name="sms-callback"),
]
