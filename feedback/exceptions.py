"""Domain errors of the feedback services; views and the API map `status` to HTTP."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class FeedbackError(Exception):
    status = 400
    code = "invalid"
    default_message = _("Your answer could not be recorded.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class InvalidTokenError(FeedbackError):
    """Unknown or tampered token: nothing to show (404)."""

    status = 404
    code = "invalid_link"
    default_message = _(
        "This rating link is not valid. Check that you opened the whole link from "
        "the message."
    )


class UsedTokenError(FeedbackError):
    status = 410
    code = "used_link"
    default_message = _("This rating link has already been used.")


class ExpiredTokenError(FeedbackError):
    status = 410
    code = "expired_link"
    default_message = _(
        "This rating link has expired. You can still rate the dossier after "
        "logging in, or send us feedback."
    )


class AlreadyRatedError(FeedbackError):
    status = 409
    code = "already_rated"
    default_message = _("This dossier has already been rated. Thank you.")


class NotReturnedError(FeedbackError):
    status = 409
    code = "not_returned"
    default_message = _(
        "The result of this dossier has not been returned yet; you can rate it once "
        "you have received the result."
    )


class KioskCodeWrongError(FeedbackError):
    status = 400
    code = "wrong_code"
    default_message = _(
        "These digits do not match the applicant's mobile number. Please try again."
    )


class KioskLockedError(FeedbackError):
    status = 410
    code = "kiosk_locked"
    default_message = _(
        "Too many wrong attempts: this rating form is closed. Please rate from the "
        "link sent to your phone."
    )


class FeedbackValidationError(FeedbackError):
    """Bad input: `errors` maps field names to messages (400)."""

    default_message = _("Please correct the errors below.")

    def __init__(
        self, errors: dict[str, list[str]], message: str | None = None
    ) -> None:
        self.errors = {
            field: [str(m) for m in messages] for field, messages in errors.items()
        }
        super().__init__(message)


class FeedbackTransitionError(FeedbackError):
    status = 409
    code = "not_allowed"
    default_message = _("This action is not possible in the item's current state.")


class FeedbackPermissionError(FeedbackError):
    status = 403
    code = "forbidden"
    default_message = _("Your role does not allow this action.")
