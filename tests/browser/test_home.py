import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_vietnamese_then_english_is_accessible(
    live_server, page: Page, screenshot_dir
):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thủ tục hành chính")
    expect(page.get_by_role("banner")).to_contain_text("Đường dây nóng")
    page.screenshot(path=str(screenshot_dir / "home-vi.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Administrative procedures"
    )
    page.screenshot(path=str(screenshot_dir / "home-en.png"), full_page=True)
    assert serious_violations(page) == []


def test_skip_link_is_the_first_stop_for_keyboard_users(live_server, page: Page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
