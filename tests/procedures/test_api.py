"""GET /api/v1/procedures/ and /api/v1/procedures/{code}/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procedures.models import Procedure
from tests.procedures.factories import (
    FeeFactory,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/procedures/"


@pytest.fixture
def catalogue(agencies):
    civil = FieldFactory(code="G01-TP05", name="Hộ tịch")
    birth = ProcedureFactory(
        national_code="1.001193",
        name="Đăng ký khai sinh",
        field=civil,
        level=Procedure.Level.COMMUNE,
        competent_agency=agencies.commune,
        online_level=Procedure.OnlineLevel.FULL,
    )
    RequiredDocumentFactory(procedure=birth, name="Tờ khai đăng ký khai sinh")
    FeeFactory(procedure=birth, name="Lệ phí", amount=Decimal(0))
    ProcedureFactory(
        national_code="1.009972",
        name="Cấp giấy phép xây dựng mới",
        competent_agency=agencies.construction,
        online_level=Procedure.OnlineLevel.PARTIAL,
    )
    return birth


def test_anyone_can_search_without_accents(client, catalogue):
    response = client.get(LIST, {"q": "khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["national_code"] == "1.001193"
    assert body["results"][0]["field"] == {"code": "G01-TP05", "name": "Hộ tịch"}


def test_filters(client, catalogue, agencies):
    def found(**params):
        return [r["national_code"] for r in client.get(LIST, params).json()["results"]]

    assert found(field="G01-TP05") == ["1.001193"]
    assert found(agency=agencies.construction.code) == ["1.009972"]
    assert found(level="commune") == ["1.001193"]
    assert found(online="partial") == ["1.009972"]
    assert found(q="1.009972") == ["1.009972"]


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"field": "NOPE"}, "field"),
        ({"agency": "x"}, "agency"),
        ({"level": "galaxy"}, "level"),
        ({"online": "1"}, "online"),
        ({"q": "a" * 1000}, "q"),
        ({"q": "khai\x00sinh"}, "q"),
        ({"field": "\x00"}, "field"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "9" * 40}, "page"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, catalogue, params, key):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()[key]


def test_a_page_past_the_end_is_empty(client, catalogue):
    response = client.get(LIST, {"page": 500})
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_detail_has_documents_and_fees(client, catalogue):
    response = client.get(f"{LIST}1.001193/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký khai sinh"
    assert body["required_documents"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert body["fees"][0]["amount"] == "0"
    assert body["online_level"] == "full"


def test_detail_of_unknown_or_withdrawn_is_404(client, catalogue):
    assert client.get(f"{LIST}9.999999/").status_code == 404
    withdrawn = ProcedureFactory(status=Procedure.Status.WITHDRAWN)
    assert client.get(f"{LIST}{withdrawn.national_code}/").status_code == 404


def test_query_count_is_constant(client, agencies, django_assert_num_queries):
    ProcedureFactory.create_batch(2, competent_agency=agencies.justice)
    with django_assert_num_queries(3):  # exact-or-fuzzy check, count, page
        client.get(LIST, {"q": "thu tuc"})
    ProcedureFactory.create_batch(25, competent_agency=agencies.construction)
    with django_assert_num_queries(3):
        client.get(LIST, {"q": "thu tuc"})


def test_detail_query_count_is_constant(client, catalogue, django_assert_num_queries):
    RequiredDocumentFactory.create_batch(5, procedure=catalogue)
    with django_assert_num_queries(4):  # procedure, documents, fees, receiving agencies
        client.get(f"{LIST}1.001193/")


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/procedures/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"q", "field", "agency", "level", "online", "page"} <= names
    assert "/api/v1/procedures/{code}/" in schema["paths"]
