"""The Content Security Policy in a real browser: pages and the Swagger UI work
and the browser reports no blocked script, style or frame."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_reports(page: Page) -> list[str]:
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(str(error)))
    return reports


def test_swagger_ui_renders_under_the_policy(live_server, page: Page):
    reports = _csp_reports(page)
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "One-stop portal API"
    )
    expect(page.locator(".opblock").first).to_be_visible()
    assert reports == []


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/accounts/signup/", "/procedures/", "/phan-anh/gui/"],
)
def test_pages_report_no_policy_violation(live_server, page: Page, path):
    reports = _csp_reports(page)
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert reports == []
