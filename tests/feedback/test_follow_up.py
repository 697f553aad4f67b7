"""A "not satisfied" rating opens a follow-up for the agency's managers, with a
deadline in working days; their answer reaches the citizen by SMS and on the web."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from feedback.models import FollowUp
from feedback.services import rating_link_for
from notifications.models import SmsMessage
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _rate_dissatisfied(client, dossier, reason="Cán bộ hướng dẫn không rõ ràng"):
    link = rating_link_for(dossier=dossier).removeprefix("https://dvc.example.vn")
    response = client.post(link, {"value": "dissatisfied", "reason": reason})
    assert response.status_code == 200
    return FollowUp.objects.get(rating__dossier=dossier)


def test_follow_up_deadline_skips_tet(client, make_returned):
    # Wednesday 3 February 2027, 10:00; 4–10 February are Tết days off.
    with time_machine.travel(dt.datetime(2027, 2, 3, 10, 0, tzinfo=VN), tick=False):
        dossier = make_returned()
        follow_up = _rate_dissatisfied(client, dossier)
    # 5 working days: 11, 12, 15, 16, 17 February.
    assert follow_up.deadline == dt.datetime(2027, 2, 17, 10, 0, tzinfo=VN)
    assert follow_up.agency == dossier.procedure.competent_agency


def test_the_whole_loop(client, returned, manager, citizen):
    follow_up = _rate_dissatisfied(client, returned)
    assert not follow_up.is_answered

    client.force_login(manager)
    listing = client.get(reverse("feedback:follow_up_list"))
    assert returned.code in listing.text
    detail_url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    detail = client.get(detail_url)
    assert "Cán bộ hướng dẫn không rõ ràng" in detail.text

    answer = "Trung tâm đã nhắc nhở cán bộ và xin lỗi Ông/Bà."
    response = client.post(detail_url, {"answer": answer})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.answer == answer
    assert follow_up.answered_by == manager

    message = SmsMessage.objects.get(event="feedback_answered")
    assert message.phone == returned.applicant_phone
    assert message.dossier_id == returned.pk
    link = re.search(r"https://dvc\.example\.vn(/dg/tl/\S+)", message.body)
    assert link is not None, message.body

    client.logout()
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert answer in page.text

    client.force_login(citizen)
    mine = client.get(reverse("feedback:rate_dossier", args=[returned.code]))
    assert answer in mine.text


def test_a_second_answer_is_refused(client, returned, manager):
    follow_up = _rate_dissatisfied(client, returned)
    client.force_login(manager)
    url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    client.post(url, {"answer": "Lần một"})
    client.post(url, {"answer": "Lần hai"})
    follow_up.refresh_from_db()
    assert follow_up.answer == "Lần một"
    assert SmsMessage.objects.filter(event="feedback_answered").count() == 1


def test_empty_answer_is_refused(client, returned, manager):
    follow_up = _rate_dissatisfied(client, returned)
    client.force_login(manager)
    url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    response = client.post(url, {"answer": "  "})
    assert response.status_code == 400
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_manager_of_another_agency_gets_404(client, returned, agencies):
    follow_up = _rate_dissatisfied(client, returned)
    outsider = MembershipFactory(
        agency=agencies.construction, role=Membership.Role.MANAGER
    ).user
    client.force_login(outsider)
    url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "Không phải việc của tôi"}).status_code == 404
    assert returned.code not in client.get(reverse("feedback:follow_up_list")).text
    follow_up.refresh_from_db()
    assert not follow_up.is_answered


def test_manager_of_the_competent_agency_sees_it(client, returned, agencies):
    follow_up = _rate_dissatisfied(client, returned)
    department_manager = MembershipFactory(
        agency=agencies.justice, role=Membership.Role.MANAGER
    ).user
    client.force_login(department_manager)
    url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    assert client.get(url).status_code == 200


def test_clerk_and_citizen_cannot_answer(client, returned, clerk, citizen):
    follow_up = _rate_dissatisfied(client, returned)
    url = reverse("feedback:follow_up_detail", args=[follow_up.pk])
    for user in (clerk, citizen):
        client.force_login(user)
        assert client.post(url, {"answer": "x"}).status_code == 404


def test_satisfied_rating_opens_no_follow_up(client, returned):
    link = rating_link_for(dossier=returned).removeprefix("https://dvc.example.vn")
    client.post(link, {"value": "satisfied"})
    assert not FollowUp.objects.exists()


def test_unknown_answer_link_is_404(client):
    assert client.get("/dg/tl/AAAAAAAAAAAA").status_code == 404
