"""Staff pages: console queues per role, search, counter intake, every action form
(good input, bad input, conflicts) and agency scoping (404 outside it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from dossiers.models import (
    Apology,
    Dossier,
    DossierAccess,
    DossierEvent,
    PaymentRequest,
    Result,
)
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.dossiers.factories import PDF_BYTES, DossierFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

S = Dossier.State
CONSOLE = "/can-bo/"
INTAKE = "/can-bo/tiep-nhan/"


def page_url(dossier: Dossier) -> str:
    return reverse("dossiers:staff-dossier", args=[dossier.code])


def action_url(dossier: Dossier, action: str) -> str:
    return reverse("dossiers:staff-action", args=[dossier.code, action])


def post_action(client, dossier: Dossier, action: str, data=None, **extra):
    payload = {f"{action}-seen_state": dossier.state}
    payload.update({f"{action}-{key}": value for key, value in (data or {}).items()})
    return client.post(action_url(dossier, action), payload, **extra)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


# --- console -----------------------------------------------------------------------------


def test_console_is_404_for_citizens_and_asks_anonymous_users_to_log_in(
    client, citizen
):
    assert client.get(CONSOLE).status_code == 302
    client.force_login(citizen)
    assert client.get(CONSOLE).status_code == 404
    assert client.get(INTAKE).status_code == 404


def test_nav_shows_the_work_console_only_to_staff(client, clerk, citizen):
    client.force_login(citizen)
    assert "Trang làm việc" not in client.get("/").content.decode()
    client.force_login(clerk)
    assert "Trang làm việc" in client.get("/").content.decode()


def test_clerk_queues_list_what_waits_at_the_counter(client, actors, make_dossier):
    submitted = make_dossier(submitted=True)
    received = make_dossier(received=True)
    ready = make_dossier(ready=True)
    make_dossier()  # a draft: invisible to staff
    client.force_login(actors.clerk)

    response = client.get(CONSOLE)
    assert response.status_code == 200
    queues = {q.slug: n for q, n in response.context["queues"]}
    assert queues["to-receive"] == "1"
    assert queues["to-hand-over"] == "1"
    assert queues["ready-to-return"] == "1"
    assert queues["all"] == "3"
    assert "awaiting-approval" not in queues  # a leader's queue
    assert list(response.context["page"].object_list) == [submitted]

    response = client.get(CONSOLE, {"queue": "to-hand-over"})
    assert list(response.context["page"].object_list) == [received]
    response = client.get(CONSOLE, {"queue": "ready-to-return"})
    assert list(response.context["page"].object_list) == [ready]
    assert ready.code in response.content.decode()


def test_specialist_and_leader_queues(client, actors, make_dossier):
    mine = make_dossier(appraising=True, assigned_specialist=actors.specialist)
    make_dossier(appraising=True, assigned_specialist=actors.other_specialist)
    pending = make_dossier(pending_approval=True)
    overdue = make_dossier(
        appraising=True, deadline_status=Dossier.DeadlineStatus.OVERDUE
    )
    nearing = make_dossier(
        appraising=True, deadline_status=Dossier.DeadlineStatus.NEARING
    )

    client.force_login(actors.specialist)
    response = client.get(CONSOLE, {"queue": "assigned-to-me"})
    assert list(response.context["page"].object_list) == [mine]
    response = client.get(CONSOLE, {"queue": "overdue"})
    assert list(response.context["page"].object_list) == [overdue]
    response = client.get(CONSOLE, {"queue": "nearing-deadline"})
    assert list(response.context["page"].object_list) == [nearing]
    assert client.get(CONSOLE, {"queue": "awaiting-approval"}).status_code == 404

    client.force_login(actors.leader)
    response = client.get(CONSOLE, {"queue": "awaiting-approval"})
    assert list(response.context["page"].object_list) == [pending]


def test_another_agencys_staff_see_nothing(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.other_clerk)
    response = client.get(CONSOLE, {"queue": "all"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert client.get(page_url(dossier)).status_code == 404
    response = post_action(client, dossier, "receive")
    assert response.status_code == 404
    assert fresh(dossier).state == S.SUBMITTED
    slip = reverse("dossiers:slip", args=[dossier.code, 5])
    assert client.get(slip).status_code == 404


def test_search_by_code_name_and_phone(client, actors, make_dossier):
    an = make_dossier(
        submitted=True, applicant_name="Nguyễn Văn An", applicant_phone="+84912345678"
    )
    binh = make_dossier(
        submitted=True, applicant_name="Trần Thị Bình", applicant_phone="+84987654321"
    )
    client.force_login(actors.clerk)

    def found(text: str) -> list[Dossier]:
        response = client.get(CONSOLE, {"queue": "all", "search": text})
        assert response.status_code == 200
        return list(response.context["page"].object_list)

    assert found(binh.code) == [binh]
    assert found("Văn An") == [an]
    assert found("0912 345 678") == [an]
    assert found("+84987654321") == [binh]
    assert found("không có ai") == []
    assert found("").__len__() == 2


def test_filters_by_state_and_rejects_bad_filters(client, actors, make_dossier):
    make_dossier(submitted=True)
    received = make_dossier(received=True)
    client.force_login(actors.clerk)
    response = client.get(CONSOLE, {"queue": "all", "state": "received"})
    assert list(response.context["page"].object_list) == [received]
    response = client.get(CONSOLE, {"queue": "all", "state": "nonsense"})
    assert response.status_code == 400
    assert "Hãy chọn" in response.content.decode() or response.context["form"].errors
    assert client.get(CONSOLE, {"queue": "nonsense"}).status_code == 404


def test_console_is_paginated(client, actors, make_dossier):
    for _ in range(23):
        make_dossier(submitted=True)
    client.force_login(actors.clerk)
    first = client.get(CONSOLE)
    assert len(first.context["page"].object_list) == 20
    second = client.get(CONSOLE, {"page": 2})
    assert len(second.context["page"].object_list) == 3
    assert "page=2" in first.content.decode()


def test_long_queues_are_counted_up_to_a_cap_and_still_paged(
    client, actors, make_dossier, monkeypatch
):
    """A busy centre's queues hold hundreds of thousands of dossiers: the console
    counts no further than its caps, says "more than", and the pages still work."""
    from dossiers.views import staff  # noqa: PLC0415

    monkeypatch.setattr(staff, "QUEUE_COUNT_CAP", 3)
    monkeypatch.setattr(staff, "LIST_COUNT_CAP", 15)
    monkeypatch.setattr(staff, "PAGE_SIZE", 10)
    waiting = [make_dossier(submitted=True) for _ in range(27)]
    client.force_login(actors.clerk)

    response = client.get(CONSOLE, {"queue": "to-receive"})
    page = response.content.decode()
    assert {q.slug: n for q, n in response.context["queues"]}["to-receive"] == "3+"
    assert "Hơn 15 hồ sơ" in page
    assert "Trang 1/" not in page  # no total to show
    assert "Trang 1" in page
    # Every waiting dossier is reachable page by page, oldest first, past the cap.
    seen = []
    for number in (1, 2, 3):
        response = client.get(CONSOLE, {"queue": "to-receive", "page": number})
        seen += list(response.context["page"].object_list)
        assert response.context["page"].has_next() == (number < 3)
    assert seen == sorted(waiting, key=lambda d: (d.submitted_at, d.pk))
    assert 'rel="next"' not in response.content.decode()
    # A page past the end, or an absurd one, is the first page, never an error.
    for absurd in ("4", "99999999999999999999", "-1", "x"):
        response = client.get(CONSOLE, {"queue": "to-receive", "page": absurd})
        assert response.status_code == 200
        assert response.context["page"].number == 1

    # Below the caps the figures are exact, with the usual "page n/total".
    monkeypatch.setattr(staff, "LIST_COUNT_CAP", 100)
    response = client.get(CONSOLE, {"queue": "to-receive"})
    assert "27 hồ sơ" in response.content.decode()
    assert "Trang 1/3" in response.content.decode()
    response = client.get(CONSOLE, {"queue": "to-receive", "search": waiting[0].code})
    assert "1 hồ sơ" in response.content.decode()
    counts = {q.slug: n for q, n in response.context["queues"]}
    assert counts["ready-to-return"] == "0"


def _console_queries(client, queue: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CONSOLE, {"queue": queue, "search": ""})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["clerk", "specialist", "leader"])
def test_console_queries_do_not_grow_with_rows(client, actors, make_dossier, role):
    user = actors.get(role)
    client.force_login(user)
    for _ in range(2):
        make_dossier(submitted=True)
        make_dossier(appraising=True, assigned_specialist=actors.specialist)
        make_dossier(pending_approval=True)
    few = _console_queries(client, "all")
    for _ in range(12):
        make_dossier(submitted=True)
        make_dossier(appraising=True, assigned_specialist=actors.specialist)
        make_dossier(pending_approval=True)
    assert _console_queries(client, "all") == few


def test_dossier_page_queries_do_not_grow_with_events(client, actors, make_dossier):
    dossier = make_dossier(received=True)
    client.force_login(actors.clerk)
    with CaptureQueriesContext(connection) as before:
        assert client.get(page_url(dossier)).status_code == 200
    for _ in range(6):
        DossierEvent.objects.create(
            dossier=dossier, actor=actors.clerk, action="receive", to_state=S.RECEIVED
        )
    with CaptureQueriesContext(connection) as after:
        assert client.get(page_url(dossier)).status_code == 200
    assert len(after) == len(before)


# --- counter intake --------------------------------------------------------------------------


def test_intake_looks_the_applicant_up_by_phone_and_filters_procedures(
    client, actors, procedure, agencies
):
    actors.owner.phone = "+84911222333"
    actors.owner.address = "12 Lê Lợi, Hạ Long"
    actors.owner.save()
    foreign = ProcedureFactory(
        name=procedure.name + " (xã)", competent_agency=agencies.commune
    )
    client.force_login(actors.clerk)

    response = client.get(
        INTAKE, {"phone": "0911 222 333", "q": procedure.name[:12], "procedure": ""}
    )
    assert response.status_code == 200
    choices = [c[0] for c in response.context["find"].fields["procedure"].choices]
    assert procedure.pk in choices
    assert foreign.pk not in choices
    assert response.context["account"] == actors.owner
    assert response.context["form"] is None

    response = client.get(
        INTAKE, {"phone": "0911222333", "q": "", "procedure": procedure.pk}
    )
    form = response.context["form"]
    assert form.initial["applicant_name"] == "Nguyễn Văn An"
    assert form.initial["applicant_address"] == "12 Lê Lợi, Hạ Long"
    html = response.content.decode()
    assert 'value="Nguyễn Văn An"' in html
    assert 'type="file"' in html
    assert "Tờ khai" in html


def test_intake_procedure_search_ignores_accents(client, actors, procedure):
    client.force_login(actors.clerk)
    response = client.get(INTAKE, {"q": "ly lich tu phap", "phone": ""})
    choices = [c[0] for c in response.context["find"].fields["procedure"].choices]
    assert choices[1:] == [procedure.pk]
    response = client.get(INTAKE, {"q": "x" * 101})
    assert response.status_code == 400


def test_intake_records_the_dossier_and_goes_to_the_receipt(
    client, actors, procedure, mandatory_document
):
    actors.owner.phone = "+84911222333"
    actors.owner.save()
    client.force_login(actors.clerk)
    response = client.post(
        INTAKE,
        {
            "procedure": procedure.pk,
            "receiving_agency": procedure.receiving_agencies.get().pk,
            "channel": Dossier.Channel.COUNTER,
            "applicant_name": "Nguyễn Văn An",
            "consent": "on",
            "applicant_phone": "0911 222 333",
            "applicant_national_id": "022090012345",
            f"document_{mandatory_document.pk}": pdf("tờ khai.pdf"),
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "dossiers:staff-receipt", args=[dossier.code]
    )
    assert dossier.state == S.RECEIVED
    assert dossier.owner == actors.owner
    assert dossier.channel == Dossier.Channel.COUNTER
    assert dossier.attachments.get().required_document == mandatory_document
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert dossier.code in html
    slip = reverse("dossiers:slip", args=[dossier.code, 1])
    assert slip in html
    assert 'target="_blank"' in html
    assert client.get(slip)["Content-Type"] == "application/pdf"


def test_intake_without_an_account(client, actors, procedure, mandatory_document):
    client.force_login(actors.clerk)
    client.post(
        INTAKE,
        {
            "procedure": procedure.pk,
            "receiving_agency": procedure.receiving_agencies.get().pk,
            "channel": Dossier.Channel.POST,
            "applicant_name": "Lê Văn Cường",
            "consent": "on",
            "applicant_phone": "0977000111",
            f"document_{mandatory_document.pk}": pdf(),
        },
    )
    dossier = Dossier.objects.get()
    assert dossier.owner is None
    assert dossier.applicant_phone == "+84977000111"
    assert dossier.channel == Dossier.Channel.POST


def test_intake_bad_input_rerenders_with_errors_and_keeps_what_was_typed(
    client, actors, procedure
):
    client.force_login(actors.clerk)
    response = client.post(
        INTAKE,
        {
            "procedure": procedure.pk,
            "receiving_agency": procedure.receiving_agencies.get().pk,
            "channel": Dossier.Channel.COUNTER,
            "applicant_name": "Phạm Thị Dung",
            "consent": "on",
            "applicant_phone": "12345",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Phạm Thị Dung"' in html
    assert "số điện thoại di động" in html.lower()
    assert "Trường này là bắt buộc" in html  # the mandatory document
    assert not Dossier.objects.exists()


def test_intake_refuses_a_procedure_outside_the_clerks_centre(client, actors, agencies):
    foreign = ProcedureFactory(competent_agency=agencies.commune)
    client.force_login(actors.clerk)
    response = client.post(
        INTAKE,
        {
            "procedure": foreign.pk,
            "applicant_name": "A",
            "consent": "on",
            "applicant_phone": "0912345678",
        },
    )
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_specialists_cannot_use_the_counter(client, actors):
    client.force_login(actors.specialist)
    assert client.get(INTAKE).status_code == 404


# --- the dossier page and its actions ----------------------------------------------------


def actions_on_page(client, dossier: Dossier) -> list[str]:
    response = client.get(page_url(dossier))
    assert response.status_code == 200
    return [item["action"] for item in response.context["action_forms"]]


def test_page_offers_only_what_the_user_may_do_now(client, actors, make_dossier):
    submitted = make_dossier(submitted=True)
    pending = make_dossier(pending_approval=True)
    client.force_login(actors.clerk)
    assert actions_on_page(client, submitted) == [
        "receive",
        "refuse",
        "request_supplement",
        "withdraw",
    ]
    assert actions_on_page(client, pending) == ["withdraw"]
    client.force_login(actors.leader)
    assert actions_on_page(client, pending) == [
        "send_back",
        "approve",
        "apologize",
        "stop",
    ]
    client.force_login(actors.specialist)
    assert actions_on_page(client, submitted) == []
    assert "approve" not in client.get(page_url(pending)).content.decode()


def test_receive_goes_to_the_receipt(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.clerk)
    response = post_action(client, dossier, "receive")
    assert response["Location"] == reverse(
        "dossiers:staff-receipt", args=[dossier.code]
    )
    assert fresh(dossier).state == S.RECEIVED


def test_refuse_needs_a_reason(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.clerk)
    response = post_action(client, dossier, "refuse", {"reason": "   "})
    assert response.status_code == 400
    assert "Trường này là bắt buộc" in response.content.decode()
    assert fresh(dossier).state == S.SUBMITTED
    response = post_action(client, dossier, "refuse", {"reason": "Sai thẩm quyền"})
    assert response.status_code == 302
    assert fresh(dossier).state == S.REFUSED
    assert fresh(dossier).reason == "Sai thẩm quyền"


def test_request_supplement_needs_items_and_keeps_the_reason(
    client, actors, make_dossier, mandatory_document
):
    dossier = make_dossier(received=True)
    client.force_login(actors.clerk)
    response = post_action(
        client, dossier, "request_supplement", {"reason": "Thiếu chữ ký trên tờ khai"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Thiếu chữ ký trên tờ khai" in html
    assert "ít nhất" in html
    response = post_action(
        client,
        dossier,
        "request_supplement",
        {"reason": "Thiếu chữ ký", "documents": [mandatory_document.pk]},
    )
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.state == S.SUPPLEMENT_REQUESTED
    assert list(dossier.supplement_requests.get().documents.all()) == [
        mandatory_document
    ]


def test_clerk_records_a_supplement_with_files(
    client, actors, make_dossier, mandatory_document
):
    dossier = make_dossier(supplement_requested=True)
    client.force_login(actors.clerk)
    before = dossier.attachments.count()
    response = post_action(
        client,
        dossier,
        "supplement",
        {"note": "Nộp tại quầy", f"document_{mandatory_document.pk}": pdf()},
    )
    assert response.status_code == 302
    assert fresh(dossier).state == S.APPRAISING
    assert dossier.attachments.count() == before + 1


def test_assign_hands_over_to_a_specialist_of_the_competent_agency(
    client, actors, make_dossier, agencies
):
    dossier = make_dossier(received=True)
    client.force_login(actors.clerk)
    response = post_action(
        client,
        dossier,
        "assign",
        {"agency": agencies.construction.pk, "specialist": actors.specialist.pk},
    )
    assert response.status_code == 400  # not the competent agency
    response = post_action(
        client,
        dossier,
        "assign",
        {"agency": agencies.justice.pk, "specialist": actors.other_specialist.pk},
    )
    assert response.status_code == 400  # not a specialist of the agency
    response = post_action(
        client,
        dossier,
        "assign",
        {"agency": agencies.justice.pk, "specialist": actors.specialist.pk},
    )
    assert response.status_code == 302
    dossier = fresh(dossier)
    assert dossier.state == S.APPRAISING
    assert dossier.assigned_specialist == actors.specialist
    event = dossier.events.get(action="assign")
    assert event.handed_to_agency == agencies.justice


def test_propose_a_denial_needs_notes(client, actors, make_dossier):
    dossier = make_dossier(appraising=True, assigned_specialist=actors.specialist)
    client.force_login(actors.specialist)
    response = post_action(client, dossier, "propose", {"granted": "no", "notes": ""})
    assert response.status_code == 400
    response = post_action(
        client, dossier, "propose", {"granted": "yes", "number": "15/QĐ-STP"}
    )
    assert response.status_code == 302
    assert fresh(dossier).state == S.PENDING_APPROVAL
    assert Result.objects.get(dossier=dossier).number == "15/QĐ-STP"


def test_send_back_needs_a_reason(client, actors, make_dossier):
    dossier = make_dossier(pending_approval=True)
    client.force_login(actors.leader)
    assert post_action(client, dossier, "send_back", {"reason": ""}).status_code == 400
    response = post_action(client, dossier, "send_back", {"reason": "Xem lại điều 5"})
    assert response.status_code == 302
    assert fresh(dossier).state == S.APPRAISING


def test_approve_with_number_signer_date_and_file(client, actors, make_dossier):
    dossier = make_dossier(pending_approval=True)
    client.force_login(actors.leader)
    response = post_action(
        client,
        dossier,
        "approve",
        {"number": "", "signer_name": "Lê Lãnh Đạo", "signed_on": "31/02/2026"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lê Lãnh Đạo" in html
    response = post_action(
        client,
        dossier,
        "approve",
        {
            "number": "20/QĐ-STP",
            "signer_name": "Lê Lãnh Đạo",
            "signed_on": "2026-11-27",
            "granted": "yes",
            "result_file": pdf("quyet-dinh.pdf"),
        },
    )
    assert response.status_code == 302
    result = Result.objects.get(dossier=dossier)
    assert fresh(dossier).state == S.READY
    assert result.number == "20/QĐ-STP"
    assert result.signed_on == dt.date(2026, 11, 27)
    assert result.file is not None
    assert result.file.original_name == "quyet-dinh.pdf"


def test_approve_cannot_flip_the_proposed_result(client, actors, make_dossier):
    dossier = make_dossier(pending_approval=True)  # proposed: granted
    client.force_login(actors.leader)
    response = post_action(
        client,
        dossier,
        "approve",
        {
            "number": "1/QĐ",
            "signer_name": "A",
            "signed_on": "2026-11-27",
            "granted": "no",
        },
    )
    assert response.status_code == 400
    assert fresh(dossier).state == S.PENDING_APPROVAL


def test_payment_request_and_confirmation(client, actors, make_dossier):
    dossier = make_dossier(appraising=True, assigned_specialist=actors.specialist)
    client.force_login(actors.specialist)
    assert (
        post_action(client, dossier, "request_payment", {"amount": "0"}).status_code
        == 400
    )
    response = post_action(
        client, dossier, "request_payment", {"amount": "200000", "note": "Lệ phí"}
    )
    assert response.status_code == 302
    assert fresh(dossier).state == S.AWAITING_PAYMENT
    client.force_login(actors.clerk)
    assert post_action(client, fresh(dossier), "confirm_payment").status_code == 302
    assert fresh(dossier).state == S.APPRAISING
    assert PaymentRequest.objects.get(dossier=dossier).confirmed_by == actors.clerk


def test_stop_and_withdraw_need_reasons_and_confirmation(client, actors, make_dossier):
    stopped = make_dossier(appraising=True)
    client.force_login(actors.leader)
    assert post_action(client, stopped, "stop", {"reason": ""}).status_code == 400
    post_action(client, stopped, "stop", {"reason": "Không đủ điều kiện"})
    assert fresh(stopped).state == S.STOPPED

    withdrawn = make_dossier(received=True)
    client.force_login(actors.clerk)
    response = post_action(client, withdrawn, "withdraw", {"reason": "Xin rút"})
    assert response.status_code == 400  # the confirmation box
    assert "Xin rút" in response.content.decode()
    post_action(client, withdrawn, "withdraw", {"reason": "Xin rút", "confirm": "on"})
    assert fresh(withdrawn).state == S.WITHDRAWN


def test_return_result_by_channel(client, actors, make_dossier):
    dossier = make_dossier(ready=True)
    client.force_login(actors.clerk)
    assert (
        post_action(client, dossier, "return_result", {"channel": "fax"}).status_code
        == 400
    )
    post_action(client, dossier, "return_result", {"channel": "post"})
    dossier = fresh(dossier)
    assert dossier.state == S.RETURNED
    assert dossier.return_channel == "post"


def test_apologize_with_a_new_appointment(client, actors, make_dossier):
    dossier = make_dossier(appraising=True, assigned_specialist=actors.specialist)
    client.force_login(actors.specialist)
    earlier = timezone.localdate() - dt.timedelta(days=3)
    response = post_action(
        client,
        dossier,
        "apologize",
        {"reason": "Chờ ý kiến", "new_date": earlier.isoformat(), "new_time": "09:00"},
    )
    assert response.status_code == 400
    assert "Chờ ý kiến" in response.content.decode()
    later = (dossier.appointment_at + dt.timedelta(days=7)).date()
    response = post_action(
        client,
        dossier,
        "apologize",
        {"reason": "Chờ ý kiến", "new_date": later.isoformat(), "new_time": "09:00"},
    )
    assert response.status_code == 302
    apology = Apology.objects.get(dossier=dossier)
    assert timezone.localtime(apology.new_appointment).date() == later
    assert fresh(dossier).state == S.APPRAISING


def test_a_stale_page_gives_a_message_not_an_error(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.clerk)
    seen = dossier.state
    assert post_action(client, dossier, "receive").status_code == 302
    # The same click again (another tab, a double submit): clear message, back.
    response = client.post(
        action_url(dossier, "receive"), {"receive-seen_state": seen}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == page_url(dossier)
    assert any("đã thay đổi" in m for m in messages_of(response))


def test_a_lost_race_gives_a_message(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.clerk)
    # Another clerk refused it between our page load and our click, on the same state.
    other = MembershipFactory(
        agency=dossier.receiving_agency, role=Membership.Role.CLERK
    ).user
    from dossiers.services import dossier_refuse  # noqa: PLC0415

    dossier_refuse(dossier=dossier, actor=other, reason="Trùng hồ sơ")
    response = client.post(action_url(dossier, "receive"), {}, follow=True)
    assert response.status_code == 200
    assert fresh(dossier).state == S.REFUSED
    assert any("không thể" in m.lower() for m in messages_of(response))


def test_unknown_action_is_404(client, actors, make_dossier):
    dossier = make_dossier(submitted=True)
    client.force_login(actors.clerk)
    assert client.post(action_url(dossier, "explode"), {}).status_code == 404


def test_documents_download_for_staff_only(client, actors, make_dossier, tmp_path):
    dossier = make_dossier(received=True, with_documents=False)
    from dossiers.services import Upload  # noqa: PLC0415
    from dossiers.services.intake import _attach  # noqa: PLC0415

    attachment = _attach(
        dossier=dossier, actor=actors.clerk, upload=Upload(file=pdf(), name="a.pdf")
    )
    url = reverse("dossiers:staff-attachment", args=[dossier.code, attachment.pk])
    client.force_login(actors.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(actors.other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_slips_for_the_owner_and_staff(client, actors, make_dossier):
    dossier = make_dossier(received=True)
    client.force_login(actors.owner)
    for form, expected in ((1, 200), (5, 404), (3, 404)):
        url = reverse("dossiers:slip", args=[dossier.code, form])
        assert client.get(url).status_code == expected, form
    client.force_login(actors.clerk)
    assert (
        client.get(reverse("dossiers:slip", args=[dossier.code, 5])).status_code == 200
    )
    client.force_login(actors.stranger)
    assert (
        client.get(reverse("dossiers:slip", args=[dossier.code, 1])).status_code == 404
    )
    assert (
        client.get(reverse("dossiers:slip", args=["NO-SUCH-CODE", 1])).status_code
        == 404
    )


def test_factory_other_agency_dossier_is_invisible(client, actors, agencies):
    foreign = DossierFactory(
        procedure=ProcedureFactory(
            competent_agency=agencies.construction,
            receiving_agencies=[agencies.commune],
        ),
        submitted=True,
    )
    client.force_login(actors.clerk)
    assert client.get(page_url(foreign)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_clerks_clicking_at_once_one_wins_the_other_gets_a_message(
    actors, make_dossier
):
    import threading  # noqa: PLC0415

    from django.db import connections  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    dossier = make_dossier(submitted=True)
    second = MembershipFactory(
        agency=dossier.receiving_agency, role=Membership.Role.CLERK
    ).user
    barrier = threading.Barrier(2)
    results: list[tuple[int, str, list[str]]] = []

    def click(user) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post(
                action_url(dossier, "receive"), {"receive-seen_state": "submitted"}
            )
            followed = client.get(response["Location"])
            results.append(
                (response.status_code, response["Location"], followed.content.decode())
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=click, args=(u,)) for u in (actors.clerk, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _, _ in results] == [302, 302]
    locations = sorted(location for _, location, _ in results)
    assert locations == sorted(
        [
            page_url(dossier),
            reverse("dossiers:staff-receipt", args=[dossier.code]),
        ]
    )
    loser = next(html for _, location, html in results if location == page_url(dossier))
    assert "message-error" in loser
    assert "Không thể" in loser or "đã thay đổi" in loser, loser
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1
    assert fresh(dossier).state == S.RECEIVED


def test_a_phone_alone_does_not_link_a_walk_in_to_an_account(
    client, actors, procedure, mandatory_document
):
    """Anyone may sign up with someone else's number: the ID number must match too."""
    actors.owner.phone = "+84911222333"
    actors.owner.save()
    client.force_login(actors.clerk)
    client.post(
        INTAKE,
        {
            "procedure": procedure.pk,
            "receiving_agency": procedure.receiving_agencies.get().pk,
            "channel": Dossier.Channel.COUNTER,
            "applicant_name": "Người Khác",
            "consent": "on",
            "applicant_phone": "0911 222 333",
            "applicant_national_id": "022199000777",
            f"document_{mandatory_document.pk}": pdf("tờ khai.pdf"),
        },
    )
    assert Dossier.objects.get().owner is None


def test_slips_and_receipt_print_full_numbers_only_for_those_handling_the_dossier(
    client, actors, make_dossier
):
    dossier = make_dossier(received=True)
    client.force_login(actors.manager)
    assert client.get(page_url(dossier)).status_code == 200  # masked view
    for url in (
        reverse("dossiers:slip", args=[dossier.code, 1]),
        reverse("dossiers:staff-receipt", args=[dossier.code]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(actors.clerk)
    before = DossierAccess.objects.filter(dossier=dossier, user=actors.clerk).count()
    assert (
        client.get(reverse("dossiers:slip", args=[dossier.code, 1])).status_code == 200
    )
    after = DossierAccess.objects.filter(dossier=dossier, user=actors.clerk).count()
    assert after == before + 1  # printing a slip is an access the citizen can see
