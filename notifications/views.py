"""Delivery receipts posted by the SMS provider."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.gateways import SIGNATURE_HEADER, verify_receipt
from notifications.services import sms_receipt_apply

logger = logging.getLogger(__name__)

_DELIVERED = {"delivered": True, "failed": False, "undeliverable": False}


@csrf_exempt  # the provider cannot hold a CSRF token; the HMAC signature replaces it
@require_POST
def sms_callback(request: HttpRequest) -> HttpResponse:
    """POST {"message_id", "client_ref", "status": delivered|failed, "error"}.

    Signed with `X-Sms-Signature: t=<unix>,v1=<HMAC-SHA256("<t>.<body>")>`; a missing,
    forged or stale (over SMS_CALLBACK_MAX_AGE_SECONDS) signature gets 403.
    """
    body = request.body
    if not verify_receipt(
        body,
        request.headers.get(SIGNATURE_HEADER, ""),
        secret=settings.SMS_CALLBACK_SECRET,
        max_age=settings.SMS_CALLBACK_MAX_AGE_SECONDS,
    ):
        logger.warning("SMS receipt refused: bad or stale signature")
        return JsonResponse({"error": _("Invalid or expired signature.")}, status=403)
    try:
        receipt = json.loads(body)
        delivered = _DELIVERED[receipt["status"]]
        provider_message_id = str(receipt.get("message_id") or "")
        client_ref = str(receipt.get("client_ref") or "")
        error = str(receipt.get("error") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": _("Malformed delivery receipt.")}, status=400)
    if not provider_message_id and not client_ref:
        return JsonResponse({"error": _("Malformed delivery receipt.")}, status=400)
    updated = sms_receipt_apply(
        provider_message_id=provider_message_id,
        client_ref=client_ref,
        delivered=delivered,
        error=error,
    )
    return JsonResponse({"updated": updated})
