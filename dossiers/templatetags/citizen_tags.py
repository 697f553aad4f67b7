"""Small display helpers for the citizen pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def domestic_phone(phone: str | None) -> str:
    """+84912345678 -> 0912 345 678, the way people write their own number."""
    if not phone:
        return ""
    if phone.startswith("+84") and len(phone) == 12:
        local = "0" + phone[3:]
        # No-break spaces: the number never wraps across two lines on a phone.
        return f"{local[:4]}\u00a0{local[4:7]}\u00a0{local[7:]}"
    return phone
