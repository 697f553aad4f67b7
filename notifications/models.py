"""SMS templates editable by administrators, and the outbox of SMS messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.constants import (
    PLACEHOLDERS,
    SmsChannel,
    SmsEvent,
    SmsStatus,
    braced,
)
from notifications.text import transliterate

_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


class SmsRenderError(ValueError):
    """The caller did not supply a value for a placeholder the template uses."""


class SmsTemplate(models.Model):
    event = models.CharField(
        _("event"), max_length=32, choices=SmsEvent.choices, unique=True
    )
    body = models.TextField(
        _("body"),
        help_text=_("Write placeholders in braces, for example {code}."),
    )
    counter = models.BooleanField(
        _("for dossiers received at the counter"), default=True
    )
    online = models.BooleanField(_("for dossiers submitted online"), default=True)
    post = models.BooleanField(_("for dossiers sent by post"), default=True)
    accented = models.BooleanField(
        _("keep Vietnamese accents"),
        default=False,
        help_text=_(
            "Accented messages are sent as UCS-2: 70 characters a segment instead of 160."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        ordering = ["event"]

    def __str__(self) -> str:
        return str(SmsEvent(self.event).label)

    def enabled_for(self, channel: str) -> bool:
        if channel not in SmsChannel.values:
            raise ValueError(f"unknown SMS channel {channel!r}")
        return bool(getattr(self, channel))

    def clean(self) -> None:
        allowed = PLACEHOLDERS.get(self.event, ())
        unknown = sorted(
            {name for name in _PLACEHOLDER_RE.findall(self.body) if name not in allowed}
        )
        if unknown:
            raise ValidationError(
                {
                    "body": _(
                        "Unknown placeholders: %(unknown)s. This event offers: %(allowed)s."
                    )
                    % {
                        "unknown": braced(unknown),
                        "allowed": braced(allowed),
                    }
                }
            )

    def render(self, context: Mapping[str, str]) -> str:
        """The message text with placeholders filled, unaccented unless `accented`."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in context:
                raise SmsRenderError(
                    f"no value for {{{name}}} in SMS template {self.event}"
                )
            return str(context[name])

        text = _PLACEHOLDER_RE.sub(fill, self.body).strip()
        return text if self.accented else transliterate(text)


class SmsMessage(models.Model):
    """One SMS in the transactional outbox; written in the caller's transaction."""

    phone = models.CharField(_("phone"), max_length=16, db_index=True)
    body = models.TextField(_("body"))
    event = models.CharField(_("event"), max_length=32, choices=SmsEvent.choices)
    dossier_id = models.BigIntegerField(
        _("dossier id"), null=True, blank=True, db_index=True
    )
    dossier_code = models.CharField(
        _("dossier code"), max_length=64, blank=True, db_index=True
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=128, unique=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SmsStatus.choices,
        default=SmsStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    resends = models.PositiveIntegerField(_("manual resends"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(
        _("provider message id"), max_length=128, blank=True, db_index=True
    )
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    encoding = models.CharField(_("encoding"), max_length=8, default="GSM-7")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(
        _("queued at"),
        help_text=_("Start of the retry window; reset by a manual resend."),
    )
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="sms_status_next_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SmsStatus.values),
                name="sms_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.dossier_code or self.pk}"
