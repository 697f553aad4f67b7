"""Domain errors raised by the dossier services; the API maps them to HTTP codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DossierError(Exception):
    default_message = _("The dossier could not be changed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class DossierTransitionError(DossierError):
    """Not possible from the current state, or lost a race with another officer (409)."""

    default_message = _("This action is not possible in the dossier's current state.")

    def __init__(
        self, message: str | None = None, *, action: str = "", state: str = ""
    ) -> None:
        self.action = action
        self.state = state
        super().__init__(message)


class DossierPermissionError(DossierError):
    """The user may see the dossier but not perform this action (403).

    Callers that may not even see the dossier get a 404 from the selector first.
    """

    default_message = _("Your role does not allow this action on this dossier.")


class DossierValidationError(DossierError):
    """Bad input: `errors` maps field names to messages (400)."""

    default_message = _("Please correct the errors below.")

    def __init__(
        self, errors: dict[str, list[str]], message: str | None = None
    ) -> None:
        self.errors = {
            field: [str(m) for m in messages] for field, messages in errors.items()
        }
        super().__init__(message)


class UploadTooLargeError(DossierValidationError):
    """The uploaded file exceeds settings.UPLOAD_MAX_BYTES (413)."""


class ScannerUnavailableError(DossierError):
    """The configured virus scanner gave no verdict; uploads fail closed (503)."""

    default_message = _(
        "The virus scanner is unavailable, so documents cannot be accepted right "
        "now. Please try again in a few minutes."
    )
