"""Template helpers for the staff side."""

from __future__ import annotations

from typing import Any

from django import template

from dossiers.permissions import membership_paths

register = template.Library()


@register.filter
def is_staff_member(user: Any) -> bool:
    """Whether the user holds a role in an agency (memberships cached per request)."""
    return bool(membership_paths(user))
