"""Effects of each service: codes, appointments from the working calendar, pauses,
supplement policies, apologies, results and notices."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dossiers import services
from dossiers.exceptions import DossierTransitionError, DossierValidationError
from dossiers.models import Dossier, DossierEvent, DossierState, Pause, Result
from dossiers.services import Applicant, Upload
from procedures.models import Procedure
from tests.dossiers.factories import PNG_BYTES, DossierFactory
from worktime.models import DayOverride

pytestmark = pytest.mark.django_db

S = DossierState
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def applicant() -> Applicant:
    return Applicant(
        name="Lê Thị Cúc", phone="0912 345 678", national_id="022090012345"
    )


def test_intake_creates_a_received_dossier_with_code_and_appointment(
    procedure, clerk, agencies
):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        dossier = services.dossier_intake(
            consent=True,
            actor=clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=applicant(),
        )
    assert dossier.state == S.RECEIVED
    assert dossier.code == "000.00.01.H49-261201-0001"
    assert dossier.owner is None
    assert dossier.applicant_phone == "+84912345678"
    assert dossier.national_status_code == 2
    assert dossier.status_code == 2
    # 10 working days from Tuesday 1 Dec 09:00 end on Tuesday 15 Dec 09:00.
    assert dossier.appointment_at == at(2026, 12, 15, 9, 0)
    assert dossier.original_appointment_at == dossier.appointment_at
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_state, event.to_state) == (
        "intake",
        "",
        S.RECEIVED,
    )
    assert event.step_deadline == dossier.appointment_at


def test_codes_are_consecutive_per_agency_and_reset_each_day(
    procedure, clerk, agencies
):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        first = services.dossier_intake(
            consent=True,
            actor=clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=applicant(),
        )
        second = services.dossier_intake(
            consent=True,
            actor=clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=applicant(),
        )
    with time_machine.travel(at(2026, 12, 2, 8, 0), tick=False):
        third = services.dossier_intake(
            consent=True,
            actor=clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=applicant(),
        )
    assert [first.code, second.code, third.code] == [
        "000.00.01.H49-261201-0001",
        "000.00.01.H49-261201-0002",
        "000.00.01.H49-261202-0001",
    ]


def test_receipt_after_17h_starts_the_clock_next_working_morning(
    make_dossier, clerk, procedure
):
    Procedure.objects.filter(pk=procedure.pk).update(processing_days=Decimal(1))
    dossier = make_dossier(submitted=True)
    with time_machine.travel(at(2026, 12, 4, 17, 30), tick=False):  # Friday evening
        dossier = services.dossier_receive(dossier=dossier, actor=clerk)
    # Monday 7:00 + 8 working hours = Monday 17:00.
    assert dossier.appointment_at == at(2026, 12, 7, 17, 0)


def test_receipt_during_lunch_starts_at_13_30(make_dossier, clerk, procedure):
    Procedure.objects.filter(pk=procedure.pk).update(processing_days=Decimal("0.5"))
    dossier = make_dossier(submitted=True)
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        dossier = services.dossier_receive(dossier=dossier, actor=clerk)
    assert dossier.appointment_at == at(
        2026, 12, 2, 7, 30
    )  # 13:30-17:00 is 3.5 h, then 30 min


def test_receipt_before_tet_2027_skips_the_holiday(make_dossier, clerk, procedure):
    Procedure.objects.filter(pk=procedure.pk).update(processing_days=Decimal(3))
    dossier = make_dossier(submitted=True)
    with time_machine.travel(at(2027, 2, 4, 9, 0), tick=False):  # Thursday before Tết
        dossier = services.dossier_receive(dossier=dossier, actor=clerk)
    # Tết 2027 closes the offices from Friday 5 Feb; the appointment falls after it.
    assert dossier.appointment_at is not None
    assert dossier.appointment_at.date() > dt.date(2027, 2, 10)


def test_a_make_up_saturday_counts_as_a_working_day(make_dossier, clerk, procedure):
    DayOverride.objects.create(
        date=dt.date(2026, 12, 5), kind=DayOverride.Kind.WORKING_DAY, name="Làm bù"
    )
    Procedure.objects.filter(pk=procedure.pk).update(processing_days=Decimal(1))
    dossier = make_dossier(submitted=True)
    with time_machine.travel(at(2026, 12, 4, 17, 30), tick=False):
        dossier = services.dossier_receive(dossier=dossier, actor=clerk)
    assert dossier.appointment_at == at(2026, 12, 5, 17, 0)


def test_fifteen_day_procedure(make_dossier, clerk, procedure):
    Procedure.objects.filter(pk=procedure.pk).update(
        processing_days=Decimal(20), local_processing_days=Decimal(15)
    )
    dossier = make_dossier(submitted=True)
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):
        dossier = services.dossier_receive(dossier=dossier, actor=clerk)
    # The local reduced time (15 working days) applies: Tue 1 Dec 07:00 -> Mon 21 Dec 17:00.
    assert dossier.appointment_at == at(2026, 12, 21, 17, 0)


def _received(clerk, procedure, policy: str) -> Dossier:
    Procedure.objects.filter(pk=procedure.pk).update(supplement_policy=policy)
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):
        return services.dossier_intake(
            consent=True,
            actor=clerk,
            procedure=Procedure.objects.get(pk=procedure.pk),
            receiving_agency=procedure.receiving_agencies.get(),
            applicant=applicant(),
        )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # Shift: 2 working days paused, the appointment (Mon 14 Dec 17:00) moves 2 days.
        (Procedure.SupplementPolicy.SHIFT, at(2026, 12, 16, 17, 0)),
        # Restart: 10 full working days from Thu 3 Dec 07:00.
        (Procedure.SupplementPolicy.RESTART, at(2026, 12, 16, 17, 0)),
    ],
)
def test_supplement_pauses_then_shifts_or_restarts(clerk, procedure, policy, expected):
    dossier = _received(clerk, procedure, policy)
    assert dossier.appointment_at == at(2026, 12, 14, 17, 0)
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=clerk,
            reason="Thiếu bản sao",
            items_text="Bản sao CCCD",
        )
    dossier.refresh_from_db()
    assert dossier.state == S.SUPPLEMENT_REQUESTED
    assert dossier.paused_from_state == S.RECEIVED
    pause = Pause.objects.get(dossier=dossier)
    assert pause.end is None
    with time_machine.travel(at(2026, 12, 3, 7, 0), tick=False):
        dossier = services.dossier_supplement(dossier=dossier, actor=clerk)
    assert dossier.state == S.RECEIVED
    pause.refresh_from_db()
    assert pause.end == at(2026, 12, 3, 7, 0)
    assert dossier.appointment_at == expected
    assert dossier.original_appointment_at == expected


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (Procedure.SupplementPolicy.SHIFT, at(2026, 12, 15, 17, 0)),  # one day later
        (
            Procedure.SupplementPolicy.RESTART,
            at(2026, 12, 24, 17, 0),
        ),  # 10 days from 11 Dec
    ],
)
def test_restart_and_shift_differ_when_the_pause_is_late(
    clerk, procedure, policy, expected
):
    dossier = _received(clerk, procedure, policy)
    with time_machine.travel(at(2026, 12, 10, 7, 0), tick=False):
        services.dossier_request_supplement(
            dossier=dossier, actor=clerk, reason="Thiếu", items_text="Tờ khai"
        )
    with time_machine.travel(at(2026, 12, 11, 7, 0), tick=False):
        services.dossier_supplement(dossier=dossier, actor=clerk)
    dossier.refresh_from_db()
    assert dossier.appointment_at == expected


def test_second_supplement_request_after_receipt_marks_the_dossier_late(
    make_dossier, specialist, clerk
):
    dossier = make_dossier(appraising=True)
    for _ in range(2):
        services.dossier_request_supplement(
            dossier=dossier, actor=specialist, reason="Thiếu", items_text="Tờ khai"
        )
        services.dossier_supplement(dossier=dossier, actor=clerk)
    dossier.refresh_from_db()
    assert dossier.supplement_count == 2
    assert dossier.late_by_rule is True


def test_payment_pause_shifts_the_appointment(make_dossier, specialist, clerk):
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):
        dossier = make_dossier(appraising=True, appointment_at=at(2026, 12, 14, 17, 0))
        services.dossier_request_payment(
            dossier=dossier, actor=specialist, amount=Decimal(100000)
        )
    with time_machine.travel(at(2026, 12, 2, 7, 0), tick=False):
        dossier = services.dossier_confirm_payment(dossier=dossier, actor=clerk)
    assert dossier.state == S.APPRAISING
    assert dossier.appointment_at == at(2026, 12, 15, 17, 0)
    assert dossier.payments.get().confirmed_by == clerk


def test_apology_moves_the_appointment_but_not_the_original(
    make_dossier, specialist, leader
):
    dossier = make_dossier(
        appraising=True,
        appointment_at=at(2026, 12, 14, 17, 0),
        original_appointment_at=at(2026, 12, 14, 17, 0),
    )
    services.dossier_apologize(
        dossier=dossier,
        actor=specialist,
        reason="Cần xác minh thêm",
        new_appointment=at(2026, 12, 21, 17, 0),
    )
    dossier.refresh_from_db()
    assert dossier.state == S.APPRAISING
    assert dossier.appointment_at == at(2026, 12, 21, 17, 0)
    assert dossier.original_appointment_at == at(2026, 12, 14, 17, 0)
    apology = dossier.apologies.get()
    assert apology.old_appointment == at(2026, 12, 14, 17, 0)
    # Finished after the original date: late for metrics, whatever the apology said.
    services.dossier_propose(dossier=dossier, actor=specialist, number="1/QĐ")
    with time_machine.travel(at(2026, 12, 18, 9, 0), tick=False):
        services.dossier_approve(dossier=dossier, actor=leader)
    dossier.refresh_from_db()
    assert dossier.timeliness == Dossier.Timeliness.LATE


def test_apology_must_move_the_appointment_later(make_dossier, specialist):
    dossier = make_dossier(appraising=True)
    with pytest.raises(DossierValidationError) as error:
        services.dossier_apologize(
            dossier=dossier,
            actor=specialist,
            reason="x",
            new_appointment=dossier.appointment_at - dt.timedelta(days=1),
        )
    assert "new_appointment" in error.value.errors
    assert not dossier.apologies.exists()


def test_submit_requires_mandatory_documents_and_assigns_a_code(
    procedure, citizen, agencies
):
    draft = services.dossier_create_draft(
        owner=citizen,
        procedure=procedure,
        receiving_agency=agencies.centre,
        applicant=applicant(),
    )
    with pytest.raises(DossierValidationError) as error:
        services.dossier_submit(dossier=draft, actor=citizen, consent=True)
    assert "Tờ khai" in error.value.errors["documents"][0]
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert draft.code is None
    services.dossier_attach_document(
        dossier=draft,
        actor=citizen,
        upload=Upload(
            file=_bytes(PNG_BYTES),
            name="to-khai.png",
            required_document=procedure.required_documents.get(mandatory=True),
        ),
    )
    dossier = services.dossier_submit(dossier=draft, actor=citizen, consent=True)
    assert dossier.state == S.SUBMITTED
    assert re.fullmatch(r"000\.00\.01\.H49-\d{6}-0001", dossier.code)
    assert dossier.received_at is None
    assert dossier.appointment_at is None


def _bytes(data: bytes):
    import io  # noqa: PLC0415

    return io.BytesIO(data)


def test_assign_hands_over_with_a_control_sheet_row(
    make_dossier, clerk, specialist, agencies
):
    dossier = make_dossier(received=True)
    services.dossier_assign(dossier=dossier, actor=clerk, specialist=specialist)
    dossier.refresh_from_db()
    assert dossier.current_agency == agencies.justice
    assert dossier.assigned_specialist == specialist
    event = dossier.events.get(action="assign")
    assert event.handed_from_agency == agencies.centre
    assert event.handed_to_agency == agencies.justice
    assert event.handed_from_user == clerk
    assert event.handed_to_user == specialist
    assert event.step_deadline == dossier.appointment_at


def test_step_timeliness_is_recorded_when_the_step_ends(
    make_dossier, clerk, specialist
):
    dossier = make_dossier(received=True, appointment_at=at(2026, 12, 14, 17, 0))
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        services.dossier_assign(dossier=dossier, actor=clerk, specialist=specialist)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        services.dossier_propose(dossier=dossier, actor=specialist, number="5/QĐ")
    event = dossier.events.get(action="propose")
    assert event.step_timeliness == Dossier.Timeliness.EARLY


def test_assign_to_a_foreign_agency_is_refused(make_dossier, clerk, agencies):
    dossier = make_dossier(received=True)
    with pytest.raises(DossierValidationError):
        services.dossier_assign(
            dossier=dossier, actor=clerk, agency=agencies.construction
        )
    dossier.refresh_from_db()
    assert dossier.state == S.RECEIVED


def test_approve_issues_the_result_and_times_the_dossier(
    make_dossier, specialist, leader
):
    dossier = make_dossier(
        appraising=True,
        appointment_at=at(2026, 12, 14, 17, 0),
        original_appointment_at=at(2026, 12, 14, 17, 0),
    )
    services.dossier_propose(
        dossier=dossier, actor=specialist, granted=True, notes="Đủ điều kiện"
    )
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        result = services.dossier_approve(
            dossier=dossier, actor=leader, number="123/STP-HCTP", signer_name="Giám đốc"
        )
    dossier.refresh_from_db()
    assert dossier.state == S.READY
    assert dossier.finished_at == at(2026, 12, 10, 9, 0)
    assert dossier.timeliness == Dossier.Timeliness.EARLY
    assert result.approved_by == leader
    assert result.signed_on == dt.date(2026, 12, 10)
    assert Result.objects.get(dossier=dossier).number == "123/STP-HCTP"


def test_approve_without_a_number_for_a_granted_result_is_refused(
    make_dossier, specialist, leader
):
    dossier = make_dossier(appraising=True)
    services.dossier_propose(dossier=dossier, actor=specialist, granted=True)
    with pytest.raises(DossierValidationError) as error:
        services.dossier_approve(dossier=dossier, actor=leader)
    assert "number" in error.value.errors
    dossier.refresh_from_db()
    assert dossier.state == S.PENDING_APPROVAL


@pytest.mark.parametrize("action", ["refuse", "stop", "withdraw", "send_back"])
def test_missing_reason_is_refused_and_changes_nothing(make_dossier, actors, action):
    state, role = {
        "refuse": ("submitted", "clerk"),
        "stop": ("appraising", "leader"),
        "withdraw": ("submitted", "owner"),
        "send_back": ("pending_approval", "leader"),
    }[action]
    dossier = make_dossier(**{state: True})
    with pytest.raises(DossierValidationError) as error:
        getattr(services, f"dossier_{action}")(
            dossier=dossier, actor=actors.get(role), reason="  "
        )
    assert error.value.errors == {"reason": ["Cần ghi rõ lý do bằng văn bản."]}
    dossier.refresh_from_db()
    assert dossier.state == state
    assert not dossier.events.exists()


def test_stop_closes_the_open_pause(make_dossier, leader):
    dossier = make_dossier(supplement_requested=True)
    Pause.objects.create(
        dossier=dossier, kind=Pause.Kind.SUPPLEMENT, start=dossier.received_at
    )
    services.dossier_stop(dossier=dossier, actor=leader, reason="Hồ sơ giả mạo")
    assert Pause.objects.get(dossier=dossier).end is not None


def test_a_stale_copy_cannot_replay_a_transition(make_dossier, clerk):
    dossier = make_dossier(submitted=True)
    stale = Dossier.objects.get(pk=dossier.pk)
    services.dossier_receive(dossier=dossier, actor=clerk)
    with pytest.raises(DossierTransitionError):
        services.dossier_receive(dossier=stale, actor=clerk)
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


NOTICES = {
    "submit": "submitted",
    "receive": "received",
    "refuse": "refused",
    "request_supplement": "supplement_requested",
    "approve": "ready",
    "return_result": "returned",
    "stop": "stopped",
    "withdraw": "withdrawn",
    "apologize": "apology",
}


@pytest.mark.parametrize(("action", "event"), sorted(NOTICES.items()))
def test_each_transition_notifies_with_its_event(
    mocker, make_dossier, actors, action, event
):
    from tests.dossiers.test_transition_table import run  # noqa: PLC0415

    notify = mocker.patch("dossiers.services.common.dossier_event_notify")
    state, role = {
        "submit": ("draft", "owner"),
        "receive": ("submitted", "clerk"),
        "refuse": ("submitted", "clerk"),
        "request_supplement": ("appraising", "specialist"),
        "approve": ("pending_approval", "leader"),
        "return_result": ("ready", "clerk"),
        "stop": ("appraising", "leader"),
        "withdraw": ("submitted", "owner"),
        "apologize": ("appraising", "leader"),
    }[action]
    traits = {} if state == "draft" else {state: True}
    dossier = make_dossier(with_documents=True, **traits)
    run(action, dossier, actors.get(role))
    notify.assert_called_once()
    assert notify.call_args.kwargs["event"] == event
    assert notify.call_args.kwargs["dossier"].pk == dossier.pk


def test_notice_context_formats_the_appointment(make_dossier):
    from dossiers.notices import dossier_event_notify  # noqa: PLC0415

    dossier = make_dossier(
        received=True,
        code="000.00.01.H49-261201-0001",
        appointment_at=at(2026, 12, 14, 17, 0),
    )
    context = dossier_event_notify(dossier=dossier, event="received")
    assert context["appointment"] == "14/12/2026 17:00"
    assert context["code"] == "000.00.01.H49-261201-0001"
    assert context["agency"] == dossier.receiving_agency.name
    with pytest.raises(ValueError, match="unknown"):
        dossier_event_notify(dossier=dossier, event="nonsense")


def test_draft_for_a_centre_that_does_not_receive_the_procedure(
    procedure, citizen, agencies
):
    with pytest.raises(DossierValidationError) as error:
        services.dossier_create_draft(
            owner=citizen,
            procedure=procedure,
            receiving_agency=agencies.commune,
            applicant=applicant(),
        )
    assert "receiving_agency" in error.value.errors
    assert not Dossier.objects.exists()


def test_bad_phone_is_refused_with_a_field_message(procedure, citizen, agencies):
    with pytest.raises(DossierValidationError) as error:
        services.dossier_create_draft(
            owner=citizen,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=Applicant(name="A", phone="12345"),
        )
    assert "applicant_phone" in error.value.errors


def test_factory_traits_give_consistent_dossiers(procedure):
    dossier = DossierFactory(procedure=procedure, returned=True)
    assert dossier.state == S.RETURNED
    assert dossier.national_status_code == 10
