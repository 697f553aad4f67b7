"""Consent records and the staff access log (Law 91/2025, Decree 356/2025).

`record_dossier_access(dossier=..., user=..., channel=..., ip=...)` is the one way to
log that a staff member opened a dossier: the API detail view calls it; HTML views
that show a dossier to staff should call it too, with ``channel="web"`` and
``ip=client_ip(request)``. The owner sees the log on their dossier
(`dossier_access_log_for_owner` in dossiers.selectors).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dossiers.models import Consent, DossierAccess
from dossiers.permissions import is_owner

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from dossiers.models import Dossier
    from dossiers.permissions import AnyUser

#: Bump the version whenever the text changes; stored rows keep the text they showed.
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = _(
    "I agree that the public-service centre and the competent agencies process the "
    "personal data in this dossier (name, identity number, contact details and the "
    "attached documents) only to receive and settle this administrative procedure, "
    "to notify me about it and to keep the records the law requires, in accordance "
    "with the Law on Personal Data Protection (Law 91/2025/QH15) and Decree "
    "356/2025/ND-CP. I may ask to see, correct or download my data at any time."
)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the server sees it (the proxy must set REMOTE_ADDR)."""
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def consent_record(*, dossier: Dossier, actor: User, ip: str | None) -> Consent:
    """Store the consent the actor confirmed for this dossier (in the caller's
    transaction). The text is kept in Vietnamese, the language it is shown in."""
    with translation.override("vi"):
        text = str(CONSENT_TEXT)
    return Consent.objects.create(
        dossier=dossier,
        user=actor,
        on_behalf=not is_owner(actor, dossier),
        purpose_version=CONSENT_VERSION,
        purpose_text=text,
        ip=ip,
    )


def record_dossier_access(
    *, dossier: Dossier, user: AnyUser, channel: str, ip: str | None = None
) -> DossierAccess | None:
    """Log that a staff member opened the dossier; the owner's own views are not
    logged (the log tells the citizen who else looked)."""
    if not user.is_authenticated or is_owner(user, dossier):
        return None
    return DossierAccess.objects.create(
        dossier=dossier, user=user, channel=channel, ip=ip
    )
