"""Issue 6 end to end in headless Chromium against the live server: every step of
the citizen and of the staff is done in the browser (citizen pages at phone size,
staff pages at desktop size), every page is photographed and checked with axe-core.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from accounts.models import User
from dossiers.models import Dossier
from procedures.models import Procedure
from tests.browser.a11y import serious_violations
from tests.dossiers.factories import (
    PDF_BYTES,
    PNG_BYTES,
    ProcedureFactory,
    RequiredDocumentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_VIEWPORT = {"width": 1280, "height": 900}


class Steps:
    """Screenshot and axe-core check of every page visited, numbered in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        for old in folder.glob("*.png"):  # only this run's steps stay
            old.unlink()

    def check(self, page: Page, name: str) -> None:
        self.count += 1
        page.screenshot(
            path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True
        )
        assert serious_violations(page) == [], f"{name}: {page.url}"


def staff_context(browser: Browser, live_server, user: User) -> BrowserContext:
    """A browser session for an officer (staff log-in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="vi-VN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def print_receipt(page: Page, live_server, code: str) -> str:
    link = page.locator("#print-receipt")
    expect(link).to_have_attribute("target", "_blank")
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(live_server.url + href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert code in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    return text


def act(page: Page, action: str, steps: Steps, name: str) -> None:
    """Open the action's panel, let the caller fill it, then submit it."""
    panel = page.locator(f"#action-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    steps.check(page, f"{name}-form")


def submit(page: Page, action: str) -> None:
    page.locator(f"#action-{action} button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def procedure(agencies) -> Procedure:
    procedure = ProcedureFactory(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        competent_agency=agencies.justice,
        receiving_agencies=[agencies.centre],
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Tờ khai yêu cầu cấp Phiếu", position=1
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Bản chụp căn cước công dân", position=2
    )
    return procedure


@dataclass
class Cast:
    agencies: Any
    clerk: User
    specialist: User
    leader: User
    procedure: Procedure


@pytest.fixture
def cast(agencies, clerk, specialist, leader, procedure) -> Cast:
    return Cast(agencies, clerk, specialist, leader, procedure)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_online_dossier_from_signup_to_returned_result(
    live_server, browser: Browser, page: Page, screenshot_dir, cast: Cast
):
    clerk, specialist = cast.clerk, cast.specialist
    leader, procedure = cast.leader, cast.procedure
    steps = Steps(screenshot_dir)

    # 1. The citizen signs up in the browser.
    page.goto(live_server.url + "/accounts/signup/")
    steps.check(page, "citizen-signup")
    page.fill("#id_full_name", "Trần Thị Mai")
    page.fill("#id_phone", "0912 555 777")
    page.fill("#id_password1", "Mật-khẩu#2026-an-toàn")
    page.fill("#id_password2", "Mật-khẩu#2026-an-toàn")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Hồ sơ của tôi")).to_be_visible()
    citizen = User.objects.get(phone="+84912555777")
    assert citizen.full_name == "Trần Thị Mai"
    steps.check(page, "citizen-signed-up")

    # 2. The citizen submits a dossier with two files from the procedure's page.
    page.goto(f"{live_server.url}/procedures/{procedure.national_code}/")
    steps.check(page, "citizen-procedure")
    page.get_by_role("link", name=re.compile("^Nộp .*trực tuyến$")).click()
    expect(page.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value(
        "Trần Thị Mai"
    )
    steps.check(page, "citizen-applicant")
    page.get_by_role("button", name="Tiếp tục").click()
    documents = list(procedure.required_documents.order_by("position"))
    page.set_input_files(
        f"#id_document_{documents[0].pk}",
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.set_input_files(
        f"#id_document_{documents[1].pk}",
        {"name": "can-cuoc.png", "mimeType": "image/png", "buffer": PNG_BYTES},
    )
    steps.check(page, "citizen-documents")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("main")).to_contain_text("can-cuoc.png")
    steps.check(page, "citizen-review")
    page.check("#id_consent")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    code = page.locator(".dossier-code").inner_text().strip()
    steps.check(page, "citizen-submitted")
    dossier = Dossier.objects.get(code=code)
    assert dossier.owner == citizen
    assert dossier.attachments.count() == 2

    # 3. The clerk finds it in "to receive", receives it and prints the receipt.
    clerk_page = staff_context(browser, live_server, clerk).new_page()
    clerk_page.goto(live_server.url + "/can-bo/")
    expect(clerk_page.get_by_role("heading", level=1)).to_have_text("Trang làm việc")
    expect(clerk_page.get_by_role("link", name=code)).to_be_visible()
    steps.check(clerk_page, "clerk-console")
    clerk_page.get_by_role("link", name=code).click()
    expect(clerk_page.locator("body")).to_contain_text("to-khai.pdf")
    expect(clerk_page.locator("body")).to_contain_text("can-cuoc.png")
    act(clerk_page, "receive", steps, "clerk-receive")
    submit(clerk_page, "receive")
    expect(clerk_page.get_by_role("heading", level=1)).to_contain_text(code)
    steps.check(clerk_page, "clerk-receipt")
    print_receipt(clerk_page, live_server, code)

    # 4. The clerk hands it over to the specialist of the Department of Justice.
    clerk_page.get_by_role("link", name="Mở hồ sơ").click()
    act(clerk_page, "assign", steps, "clerk-assign")
    clerk_page.locator("#id_assign-specialist").select_option(
        label=specialist.full_name
    )
    submit(clerk_page, "assign")
    expect(clerk_page.locator(".messages")).to_contain_text("Chuyển xử lý")
    steps.check(clerk_page, "clerk-assigned")

    # 5. The specialist asks for a supplement.
    specialist_page = staff_context(browser, live_server, specialist).new_page()
    specialist_page.goto(live_server.url + "/can-bo/?queue=assigned-to-me")
    steps.check(specialist_page, "specialist-console")
    specialist_page.get_by_role("link", name=code).click()
    act(specialist_page, "request_supplement", steps, "specialist-supplement")
    specialist_page.locator("#action-request_supplement").get_by_label(
        "Tờ khai yêu cầu cấp Phiếu"
    ).check()
    specialist_page.fill(
        "#id_request_supplement-reason", "Tờ khai chưa có chữ ký của người yêu cầu"
    )
    submit(specialist_page, "request_supplement")
    expect(specialist_page.locator(".state-line")).to_contain_text("Cần bổ sung")
    steps.check(specialist_page, "specialist-supplement-requested")
    assert (
        specialist_page.request.get(
            f"{live_server.url}/ho-so/{code}/phieu/mau-2.pdf"
        ).status
        == 200
    )

    # 6. The citizen uploads the signed form from "my dossiers".
    page.goto(f"{live_server.url}/ho-so-cua-toi/{code}/")
    expect(page.locator("main")).to_contain_text("chưa có chữ ký")
    steps.check(page, "citizen-asked-to-supplement")
    page.get_by_role("link", name="Bổ sung giấy tờ").click()
    page.set_input_files(
        f"#id_document_{documents[0].pk}",
        {
            "name": "to-khai-da-ky.pdf",
            "mimeType": "application/pdf",
            "buffer": PDF_BYTES,
        },
    )
    steps.check(page, "citizen-supplement")
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    expect(page.locator(".timeline")).to_contain_text("Đã bổ sung giấy tờ")
    steps.check(page, "citizen-supplemented")

    # 7. The specialist proposes the result.
    specialist_page.goto(live_server.url + "/can-bo/?queue=supplements-returned")
    specialist_page.get_by_role("link", name=code).click()
    expect(specialist_page.locator("body")).to_contain_text("to-khai-da-ky.pdf")
    act(specialist_page, "propose", steps, "specialist-propose")
    specialist_page.fill("#id_propose-number", "125/PLLTP-STP")
    specialist_page.fill("#id_propose-notes", "Đủ điều kiện cấp Phiếu")
    submit(specialist_page, "propose")
    expect(specialist_page.locator(".state-line")).to_contain_text("chờ lãnh đạo")
    steps.check(specialist_page, "specialist-proposed")

    # 8. The leader approves.
    leader_page = staff_context(browser, live_server, leader).new_page()
    leader_page.goto(live_server.url + "/can-bo/?queue=awaiting-approval")
    steps.check(leader_page, "leader-console")
    leader_page.get_by_role("link", name=code).click()
    act(leader_page, "approve", steps, "leader-approve")
    expect(leader_page.locator("#id_approve-number")).to_have_value("125/PLLTP-STP")
    submit(leader_page, "approve")
    expect(leader_page.locator(".state-line")).to_contain_text("Đã có kết quả")
    steps.check(leader_page, "leader-approved")

    # 9. The clerk returns the result at the counter.
    clerk_page.goto(live_server.url + "/can-bo/?queue=ready-to-return")
    clerk_page.get_by_role("link", name=code).click()
    act(clerk_page, "return_result", steps, "clerk-return")
    submit(clerk_page, "return_result")
    expect(clerk_page.locator(".state-line")).to_contain_text("Đã trả kết quả")
    steps.check(clerk_page, "clerk-returned")
    control = clerk_page.request.get(f"{live_server.url}/ho-so/{code}/phieu/mau-5.pdf")
    control_text = pdf_text(control.body())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control_text
    assert specialist.full_name in control_text

    # 10. The citizen sees "returned" and the timeline on their dossier's page.
    page.goto(f"{live_server.url}/ho-so-cua-toi/{code}/")
    expect(page.locator("main")).to_contain_text("Đã trả kết quả")
    timeline = page.locator(".timeline")
    for text in (
        "Bạn đã nộp hồ sơ trực tuyến.",
        "Đã bổ sung giấy tờ",
        "Kết quả đã được phê duyệt.",
        "Đã trả kết quả.",
    ):
        expect(timeline).to_contain_text(text)
    steps.check(page, "citizen-returned")
    assert Dossier.objects.get(code=code).state == Dossier.State.RETURNED
    # The owner may print their receipt (Mẫu 01), not the internal sheet (Mẫu 05).
    receipt = page.request.get(f"{live_server.url}/ho-so/{code}/phieu/mau-1.pdf")
    assert code in pdf_text(receipt.body())
    internal = page.request.get(f"{live_server.url}/ho-so/{code}/phieu/mau-5.pdf")
    assert internal.status == 404


def test_walk_in_intake_at_the_counter(
    live_server, browser: Browser, screenshot_dir, cast: Cast, tmp_path
):
    clerk, procedure = cast.clerk, cast.procedure
    steps = Steps(screenshot_dir)
    files = []
    for name, content in (("to-khai.pdf", PDF_BYTES), ("cccd.png", PNG_BYTES)):
        path = tmp_path / name
        path.write_bytes(content)
        files.append(path)

    page = staff_context(browser, live_server, clerk).new_page()
    page.goto(live_server.url + "/can-bo/")
    page.get_by_role("link", name="Tiếp nhận hồ sơ tại quầy").click()
    steps.check(page, "intake-start")

    # Keyboard first: phone, procedure search, Enter.
    page.locator("#id_phone").fill("0987 123 456")
    page.keyboard.press("Tab")
    page.keyboard.type("lý lịch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The list of matches takes the focus: choose with the keyboard, Tab, Enter.
    assert page.evaluate("document.activeElement.id") == "id_procedure"
    page.locator("#id_procedure").select_option(value=str(procedure.pk))
    page.keyboard.press("Tab")  # from the list to "Find"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("2\\."))).to_be_visible()
    expect(page.locator("#id_applicant_phone")).to_have_value("+84987123456")
    assert page.evaluate("document.activeElement.id") == "id_applicant_name"
    steps.check(page, "intake-form")

    documents = list(procedure.required_documents.order_by("position"))
    receive = page.get_by_role("button", name="Tiếp nhận và in giấy hẹn")

    # Without the mandatory scans the browser itself stops the submission.
    page.fill("#id_applicant_name", "Phạm Văn Đức")
    page.fill("#id_applicant_national_id", "022091000111")
    page.check("#id_consent")
    receive.click()
    first_file = page.locator(f"#id_document_{documents[0].pk}")
    assert first_file.evaluate("element => element.validity.valueMissing")
    assert not Dossier.objects.exists()

    # A wrong phone number: the server answers in Vietnamese and keeps the typing.
    page.fill("#id_applicant_phone", "12345")
    for document, path in zip(documents, files, strict=True):
        page.set_input_files(f"#id_document_{document.pk}", str(path))
    with page.expect_navigation():
        receive.click()
    expect(page.locator("#id_applicant_name")).to_have_value("Phạm Văn Đức")
    expect(page.locator("#id_applicant_phone_errors")).to_contain_text(
        "số điện thoại di động"
    )
    steps.check(page, "intake-errors")
    assert not Dossier.objects.exists()

    page.fill("#id_applicant_phone", "0987 123 456")
    for document, path in zip(documents, files, strict=True):
        page.set_input_files(f"#id_document_{document.pk}", str(path))
    with page.expect_navigation():
        receive.click()

    dossier = Dossier.objects.get(applicant_phone="+84987123456")
    assert dossier.state == Dossier.State.RECEIVED
    assert dossier.channel == Dossier.Channel.COUNTER
    assert dossier.attachments.count() == 2
    expect(page.get_by_role("heading", level=1)).to_contain_text(dossier.code)
    steps.check(page, "intake-receipt")
    text = print_receipt(page, live_server, dossier.code)
    assert "Phạm Văn Đức" in text
