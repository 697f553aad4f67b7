"""Every (state, transition, role) triple: allowed ones succeed with their effects;
the rest are refused, leave the state as it was and write no audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import services
from dossiers.exceptions import DossierPermissionError, DossierTransitionError
from dossiers.models import DossierEvent, DossierState

pytestmark = pytest.mark.django_db

S = DossierState
IN_PROGRESS = (
    S.RECEIVED,
    S.APPRAISING,
    S.PENDING_APPROVAL,
    S.SUPPLEMENT_REQUESTED,
    S.AWAITING_PAYMENT,
)
ROLES = ("owner", "clerk", "specialist", "leader", "manager", "stranger", "other_clerk")

# The table of design.md §3, written out independently of the code under test.
ALLOWED: dict[str, set[tuple[str, str]]] = {
    "submit": {(S.DRAFT, "owner")},
    "receive": {(S.SUBMITTED, "clerk")},
    "refuse": {(S.SUBMITTED, "clerk")},
    "request_supplement": {
        (S.SUBMITTED, "clerk"),
        (S.RECEIVED, "clerk"),
        (S.APPRAISING, "specialist"),
    },
    "supplement": {
        (S.SUPPLEMENT_REQUESTED, "owner"),
        (S.SUPPLEMENT_REQUESTED, "clerk"),
    },
    "assign": {(S.RECEIVED, "clerk"), (S.RECEIVED, "leader")},
    "propose": {(S.APPRAISING, "specialist")},
    "send_back": {(S.PENDING_APPROVAL, "leader")},
    "approve": {(S.PENDING_APPROVAL, "leader")},
    "request_payment": {(S.APPRAISING, "specialist")},
    "confirm_payment": {(S.AWAITING_PAYMENT, "clerk")},
    "stop": {(state, "leader") for state in IN_PROGRESS},
    "withdraw": {(S.SUBMITTED, "owner")}
    | {(state, "clerk") for state in (S.SUBMITTED, *IN_PROGRESS)},
    "return_result": {(S.READY, "clerk")},
    "apologize": {
        (state, role) for state in IN_PROGRESS for role in ("specialist", "leader")
    },
}
TARGET = {
    "submit": S.SUBMITTED,
    "receive": S.RECEIVED,
    "refuse": S.REFUSED,
    "request_supplement": S.SUPPLEMENT_REQUESTED,
    "supplement": S.APPRAISING,  # the factory's supplement_requested left appraising
    "assign": S.APPRAISING,
    "propose": S.PENDING_APPROVAL,
    "send_back": S.APPRAISING,
    "approve": S.READY,
    "request_payment": S.AWAITING_PAYMENT,
    "confirm_payment": S.APPRAISING,
    "stop": S.STOPPED,
    "withdraw": S.WITHDRAWN,
    "return_result": S.RETURNED,
    "apologize": None,  # no state change
}


def run(action: str, dossier, actor):  # noqa: PLR0911 - one branch per transition
    reason = "Lý do ghi rõ"
    match action:
        case "submit":
            return services.dossier_submit(dossier=dossier, actor=actor, consent=True)
        case "receive" | "supplement" | "propose" | "confirm_payment":
            return getattr(services, f"dossier_{action}")(dossier=dossier, actor=actor)
        case "refuse" | "send_back" | "stop" | "withdraw":
            return getattr(services, f"dossier_{action}")(
                dossier=dossier, actor=actor, reason=reason
            )
        case "request_supplement":
            return services.dossier_request_supplement(
                dossier=dossier, actor=actor, reason=reason, items_text="Bản sao CCCD"
            )
        case "assign":
            return services.dossier_assign(dossier=dossier, actor=actor)
        case "approve":
            return services.dossier_approve(
                dossier=dossier, actor=actor, number="15/QĐ-STP", signer_name="Giám đốc"
            )
        case "request_payment":
            return services.dossier_request_payment(
                dossier=dossier, actor=actor, amount=Decimal(200000)
            )
        case "return_result":
            return services.dossier_return_result(
                dossier=dossier, actor=actor, channel="counter"
            )
        case "apologize":
            return services.dossier_apologize(
                dossier=dossier,
                actor=actor,
                reason=reason,
                new_appointment=(dossier.appointment_at or timezone.now())
                + dt.timedelta(days=3),
            )
    raise AssertionError(action)


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("state", [state.value for state in S])
def test_transition_table(action, state, make_dossier, actors):
    for role in ROLES:
        traits = {} if state == S.DRAFT else {state: True}
        dossier = make_dossier(with_documents=True, **traits)
        actor = actors.get(role)
        events_before = DossierEvent.objects.filter(dossier=dossier).count()
        if (state, role) in ALLOWED[action]:
            run(action, dossier, actor)
            dossier.refresh_from_db()
            assert dossier.state == (TARGET[action] or state), (action, state, role)
            events = list(DossierEvent.objects.filter(dossier=dossier))
            assert len(events) == events_before + 1, (action, state, role)
            assert events[-1].action == action
            assert events[-1].from_state == state
            assert events[-1].actor == actor
        else:
            with pytest.raises((DossierPermissionError, DossierTransitionError)):
                run(action, dossier, actor)
            dossier.refresh_from_db()
            assert dossier.state == state, (action, state, role)
            assert DossierEvent.objects.filter(dossier=dossier).count() == events_before
