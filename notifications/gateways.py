"""SMS gateways, chosen by settings.SMS_BACKEND like Django's EMAIL_BACKEND.

Every gateway takes the message's idempotency key. The HTTP JSON provider dedupes on it
(`client_ref`), which is what keeps a crash between "provider accepted" and "we saved
`sent`" from sending a second SMS: the retry is answered with the original message id.

An SMPP backend is not included: SMPP needs a long-lived bound session per worker and
delivery receipts arrive on that session, which does not fit a per-task send cleanly.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from accounts.validators import mask_phone

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sms-Signature"


class SmsGatewayError(Exception):
    """The gateway did not take the message; `retryable` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class SmsSendResult:
    provider_message_id: str


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsSendResult: ...


def get_gateway() -> SmsGateway:
    gateway_class = import_string(settings.SMS_BACKEND)
    gateway: SmsGateway = gateway_class()
    return gateway


class ConsoleGateway:
    """Development: log the message, never the full phone number."""

    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsSendResult:
        logger.info("SMS to %s [%s]: %s", mask_phone(to), idempotency_key, text)
        return SmsSendResult(provider_message_id=f"console-{idempotency_key}")


@dataclass(frozen=True)
class LocmemSms:
    to: str
    text: str
    idempotency_key: str
    provider_message_id: str


class LocmemGateway:
    """Unit tests: an in-process outbox that dedupes on the idempotency key.

    `outbox` holds one entry per distinct key, like a real provider's deliveries;
    `requests` counts every call. `fail_next(n)` makes the next n calls fail.
    """

    outbox: ClassVar[list[LocmemSms]] = []
    requests: ClassVar[list[str]] = []
    _failures: ClassVar[list[SmsGatewayError]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls.requests.clear()
            cls._failures.clear()

    @classmethod
    def fail_next(cls, count: int, *, retryable: bool = True) -> None:
        with cls._lock:
            cls._failures.extend(
                SmsGatewayError("locmem failure on demand", retryable=retryable)
                for _ in range(count)
            )

    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsSendResult:
        with self._lock:
            self.requests.append(idempotency_key)
            if self._failures:
                raise self._failures.pop(0)
            for sms in self.outbox:
                if sms.idempotency_key == idempotency_key:
                    return SmsSendResult(sms.provider_message_id)
            sms = LocmemSms(to, text, idempotency_key, f"locmem-{uuid.uuid4().hex}")
            self.outbox.append(sms)
            return SmsSendResult(sms.provider_message_id)


class HttpJsonGateway:
    """A provider's HTTP JSON API (the shape most Vietnamese brandname providers offer).

    POST {SMS_HTTP_URL} with JSON {to, from, text, client_ref}, headers
    `Authorization: Bearer <SMS_HTTP_API_KEY>` and `Idempotency-Key: <client_ref>`;
    a 2xx answer carries {"message_id": "..."}. 5xx, 429, timeouts and connection
    errors are retryable; any other 4xx is permanent.
    """

    def __init__(self) -> None:
        self.url: str = settings.SMS_HTTP_URL
        self.api_key: str = settings.SMS_HTTP_API_KEY
        self.sender: str = settings.SMS_HTTP_SENDER
        self.timeout: float = settings.SMS_HTTP_TIMEOUT
        if not self.url or not self.api_key:
            raise ImproperlyConfigured(
                "SMS_HTTP_URL and SMS_HTTP_API_KEY are required by HttpJsonGateway."
            )

    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsSendResult:
        payload = json.dumps(
            {"to": to, "from": self.sender, "text": text, "client_ref": idempotency_key}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is operator-configured
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.api_key}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            exc.close()
            retryable = exc.code >= 500 or exc.code == 429
            raise SmsGatewayError(
                f"provider answered {exc.code}: {detail}", retryable=retryable
            ) from exc
        except (
            urllib.error.URLError,
            TimeoutError,
            OSError,
            http.client.HTTPException,
        ) as exc:
            raise SmsGatewayError(
                f"provider unreachable: {exc}", retryable=True
            ) from exc
        try:
            message_id = str(json.loads(raw)["message_id"])
        except (ValueError, KeyError, TypeError) as exc:
            # The provider may have accepted it: retrying is safe, it dedupes on client_ref.
            raise SmsGatewayError(
                f"unreadable provider answer: {raw[:200]!r}", retryable=True
            ) from exc
        return SmsSendResult(provider_message_id=message_id)


def sign_receipt(body: bytes, *, secret: str, timestamp: int | None = None) -> str:
    """The signature header value for a delivery receipt: `t=<unix>,v1=<hex>`.

    v1 is HMAC-SHA256 over "<t>.<raw body>" with SMS_CALLBACK_SECRET.
    """
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256)
    return f"t={ts},v1={digest.hexdigest()}"


def verify_receipt(
    body: bytes, header: str, *, secret: str, max_age: int, now: float | None = None
) -> bool:
    """True when `header` signs `body` with `secret` and is at most `max_age` seconds old."""
    if not secret:
        return False
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        ts = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > max_age:
        return False
    expected = sign_receipt(body, secret=secret, timestamp=ts).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
