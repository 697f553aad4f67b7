"""The rating form on a phone: three big choices, the reason required for "not
satisfied", accessible, no scripts at all."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from feedback.models import Rating
from feedback.services import rating_link_for
from tests.browser.a11y import serious_violations
from tests.dossiers.factories import DossierFactory, ProcedureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rating_from_the_sms_link_on_a_phone(
    live_server, page: Page, screenshot_dir, agencies
):
    procedure = ProcedureFactory(
        competent_agency=agencies.justice, receiving_agencies=[agencies.centre]
    )
    dossier = DossierFactory(procedure=procedure, returned=True)
    path = rating_link_for(dossier=dossier).split("/dg/", 1)[1]
    page.goto(f"{live_server.url}/dg/{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Đánh giá mức độ hài lòng"
    )
    assert page.locator("script").count() == 0
    assert serious_violations(page) == []
    page.screenshot(path=str(screenshot_dir / "rating-form.png"), full_page=True)

    # each choice is a thumb-sized target
    choice = page.locator("label[for=id_value_2]")
    expect(choice).to_contain_text("Không hài lòng")
    box = choice.bounding_box()
    assert box is not None
    assert box["height"] >= 44

    choice.click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("#id_reason_errors")).to_contain_text("lý do")
    assert not Rating.objects.exists()
    assert serious_violations(page) == []

    page.get_by_label("Lý do").fill("Phải đi lại nhiều lần")
    expect(page.locator("#id_value_2")).to_be_checked()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cảm ơn Ông/Bà đã đánh giá"
    )
    page.screenshot(path=str(screenshot_dir / "rating-thanks.png"), full_page=True)
    rating = Rating.objects.get()
    assert rating.value == "dissatisfied"
    assert rating.reason == "Phải đi lại nhiều lần"


def test_feedback_form_is_accessible(live_server, page: Page, agencies):
    page.goto(live_server.url + reverse("feedback:feedback_create"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Phản ánh, kiến nghị")
    assert page.locator("script").count() == 0
    assert serious_violations(page) == []
