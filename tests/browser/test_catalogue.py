"""A citizen on a phone finds a procedure without typing accents and reads its page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from procedures.models import Procedure
from tests.browser.a11y import serious_violations
from tests.procedures.factories import (
    FeeFactory,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(agencies):
    field = FieldFactory(code="G02-XD", name="Hoạt động xây dựng")
    permit = ProcedureFactory(
        national_code="1.009972",
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        field=field,
        competent_agency=agencies.construction,
        processing_days=Decimal(15),
        online_level=Procedure.OnlineLevel.PARTIAL,
        steps="Bước 1: Nộp hồ sơ.",
        legal_basis="Luật Xây dựng số 50/2014/QH13",
    )
    permit.receiving_agencies.add(agencies.centre)
    RequiredDocumentFactory(procedure=permit, name="Đơn đề nghị cấp giấy phép xây dựng")
    FeeFactory(
        procedure=permit, name="Lệ phí cấp giấy phép xây dựng", amount=Decimal(75000)
    )
    ProcedureFactory(
        name="Đăng ký khai sinh", field=field, competent_agency=agencies.commune
    )
    return permit


def test_search_without_accents_then_read_the_procedure(
    live_server, page: Page, screenshot_dir, catalogue
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Thủ tục hành chính").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục hành chính")
    assert serious_violations(page) == []
    page.get_by_role("searchbox", name="Tìm thủ tục").fill("giay phep xay dung")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("status").first).to_contain_text("Tìm thấy 1 thủ tục")
    page.screenshot(path=str(screenshot_dir / "catalogue-vi.png"), full_page=True)
    assert serious_violations(page) == []
    page.get_by_role(
        "link", name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    )
    expect(
        page.get_by_role("heading", name="Thành phần hồ sơ cần chuẩn bị")
    ).to_be_visible()
    expect(page.get_by_text("75.000 đồng")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "procedure-vi.png"), full_page=True)
    assert serious_violations(page) == []
