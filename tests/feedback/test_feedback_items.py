"""Feedback (phản ánh, kiến nghị): the form, deadlines over holidays, handling with
an audit row per change, the public page, and safe display of hostile text."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from feedback.models import Feedback, FeedbackEvent
from notifications.models import SmsMessage
from tests.accounts.factories import MembershipFactory
from worktime.calendar import clear_calendar_cache
from worktime.models import DayOverride
from worktime.services import day_override_set

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _form(agencies, **fields):
    data = {
        "subject": "staff",
        "agency": agencies.justice.pk,
        "title": "Cán bộ hẹn lại nhiều lần",
        "content": "Tôi phải đến ba lần mới nộp được hồ sơ.",
        "contact_name": "Trần Thị Bình",
        "contact_phone": "0912 345 678",
        "consent_to_publish": "on",
    }
    data.update(fields)
    return data


def _submit(client, agencies, **fields):
    response = client.post(
        reverse("feedback:feedback_create"), _form(agencies, **fields)
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    link = re.search(r'href="https?://[^/]+(/phan-anh/t/[^/"]+/)"', response.text)
    assert link is not None
    return Feedback.objects.latest("pk"), link.group(1)


def test_anyone_sends_feedback_without_an_account(client, agencies):
    feedback, track = _submit(client, agencies)
    assert feedback.author is None
    assert feedback.contact_phone == "+84912345678"
    assert feedback.state == Feedback.State.RECEIVED
    assert feedback.events.get().action == "submit"
    page = client.get(track)
    assert page.status_code == 200
    assert "Cán bộ hẹn lại nhiều lần" in page.text


def test_deadlines_across_tet_2027(client, agencies):
    # Wednesday 3 February 2027 10:00; Tết: 4–10 February are days off.
    with time_machine.travel(dt.datetime(2027, 2, 3, 10, 0, tzinfo=VN), tick=False):
        feedback, _track = _submit(client, agencies)
    assert feedback.refusal_due == dt.datetime(2027, 2, 12, 10, 0, tzinfo=VN)
    assert feedback.supplement_due == dt.datetime(2027, 2, 17, 10, 0, tzinfo=VN)
    assert feedback.handling_due == dt.datetime(2027, 3, 3, 10, 0, tzinfo=VN)


def test_deadlines_honour_a_day_override(client, agencies):
    day_override_set(
        date=dt.date(2027, 2, 11), kind=DayOverride.Kind.DAY_OFF, name="Nghỉ bù Tết"
    )
    clear_calendar_cache()
    with time_machine.travel(dt.datetime(2027, 2, 3, 10, 0, tzinfo=VN), tick=False):
        feedback, _track = _submit(client, agencies)
    assert feedback.refusal_due == dt.datetime(2027, 2, 15, 10, 0, tzinfo=VN)


def test_publication_due_two_working_days_after_the_answer(client, agencies, manager):
    feedback, _track = _submit(client, agencies)
    # Friday 5 March 2027 16:00 → Tuesday 9 March 16:00.
    with time_machine.travel(dt.datetime(2027, 3, 5, 16, 0, tzinfo=VN), tick=False):
        client.force_login(manager)
        client.post(_action(feedback, "answer"), {"answer": "Đã chấn chỉnh."})
    feedback.refresh_from_db()
    assert feedback.publication_due == dt.datetime(2027, 3, 9, 16, 0, tzinfo=VN)


def test_form_errors_are_clear_and_nothing_is_saved(client, agencies):
    response = client.post(
        reverse("feedback:feedback_create"),
        _form(agencies, agency="", contact_phone="", content="", procedure_code="9.99"),
    )
    assert response.status_code == 400
    assert "Không có thủ tục nào có mã này" in response.text
    assert "số điện thoại di động hoặc thư điện tử" in response.text
    assert not Feedback.objects.exists()


def test_procedure_code_sets_the_agency(client, agencies, procedure):
    feedback, _track = _submit(
        client,
        agencies,
        subject="procedure",
        agency="",
        procedure_code=procedure.national_code,
    )
    assert feedback.procedure == procedure
    assert feedback.agency == agencies.justice


def _action(feedback, name):
    return reverse("feedback:feedback_staff_action", args=[feedback.pk, name])


def test_handling_audits_every_change(client, agencies, manager, specialist):
    feedback, track = _submit(client, agencies)
    client.force_login(manager)
    client.post(_action(feedback, "classify"), {"classification": "conduct"})
    client.post(_action(feedback, "assign"), {"assignee": specialist.pk})
    client.post(_action(feedback, "request_supplement"), {"note": "Cho biết ngày"})
    client.post(_action(feedback, "resume"), {"note": "Đã bổ sung qua điện thoại"})
    client.force_login(specialist)
    assert (
        client.get(
            reverse("feedback:feedback_staff_detail", args=[feedback.pk])
        ).status_code
        == 200
    )
    client.post(_action(feedback, "answer"), {"answer": "Đã chấn chỉnh cán bộ."})
    client.force_login(manager)
    client.post(_action(feedback, "publish"))

    feedback.refresh_from_db()
    assert feedback.classification == "conduct"
    assert feedback.assigned_to == specialist
    assert feedback.state == Feedback.State.ANSWERED
    assert feedback.published_at is not None
    assert feedback.on_time is True
    assert list(feedback.events.values_list("action", "to_state")) == [
        ("submit", "received"),
        ("classify", "received"),
        ("assign", "in_progress"),
        ("request_supplement", "supplement_requested"),
        ("resume", "in_progress"),
        ("answer", "answered"),
        ("publish", "answered"),
    ]
    # the author gets an SMS link to the answer, and can rate it
    message = SmsMessage.objects.get(event="feedback_answered")
    assert message.phone == "+84912345678"
    link = re.search(r"https?://[^/\s]+(/phan-anh/t/\S+/)", message.body)
    assert link is not None, message.body
    client.logout()
    assert "Đã chấn chỉnh cán bộ." in client.get(link.group(1)).text
    client.post(track, {"value": "dissatisfied"})
    feedback.refresh_from_db()
    assert feedback.answer_satisfaction == "dissatisfied"
    assert feedback.events.last().action == "rate_answer"


def test_refusal_needs_a_reason_and_is_audited(client, agencies, manager):
    feedback, _track = _submit(client, agencies)
    client.force_login(manager)
    client.post(_action(feedback, "refuse"), {"reason": ""})
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.RECEIVED
    client.post(
        _action(feedback, "refuse"), {"reason": "Nội dung không thuộc thẩm quyền"}
    )
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.REFUSED
    assert feedback.events.last().note == "Nội dung không thuộc thẩm quyền"


def test_publication_needs_consent(client, agencies, manager):
    feedback, _track = _submit(client, agencies, consent_to_publish="")
    client.force_login(manager)
    client.post(_action(feedback, "answer"), {"answer": "Trả lời"})
    client.post(_action(feedback, "publish"))
    feedback.refresh_from_db()
    assert feedback.published_at is None
    assert not FeedbackEvent.objects.filter(action="publish").exists()


def test_public_page_shows_only_published_answers_without_personal_data(
    client, agencies, manager
):
    published, _ = _submit(client, agencies, title="Đã công khai")
    answered_only, _ = _submit(client, agencies, title="Chưa công khai")
    _submit(client, agencies, title="Chưa trả lời")
    client.force_login(manager)
    for item in (published, answered_only):
        client.post(_action(item, "answer"), {"answer": f"Trả lời {item.title}"})
    client.post(_action(published, "publish"))
    client.logout()

    page = client.get(reverse("feedback:feedback_public"))
    assert page.status_code == 200
    assert "Đã công khai" in page.text
    assert "Trả lời Đã công khai" in page.text
    assert "Chưa công khai" not in page.text
    assert "Chưa trả lời" not in page.text
    assert "Trần Thị Bình" not in page.text
    assert "912345678" not in page.text


def test_hostile_text_is_escaped_everywhere(client, agencies, manager):
    feedback, track = _submit(
        client, agencies, title=HOSTILE, content=HOSTILE, staff_name=HOSTILE
    )
    assert feedback.content == HOSTILE  # stored as written
    client.force_login(manager)
    staff_page = client.get(
        reverse("feedback:feedback_staff_detail", args=[feedback.pk])
    )
    client.post(_action(feedback, "answer"), {"answer": HOSTILE})
    client.post(_action(feedback, "publish"))
    client.logout()
    for page in (
        staff_page,
        client.get(track),
        client.get(reverse("feedback:feedback_public")),
    ):
        assert "<script>" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text


def test_hostile_rating_reason_is_escaped_for_managers(client, returned, manager):
    from feedback.services import rating_link_for  # noqa: PLC0415

    link = rating_link_for(dossier=returned).removeprefix("https://dvc.example.vn")
    client.post(link, {"value": "dissatisfied", "reason": HOSTILE})
    client.force_login(manager)
    follow_up = returned.rating.follow_up
    page = client.get(reverse("feedback:follow_up_detail", args=[follow_up.pk]))
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_staff_of_another_agency_get_404(client, agencies):
    feedback, _track = _submit(client, agencies)
    outsider = MembershipFactory(
        agency=agencies.construction, role=Membership.Role.MANAGER
    ).user
    client.force_login(outsider)
    detail = reverse("feedback:feedback_staff_detail", args=[feedback.pk])
    assert client.get(detail).status_code == 404
    assert client.post(_action(feedback, "answer"), {"answer": "x"}).status_code == 404
    assert (
        feedback.title not in client.get(reverse("feedback:feedback_staff_list")).text
    )
    feedback.refresh_from_db()
    assert feedback.state == Feedback.State.RECEIVED
    assert feedback.events.count() == 1


def test_a_specialist_not_assigned_gets_404(client, agencies, specialist):
    feedback, _track = _submit(client, agencies)
    client.force_login(specialist)
    detail = reverse("feedback:feedback_staff_detail", args=[feedback.pk])
    assert client.get(detail).status_code == 404


def test_assignee_must_belong_to_the_agency(client, agencies, manager):
    feedback, _track = _submit(client, agencies)
    outsider = MembershipFactory(
        agency=agencies.construction, role=Membership.Role.SPECIALIST
    ).user
    client.force_login(manager)
    response = client.post(_action(feedback, "assign"), {"assignee": outsider.pk})
    assert response.status_code == 400
    feedback.refresh_from_db()
    assert feedback.assigned_to is None


def test_unknown_tracking_link_is_404(client):
    assert client.get("/phan-anh/t/AAAAAAAAAAAA/").status_code == 404
