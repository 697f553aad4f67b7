"""Template helpers for the staff side."""

from __future__ import annotations

from typing import Any

from django import template

from dossiers.permissions import membership_paths
from dossiers.presenters import applicant_view

register = template.Library()


@register.filter
def is_staff_member(user: Any) -> bool:
    """Whether the user holds a role in an agency (memberships cached per request)."""
    return bool(membership_paths(user))


@register.filter
def applicant_phone_for(dossier: Any, user: Any) -> str:
    """The applicant's phone, masked unless the user handles the dossier
    (dossiers.presenters): ``{{ dossier|applicant_phone_for:request.user }}``."""
    return applicant_view(dossier, user).phone


@register.filter
def is_manager(user: Any) -> bool:
    """Whether the user manages an agency (sees the dashboards)."""
    return any(role in {"manager", "admin"} for _path, role in membership_paths(user))
