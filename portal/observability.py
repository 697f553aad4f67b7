"""Request ids, structured JSON logs and personal-data masking.

Every request gets an id (the caller's X-Request-ID when it is sane, else a new one),
returned in the response header and attached to every log line written while the
request runs; Celery tasks published during the request carry it in their headers and
log it too. Log lines never contain a full phone or personal ID number: the masking
filter rewrites them before any handler sees the record.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# +84 / 84 / 0 followed by a mobile prefix and 7-8 digits; 12-digit ID numbers; 9-digit
# legacy CMND numbers are left alone (too many false positives with other numbers).
_PHONE = re.compile(r"(?<!\d)(\+?84|0)(\d{2})\d{3,4}(\d{3})(?!\d)")
_NATIONAL_ID = re.compile(r"(?<!\d)(\d{3})\d{6}(\d{3})(?!\d)")


def get_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> Any:
    return _request_id.set(value)


def reset_request_id(token: Any) -> None:
    _request_id.reset(token)


def mask_personal_data(text: str) -> str:
    """Mask phone numbers (keep prefix and last 3) and 12-digit ID numbers."""
    text = _NATIONAL_ID.sub(r"\1******\2", text)
    return _PHONE.sub(r"\1\2***\3", text)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class ContextFilter(logging.Filter):
    """Adds the request id and masks personal data in the message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_request_id()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_personal_data(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    _STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {
        "message",
        "request_id",
        "asctime",
    }

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_data(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                payload[key] = (
                    value
                    if isinstance(value, int | float | bool)
                    else mask_personal_data(str(value))
                )
        if record.exc_text:
            payload["exception"] = mask_personal_data(record.exc_text)
        return json.dumps(payload, ensure_ascii=False, default=str)
