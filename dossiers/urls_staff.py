"""Staff pages (console, queues, counter intake, actions, slips); filled by the staff UI."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
