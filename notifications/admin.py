from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone
from notifications.constants import PLACEHOLDERS, SAMPLE_CONTEXT, SmsStatus, braced
from notifications.models import SmsMessage, SmsRenderError, SmsTemplate
from notifications.services import SmsResendError, sms_message_resend
from notifications.text import segment_info

_STAT_STATUSES = [
    SmsStatus.QUEUED,
    SmsStatus.SENT,
    SmsStatus.DELIVERED,
    SmsStatus.FAILED,
]


def _count_by_status(status: str) -> Coalesce:
    per_event = (
        SmsMessage.objects.filter(event=OuterRef("event"), status=status)
        .order_by()
        .values("event")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_event, output_field=IntegerField()), 0)


def describe_length(template: SmsTemplate) -> str:
    """E.g. "1 segment, GSM-7, 92 of 160 characters" for a message with sample values."""
    try:
        text = template.render(SAMPLE_CONTEXT)
    except SmsRenderError:
        return gettext("Cannot be measured: the body uses an unknown placeholder.")
    info = segment_info(text)
    return ngettext(
        "%(segments)d segment, %(encoding)s, %(units)d of %(limit)d characters",
        "%(segments)d segments, %(encoding)s, %(units)d characters (%(limit)d fit in one)",
        info.segments,
    ) % {
        "segments": info.segments,
        "encoding": info.encoding,
        "units": info.units,
        "limit": info.single_limit,
    }


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin[SmsTemplate]):
    list_display = [
        "event",
        "counter",
        "online",
        "post",
        "accented",
        "length",
        *(f"count_{status}" for status in _STAT_STATUSES),
        "updated_at",
    ]
    fields = [
        "event",
        "body",
        "placeholders",
        "preview",
        "length",
        ("counter", "online", "post"),
        "accented",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = ["placeholders", "preview", "length", "updated_by", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SmsTemplate]:
        annotations = {
            f"n_{status}": _count_by_status(status) for status in _STAT_STATUSES
        }
        return super().get_queryset(request).annotate(**annotations)

    def get_form(
        self,
        request: HttpRequest,
        obj: SmsTemplate | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ModelForm[SmsTemplate]]:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["body"].help_text = gettext(
                "Saved text with sample values: %(length)s. Placeholders in braces, "
                "for example {code}."
            ) % {"length": describe_length(obj)}
        return form

    def save_model(
        self, request: HttpRequest, obj: SmsTemplate, form: Any, change: bool
    ) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj: SmsTemplate) -> str:
        return braced(PLACEHOLDERS.get(obj.event, ()))

    @admin.display(description=_("preview with sample values"))
    def preview(self, obj: SmsTemplate) -> str:
        try:
            return obj.render(SAMPLE_CONTEXT)
        except SmsRenderError:
            return "-"

    @admin.display(description=_("length"))
    def length(self, obj: SmsTemplate) -> str:
        return describe_length(obj)

    @admin.display(description=_("queued"), ordering="n_queued")
    def count_queued(self, obj: Any) -> int:
        return int(obj.n_queued)

    @admin.display(description=_("sent"), ordering="n_sent")
    def count_sent(self, obj: Any) -> int:
        return int(obj.n_sent)

    @admin.display(description=_("delivered"), ordering="n_delivered")
    def count_delivered(self, obj: Any) -> int:
        return int(obj.n_delivered)

    @admin.display(description=_("failed"), ordering="n_failed")
    def count_failed(self, obj: Any) -> int:
        return int(obj.n_failed)


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin[SmsMessage]):
    list_display = [
        "created_at",
        "event",
        "dossier_code",
        "phone",
        "status",
        "attempts",
        "segments",
        "sent_at",
        "delivered_at",
    ]
    list_filter = [
        "status",
        "event",
        "encoding",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["dossier_code", "phone", "provider_message_id", "=idempotency_key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    list_select_related = False

    def get_readonly_fields(
        self, request: HttpRequest, obj: SmsMessage | None = None
    ) -> list[str]:
        return [field.name for field in SmsMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: SmsMessage | None = None
    ) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[SmsMessage], search_term: str
    ) -> tuple[QuerySet[SmsMessage], bool]:
        """A phone typed as 0912 345 678 finds the +84 form stored in the outbox."""
        with contextlib.suppress(ValidationError):
            search_term = normalize_phone(search_term)
        return super().get_search_results(request, queryset, search_term)

    @admin.action(
        description=_("Resend the selected failed messages"), permissions=["change"]
    )
    def resend(self, request: HttpRequest, queryset: QuerySet[SmsMessage]) -> None:
        resent = 0
        for message in queryset:
            try:
                sms_message_resend(message_id=message.pk)
            except SmsResendError:
                continue
            self.log_change(request, message, gettext("Queued again for sending."))
            resent += 1
        skipped = queryset.count() - resent
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%d message queued again.", "%d messages queued again.", resent
                )
                % resent,
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d message skipped: only failed messages can be resent.",
                    "%d messages skipped: only failed messages can be resent.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
