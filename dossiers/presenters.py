"""How a dossier's personal data is shown to a given user (Law 91/2025: only those
who handle the dossier see phone and ID numbers in full).

Use `applicant_view(dossier, user)` wherever a page, an API response or an export
shows the applicant: the API serializers do; HTML views and exports should too, e.g.
``{% with applicant=view.applicant %}{{ applicant.phone }}{% endwith %}`` with
``applicant = applicant_view(dossier, request.user)`` built in the view. Lists may use
`mask_phone` / `mask_national_id` directly when they show a number at all.

Who sees the numbers in full: the owner; clerks of the receiving centre; the assigned
specialist (any specialist of the processing agency while nobody is assigned); the
leaders of the processing agency. Everyone else who may see the dossier (managers,
administrators, specialists of another step or agency) sees them masked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from dossiers.permissions import CLERK, LEADER, SPECIALIST, in_scope, is_owner

if TYPE_CHECKING:
    from dossiers.models import Dossier
    from dossiers.permissions import AnyUser


def mask_phone(phone: str) -> str:
    """+84912345678 → +8491*****78: the prefix and the last two digits only."""
    if len(phone) < 6:
        return "*" * len(phone)
    head = 5 if phone.startswith("+") else 3
    return phone[:head] + "*" * (len(phone) - head - 2) + phone[-2:]


def mask_national_id(number: str) -> str:
    """022090012345 → 022*******45."""
    if len(number) < 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def mask_email(email: str) -> str:
    local, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return f"{local[:1]}***@{domain}"


def handles_dossier(user: AnyUser, dossier: Dossier) -> bool:
    """Does this user handle the dossier (and so see personal numbers in full)?"""
    if not user.is_authenticated:
        return False
    if is_owner(user, dossier) or in_scope(user, dossier.receiving_agency, (CLERK,)):
        return True
    processing = (dossier.current_agency, dossier.procedure.competent_agency)
    if any(in_scope(user, agency, (LEADER,)) for agency in processing):
        return True
    if dossier.assigned_specialist_id is not None:
        return dossier.assigned_specialist_id == user.pk
    return any(in_scope(user, agency, (SPECIALIST,)) for agency in processing)


@dataclass(frozen=True)
class ApplicantView:
    name: str
    phone: str
    national_id: str
    email: str
    address: str
    submitter_name: str
    submitter_phone: str
    submitter_national_id: str
    masked: bool

    def as_api_fields(self) -> dict[str, Any]:
        """The detail serializer's field names."""
        return {
            "applicant_name": self.name,
            "applicant_phone": self.phone,
            "applicant_national_id": self.national_id,
            "applicant_email": self.email,
            "applicant_address": self.address,
            "submitter_name": self.submitter_name,
            "personal_data_masked": self.masked,
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def applicant_view(dossier: Dossier, user: AnyUser) -> ApplicantView:
    """The applicant's data as this user may see it: in full or masked."""
    full = handles_dossier(user, dossier)

    def phone(value: str) -> str:
        return value if full or not value else mask_phone(value)

    def national_id(value: str) -> str:
        return value if full or not value else mask_national_id(value)

    return ApplicantView(
        name=dossier.applicant_name,
        phone=phone(dossier.applicant_phone),
        national_id=national_id(dossier.applicant_national_id),
        email=dossier.applicant_email
        if full or not dossier.applicant_email
        else mask_email(dossier.applicant_email),
        address=dossier.applicant_address,
        submitter_name=dossier.submitter_name,
        submitter_phone=phone(dossier.submitter_phone),
        submitter_national_id=national_id(dossier.submitter_national_id),
        masked=not full,
    )
