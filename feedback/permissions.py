"""Who may see and act on follow-ups and feedback items (404 for anyone else)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dossiers.permissions import ADMIN, LEADER, MANAGER, in_scope

if TYPE_CHECKING:
    from dossiers.permissions import AnyUser
    from feedback.models import Feedback, FollowUp

#: Roles that answer follow-ups and handle feedback for their agencies' subtrees.
HANDLER_ROLES = (MANAGER, ADMIN)
#: Roles that may also manage feedback items (assign, refuse, publish).
FEEDBACK_MANAGER_ROLES = (MANAGER, ADMIN, LEADER)


def can_handle_follow_up(user: AnyUser, follow_up: FollowUp) -> bool:
    return in_scope(user, follow_up.agency, HANDLER_ROLES) or in_scope(
        user, follow_up.receiving_agency, HANDLER_ROLES
    )


def can_manage_feedback(user: AnyUser, feedback: Feedback) -> bool:
    return in_scope(user, feedback.agency, FEEDBACK_MANAGER_ROLES)


def can_view_feedback(user: AnyUser, feedback: Feedback) -> bool:
    return can_manage_feedback(user, feedback) or (
        user.is_authenticated and feedback.assigned_to_id == user.pk
    )


def can_answer_feedback(user: AnyUser, feedback: Feedback) -> bool:
    return can_view_feedback(user, feedback)
