"""Pages, exports and the API: scope, figures, Excel files, query counts."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Membership
from dashboard.services import snapshots_take
from dossiers.models import Dossier
from tests.accounts.factories import MembershipFactory
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def month(history):
    h = history
    h.finish(at(2026, 3, 2), at(2026, 3, 5))  # early
    h.finish(at(2026, 3, 2), at(2026, 3, 20))  # late
    withdrawn = h.intake(at(2026, 3, 3), channel=Dossier.Channel.POST)
    h.withdraw(withdrawn, at(2026, 3, 4))
    h.intake(at(2026, 3, 30))  # open, within the deadline at the end of March
    h.finish(at(2026, 2, 25), at(2026, 3, 2))  # carried over from February
    snapshots_take(first=dt.date(2026, 2, 27), last=dt.date(2026, 3, 31))


def test_dashboard_shows_the_figures_with_links(client, manager, month):
    client.force_login(manager)
    response = client.get(reverse("dashboard:index"), MARCH)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.received == 4
    assert (figures.finished_early, figures.finished_late) == (3, 1)
    assert figures.stock.within == 1
    assert figures.carried_over == 1
    html = response.content.decode()
    assert "metric=finished_late" in html
    assert "<svg" in html
    assert "<script" not in html
    assert response.context["trend"][0].received == 4


def test_drill_down_lists_the_dossiers_behind_a_number(client, manager, month):
    client.force_login(manager)
    response = client.get(
        reverse("dashboard:dossiers"), {**MARCH, "metric": "finished_late"}
    )
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert len(rows) == 1
    assert rows[0].timeliness == Dossier.Timeliness.LATE
    within = client.get(
        reverse("dashboard:dossiers"), {**MARCH, "metric": "in_progress_within"}
    )
    assert [d.received_at for d in within.context["page"].object_list] == [
        at(2026, 3, 30)
    ]
    bad = client.get(reverse("dashboard:dossiers"), {**MARCH, "metric": "nonsense"})
    assert bad.status_code == 404


def test_a_manager_of_another_agency_sees_only_their_numbers(
    client, other_manager, month, agencies
):
    client.force_login(other_manager)
    response = client.get(reverse("dashboard:index"), MARCH)
    assert response.status_code == 200
    assert response.context["figures"].received == 0
    outside = client.get(
        reverse("dashboard:index"), {**MARCH, "agency": agencies.justice.code}
    )
    assert outside.status_code == 404
    behind = client.get(reverse("dashboard:dossiers"), {**MARCH, "metric": "received"})
    assert behind.context["page"].paginator.count == 0


def test_staff_without_the_manager_role_get_404(client, clerk, citizen):
    for user in (clerk, citizen):
        client.force_login(user)
        assert client.get(reverse("dashboard:index")).status_code == 404
        assert client.get(reverse("dashboard:report")).status_code == 404


def test_bad_dates_are_a_400_with_a_message(client, manager):
    client.force_login(manager)
    response = client.get(
        reverse("dashboard:index"), {"from": "2026-03-31", "to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert (
        "before its start" in response.content.decode()
        or response.context["form"].errors["to"]
    )


def test_period_report_workbook(client, manager, month, agencies):
    client.force_login(manager)
    response = client.get(reverse("dashboard:report"), MARCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument"
    )
    book = load_workbook(BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header[0] == "STT"
    justice = next(r for r in rows if r[1] == agencies.justice.name)
    values = dict(zip(header, justice, strict=True))
    assert values["Kỳ trước chuyển sang"] == 1
    assert values["Tiếp nhận trong kỳ"] == 4
    assert values["Qua dịch vụ bưu chính"] == 1
    assert values["Trước hạn"] == 3
    assert values["Quá hạn"] == 1
    assert values["Đang giải quyết trong hạn"] == 1
    assert values["Rút hồ sơ"] == 1
    assert sheet.column_dimensions["B"].width == 48


def test_ledger_workbook_has_real_dates(client, manager, month):
    client.force_login(manager)
    response = client.get(reverse("dashboard:ledger"), MARCH)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:2] == ("STT", "Mã hồ sơ")
    body = rows[3:]
    assert len(body) == 4
    assert body[0][4] == at(2026, 3, 2, 9).replace(tzinfo=None)
    assert isinstance(body[0][5], dt.datetime)
    assert body[0][6] == at(2026, 3, 2, 10).replace(tzinfo=None)  # handed over


def test_public_page_needs_no_login_and_shows_no_personal_data(client, month):
    response = client.get(reverse("dashboard:public"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["figures"].received == 4
    assert "Nguyễn Văn An" not in html
    assert "0912345678" not in html
    assert "000.00.01.H49-" not in html  # no dossier codes


def test_stats_api(client, manager, month, agencies):
    client.force_login(manager)
    response = client.get("/api/v1/stats/", MARCH)
    assert response.status_code == 200
    body = response.json()
    assert body["received"] == 4
    assert body["received_by_channel"] == {"counter": 3, "online": 0, "post": 1}
    assert body["finished_late"] == 1
    assert body["open_at_period_end"]["within"] == 1
    assert {item["code"] for item in body["indicators_766"]} >= {"2.1", "3.3", "5.4"}
    bad = client.get("/api/v1/stats/", {"from": "31/03/2026"})  # not ISO
    assert bad.status_code == 400
    assert "from" in bad.json()
    unknown = client.get("/api/v1/stats/", {**MARCH, "colour": "blue"})
    assert unknown.status_code == 400
    missing = client.get("/api/v1/stats/", {**MARCH, "agency": "nope"})
    assert missing.status_code == 400
    assert "agency" in missing.json()


def test_stats_api_scope(client, other_manager, clerk, month, agencies):
    client.force_login(other_manager)
    assert client.get("/api/v1/stats/", MARCH).json()["received"] == 0
    outside = client.get("/api/v1/stats/", {**MARCH, "agency": agencies.justice.code})
    assert outside.status_code == 404  # outside the manager's scope: not found
    client.force_login(clerk)
    assert client.get("/api/v1/stats/", MARCH).status_code == 404
    client.logout()
    assert client.get("/api/v1/stats/", MARCH).status_code in (401, 403)


def test_stats_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/stats/" in schema


def test_dashboard_query_count_does_not_grow_with_dossiers(
    client, manager, history, django_assert_max_num_queries
):
    client.force_login(manager)
    history.finish(at(2026, 3, 2), at(2026, 3, 5))
    snapshots_take(first=dt.date(2026, 2, 28), last=dt.date(2026, 3, 31))

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard:index"), MARCH)
    for day in range(3, 20):
        history.finish(at(2026, 3, day % 27 + 1), at(2026, 3, 28))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard:index"), MARCH)
    assert len(many) == len(few)
    with django_assert_max_num_queries(20):
        client.get(reverse("dashboard:index"), MARCH)


def test_manager_of_a_commune_membership_role_is_required(client, agencies):
    leader = MembershipFactory(
        agency=agencies.province, role=Membership.Role.LEADER
    ).user
    client.force_login(leader)
    assert client.get(reverse("dashboard:index")).status_code == 404


def test_a_ledger_too_long_is_refused_with_a_message(
    client, manager, month, monkeypatch
):
    monkeypatch.setattr("dashboard.views.MAX_LEDGER_ROWS", 3)
    client.force_login(manager)
    response = client.get(reverse("dashboard:ledger"), MARCH)
    assert response.status_code == 400
    assert "3" in str(response.context["form"].non_field_errors())
