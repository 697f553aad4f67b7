"""Read-only admin: ratings, follow-ups and feedback change only through services
(so every change is audited); administrators look and search here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from feedback.models import (
    Feedback,
    FeedbackEvent,
    FollowUp,
    Rating,
    RatingInvitation,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FollowUpInline(admin.StackedInline[FollowUp, Rating]):
    model = FollowUp
    extra = 0
    can_delete = False
    fields = ("deadline", "answer", "answered_at", "answered_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "value", "source", "agency", "procedure", "created_at")
    list_filter = ("value", "source", "created_at")
    search_fields = ("dossier__code", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("dossier", "agency", "procedure")
    inlines = (FollowUpInline,)


@admin.register(RatingInvitation)
class RatingInvitationAdmin(ReadOnlyAdmin):
    list_display = (
        "dossier",
        "kind",
        "opened_by",
        "created_at",
        "expires_at",
        "used_at",
        "failed_attempts",
    )
    list_filter = ("kind",)
    search_fields = ("dossier__code",)
    exclude = ("token_hash", "session_key")
    list_select_related = ("dossier", "opened_by")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "agency", "deadline", "answered_at")
    list_filter = ("answered_at",)
    search_fields = ("rating__dossier__code", "answer")
    list_select_related = ("rating__dossier", "agency")
    exclude = ("view_token_hash",)


class FeedbackEventInline(admin.TabularInline[FeedbackEvent, Feedback]):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_state", "to_state", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "subject",
        "classification",
        "state",
        "agency",
        "handling_due",
        "published_at",
    )
    list_filter = ("state", "subject", "classification")
    search_fields = ("title", "content", "contact_name")
    date_hierarchy = "created_at"
    list_select_related = ("agency",)
    exclude = ("tracking_token_hash", "answer_token_hash")
    inlines = (FeedbackEventInline,)
