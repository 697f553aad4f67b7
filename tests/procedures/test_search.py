"""Search relevance: accents, word order, typos, codes, ranking and filters."""

from __future__ import annotations

import pytest

from procedures.models import Procedure
from procedures.selectors import CatalogueFilterError, procedure_search
from tests.procedures.factories import FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "1.009972": "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV",
    "1.001193": "Đăng ký khai sinh",
    "1.004873": "Đăng ký khai sinh có yếu tố nước ngoài",
    "1.000894": "Đăng ký kết hôn",
    "2.000488": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    "1.011442": "Cấp giấy phép lái xe",
    "1.000656": "Đăng ký khai tử",
    "2.001023": "Đăng ký thành lập hộ kinh doanh",
}


@pytest.fixture
def catalogue(agencies):
    return {
        code: ProcedureFactory(
            national_code=code, name=name, competent_agency=agencies.justice
        )
        for code, name in NAMES.items()
    }


def codes(**criteria):
    return [p.national_code for p in procedure_search(**criteria)]


def test_words_without_accents_find_the_accented_name(catalogue):
    assert codes(q="giay phep xay dung")[0] == "1.009972"


def test_word_order_does_not_matter(catalogue):
    assert codes(q="xay dung giay phep") == ["1.009972"]


def test_two_words_find_the_exact_procedure_first(catalogue):
    found = codes(q="khai sinh")
    assert found[:2] == ["1.001193", "1.004873"]
    assert "1.000656" not in found  # khai tử is not khai sinh


def test_a_typo_is_tolerated(catalogue):
    assert codes(q="giay phep xay dunh")[0] == "1.009972"
    assert codes(q="ly lich tu phapp")[0] == "2.000488"


def test_accented_query_and_capitals(catalogue):
    assert codes(q="ĐĂNG KÝ KẾT HÔN") == ["1.000894"]


def test_code_lookup(catalogue):
    assert codes(q="1.011442") == ["1.011442"]
    assert codes(q=" 2.000488 ") == ["2.000488"]


def test_nothing_found_for_unrelated_words(catalogue):
    assert codes(q="tàu vũ trụ") == []


def test_only_published_versions_are_found(agencies):
    ProcedureFactory(name="Đăng ký khai sinh", status=Procedure.Status.WITHDRAWN)
    ProcedureFactory(name="Đăng ký khai sinh", status=Procedure.Status.DRAFT)
    assert codes(q="khai sinh") == []


def test_filters_by_field_agency_level_and_online(agencies):
    civil = FieldFactory(code="G01-TP05", name="Hộ tịch")
    birth = ProcedureFactory(
        name="Đăng ký khai sinh",
        field=civil,
        level=Procedure.Level.COMMUNE,
        competent_agency=agencies.commune,
        online_level=Procedure.OnlineLevel.FULL,
    )
    birth.receiving_agencies.add(agencies.centre)
    other = ProcedureFactory(
        name="Cấp giấy phép xây dựng",
        competent_agency=agencies.construction,
        online_level=Procedure.OnlineLevel.NONE,
    )
    assert codes(field="G01-TP05") == [birth.national_code]
    assert codes(agency=agencies.commune.code) == [birth.national_code]
    assert codes(agency=agencies.centre.code) == [birth.national_code]
    assert codes(level="commune") == [birth.national_code]
    assert codes(online="full") == [birth.national_code]
    assert codes(online="none") == [other.national_code]
    assert codes(online="any") == [birth.national_code]
    assert codes(q="giay phep", level="commune") == []


@pytest.mark.parametrize(
    ("criteria", "parameter"),
    [
        ({"field": "NOPE"}, "field"),
        ({"agency": "000.99.99.H99"}, "agency"),
        ({"level": "galaxy"}, "level"),
        ({"online": "maybe"}, "online"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_criteria_are_refused_with_the_parameter_named(db, criteria, parameter):
    with pytest.raises(CatalogueFilterError) as refused:
        procedure_search(**criteria)
    assert refused.value.parameter == parameter
    assert refused.value.message
