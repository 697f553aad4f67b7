"""Read-mostly admin: dossiers change only through services; events never change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dossiers.models import (
    Apology,
    Attachment,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Pause,
    PaymentRequest,
    Result,
    SupplementRequest,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline[DossierEvent, Dossier]):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "state",
        "status_code",
        "applicant_name",
        "receiving_agency",
        "current_agency",
        "appointment_at",
        "deadline_status",
    )
    list_filter = ("state", "channel", "deadline_status", "receiving_agency")
    search_fields = ("code", "applicant_name", "applicant_phone")
    list_select_related = ("receiving_agency", "current_agency")
    raw_id_fields = ("owner", "procedure", "assigned_specialist")
    inlines = [EventInline]
    show_full_result_count = False


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "dossier",
        "action",
        "from_state",
        "to_state",
        "actor",
    )
    list_filter = ("action", "to_state")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "actor")
    show_full_result_count = False


for model in (
    Attachment,
    DossierCodeCounter,
    SupplementRequest,
    Pause,
    Apology,
    PaymentRequest,
    Result,
):
    admin.site.register(model, ReadOnlyAdmin)
