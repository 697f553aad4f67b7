"""The public catalogue pages: list, filters, bad input, the procedure page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from procedures.models import Procedure
from tests.procedures.factories import (
    FeeFactory,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db


def _close(response):
    """Close the file behind a streamed response the way the server would, without
    letting request_finished close the test's database connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


CATALOGUE = "/procedures/"


@pytest.fixture
def birth(agencies):
    procedure = ProcedureFactory(
        national_code="1.001193",
        name="Đăng ký khai sinh",
        field=FieldFactory(code="G01-TP05", name="Hộ tịch"),
        level=Procedure.Level.COMMUNE,
        competent_agency=agencies.commune,
        processing_days=Decimal("1"),
        online_level=Procedure.OnlineLevel.FULL,
        steps="Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        legal_basis="Luật Hộ tịch số 60/2014/QH13",
        result="Giấy khai sinh (bản chính)",
        conditions="Đăng ký trong 60 ngày kể từ ngày sinh.",
        method="Trực tiếp hoặc trực tuyến.",
    )
    procedure.receiving_agencies.add(agencies.centre)
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh")
    RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh")
    FeeFactory(
        procedure=procedure,
        name="Lệ phí đăng ký khai sinh",
        amount=Decimal(0),
        note="Miễn lệ phí đăng ký đúng hạn",
    )
    return procedure


def test_the_nav_links_to_the_catalogue(client, db):
    page = client.get("/")
    assert f'href="{CATALOGUE}"' in page.content.decode()
    assert ">Thủ tục hành chính</a>" in page.content.decode()


def test_the_catalogue_lists_published_procedures(client, birth):
    ProcedureFactory(name="Thủ tục đã bãi bỏ", status=Procedure.Status.WITHDRAWN)
    page = client.get(CATALOGUE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đăng ký khai sinh" in html
    assert "Thủ tục đã bãi bỏ" not in html
    assert reverse("procedures:detail", args=["1.001193"]) in html


def test_search_without_accents_from_the_page(client, birth, agencies):
    ProcedureFactory(
        name="Cấp giấy phép xây dựng", competent_agency=agencies.construction
    )
    html = client.get(CATALOGUE, {"q": "khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Cấp giấy phép xây dựng" not in html


def test_filters_from_the_page(client, birth, agencies):
    ProcedureFactory(
        name="Cấp giấy phép xây dựng", competent_agency=agencies.construction
    )
    html = client.get(
        CATALOGUE, {"field": "G01-TP05", "online": "full", "level": "commune"}
    ).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Cấp giấy phép xây dựng" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"field": "NOPE"},
        {"agency": "000.99.99.H99"},
        {"level": "galaxy"},
        {"online": "maybe"},
        {"q": "x" * 5000},
        {"q": "khai\x00sinh"},
        {"page": "abc"},
        {"page": "-3"},
    ],
)
def test_bad_input_is_a_400_with_a_message(client, birth, params):
    page = client.get(CATALOGUE, params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_a_page_past_the_end_is_empty(client, birth):
    page = client.get(CATALOGUE, {"page": "99999999999999999999"})
    assert page.status_code == 200
    assert "Đăng ký khai sinh" not in page.content.decode()


def test_pagination(client, agencies):
    ProcedureFactory.create_batch(45, competent_agency=agencies.justice)
    first = client.get(CATALOGUE).content.decode()
    third = client.get(CATALOGUE, {"page": 3}).content.decode()
    assert "page=2" in first
    assert third.count('class="procedure-item"') == 5


def test_list_page_query_count_does_not_grow(
    client, agencies, django_assert_num_queries
):
    ProcedureFactory.create_batch(3, competent_agency=agencies.justice)
    # Warms the session, the content types and the cached filter choices.
    client.get(CATALOGUE, {"q": "thu tuc"})
    # exact-or-fuzzy check, the page's rows with the total (COUNT(*) OVER ())
    with django_assert_num_queries(2):
        client.get(CATALOGUE, {"q": "thu tuc"})
    with django_assert_num_queries(2):  # a typo: the same two queries
        client.get(CATALOGUE, {"q": "thu tucc"})
    with django_assert_num_queries(2):  # no query: count, rows
        client.get(CATALOGUE)
    ProcedureFactory.create_batch(30, competent_agency=agencies.construction)
    with django_assert_num_queries(2):
        page = client.get(CATALOGUE, {"q": "thu tuc", "page": 2})
    assert page.content.decode().count('class="procedure-item"') == 13
    with django_assert_num_queries(2):
        client.get(CATALOGUE)
    field = Procedure.objects.select_related("field").first().field.code
    with django_assert_num_queries(3):  # the field is checked, then count, rows
        client.get(CATALOGUE, {"field": field})


@pytest.mark.parametrize("q", ["thu tuc", "thu tucc"])
def test_a_text_search_counts_and_pages_exactly(client, agencies, q):
    """The total comes with the page's rows; it must be the API's exact count on
    every page, and a page past the end is still an empty page."""
    ProcedureFactory.create_batch(45, competent_agency=agencies.justice)
    ProcedureFactory(name="Cấp giấy phép xây dựng", national_code="1.009999")
    total = client.get("/api/v1/procedures/", {"q": q}).json()["count"]
    assert 0 < total < 46
    names = []
    for number in (1, 2, 3):
        html = client.get(CATALOGUE, {"q": q, "page": number}).content.decode()
        assert f"{total} thủ tục" in html
        names += re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)
    assert len(names) == len(set(names)) == total
    assert "Cấp giấy phép xây dựng" not in names
    past = client.get(CATALOGUE, {"q": q, "page": 4})
    assert past.status_code == 200
    assert 'class="procedure-item"' not in past.content.decode()


def test_a_text_search_without_match_says_so(client, birth):
    html = client.get(CATALOGUE, {"q": "zzzz qqqq"}).content.decode()
    assert "0 thủ tục" in html
    assert 'class="procedure-item"' not in html


def test_the_procedure_page_has_what_a_citizen_needs(client, birth):
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    for text in [
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Lệ phí đăng ký khai sinh",
        "Miễn lệ phí đăng ký đúng hạn",
        "1 ngày làm việc",
        "Bước 2: Nhận kết quả.",
        "Luật Hộ tịch số 60/2014/QH13",
        "Giấy khai sinh (bản chính)",
        "Trung tâm PVHCC",
        "Đăng ký trong 60 ngày",
    ]:
        assert text in html, text
    assert "<h1" in html
    assert 'aria-labelledby="documents-title"' in html


def test_unknown_or_withdrawn_procedure_is_404(client, birth):
    assert (
        client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404
    )
    withdrawn = ProcedureFactory(status=Procedure.Status.WITHDRAWN)
    assert (
        client.get(
            reverse("procedures:detail", args=[withdrawn.national_code])
        ).status_code
        == 404
    )


def test_template_download_goes_through_a_view(client, birth, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = RequiredDocumentFactory(procedure=birth, name="Tờ khai")
    document.template.save("to-khai-khai-sinh.docx", ContentFile(b"form bytes"))
    url = reverse("procedures:document-template", args=["1.001193", document.pk])
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"form bytes"
    assert "attachment" in response["Content-Disposition"]
    _close(response)
    other = RequiredDocumentFactory()
    assert (
        client.get(
            reverse("procedures:document-template", args=["1.001193", other.pk])
        ).status_code
        == 404
    )


def test_online_procedures_link_to_online_submission(client, birth, settings):
    settings.ROOT_URLCONF = "tests.procedures.urls_with_submit"
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    submit_url = reverse("dossiers:submit", args=["1.001193"])
    assert f'href="{submit_url}"' in html
    assert "Nộp trực tuyến" in html


def test_offline_procedures_have_no_submit_button(client, agencies, settings):
    settings.ROOT_URLCONF = "tests.procedures.urls_with_submit"
    counter_only = ProcedureFactory(online_level=Procedure.OnlineLevel.NONE)
    html = client.get(
        reverse("procedures:detail", args=[counter_only.national_code])
    ).content.decode()
    assert "Nộp trực tuyến" not in html
