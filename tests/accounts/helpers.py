"""Shared helpers for the account page tests."""

from __future__ import annotations

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

PASSWORD = "Secret#2026"

# English phrases of allauth's default templates that must never reach a
# Vietnamese page (they would mean a msgid without a translation).
ENGLISH_LEAKS = (
    "Sign In",
    "Sign Up",
    "Sign Out",
    "Password Reset",
    "Forgot your password",
    "Forgotten your password",
    "Change Password",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Email Address",
    "Confirm Access",
    "Re-send Verification",
    "Activate",
    "Deactivate",
    "Cancel",
    "Enter your password",
    "Menu:",
    "Messages:",
)


def english_leaks(html: str) -> list[str]:
    text = visible_text(html)
    return [phrase for phrase in ENGLISH_LEAKS if phrase in text]


def visible_text(html: str) -> str:
    """Text a reader sees or hears: tags stripped, attribute text (alt, aria-label,
    placeholder, title) kept."""
    attributes = " ".join(
        re.findall(r'(?:alt|aria-label|placeholder|title)="([^"]*)"', html)
    )
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1\b", html))


def log_in(client: Client, login: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows, with allauth's own TOTP algorithm."""
    from allauth.mfa import app_settings  # noqa: PLC0415

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
