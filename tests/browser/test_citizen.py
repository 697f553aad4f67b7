"""A citizen in a real browser at phone size: sign up, send a dossier with two files,
look it up without an account, and answer a supplement request.

Every page visited is checked with axe-core (no serious or critical violation) and
photographed under test-output/browser/<test name>/.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier, DossierState
from procedures.models import Procedure, RequiredDocument
from tests.accounts.factories import UserFactory
from tests.browser.a11y import serious_violations
from tests.conftest import AgencyTree
from tests.dossiers.factories import ProcedureFactory, RequiredDocumentFactory
from worktime.calendar import clear_calendar_cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hoa-Sen#2026-an-toan"


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A real RGB PNG: signature, IHDR, one IDAT of red pixels, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xa5\x0e\x24" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_bytes(text: str = "To khai") -> bytes:
    """A real one-page PDF with a text line and a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture(autouse=True)
def _media_and_calendar(tmp_path: Path):
    clear_calendar_cache()
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield
    clear_calendar_cache()


@pytest.fixture
def online_procedure(agencies: AgencyTree) -> Procedure:
    procedure = ProcedureFactory(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        competent_agency=agencies.justice,
        receiving_agencies=[agencies.centre],
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Tờ khai yêu cầu cấp Phiếu", position=1
    )
    RequiredDocumentFactory(
        procedure=procedure, name="Ảnh chụp căn cước công dân", position=2
    )
    return procedure


class Visit:
    """Screenshot and axe-check each step; remembers every violation it saw."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0
        self.violations: dict[str, list[str]] = {}

    def check(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(
            path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True
        )
        found = serious_violations(self.page)
        if found:
            self.violations[name] = found


def test_citizen_signs_up_and_submits_a_dossier_with_two_files(
    live_server, page: Page, screenshot_dir: Path, online_procedure: Procedure
):
    visit = Visit(page, screenshot_dir)
    procedure_url = f"{live_server.url}/procedures/{online_procedure.national_code}/"

    page.goto(procedure_url)
    page.get_by_role("link", name="Nộp trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visit.check("login-asked")

    page.goto(f"{live_server.url}/accounts/signup/")
    page.locator("input[name=full_name]").fill("Lê Thị Hoa")
    page.locator("input[name=phone]").fill("0912 345 678")
    page.locator("input[name=email]").fill("hoa@example.vn")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    visit.check("signup")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("link", name="Hồ sơ của tôi")).to_be_visible()

    page.goto(procedure_url)
    page.get_by_role("link", name="Nộp trực tuyến").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ai là người nộp hồ sơ?")
    expect(page.get_by_label("Họ và tên (hoặc tên tổ chức)")).to_have_value(
        "Lê Thị Hoa"
    )
    expect(page.get_by_label("Số điện thoại di động (bắt buộc)")).to_have_value(
        "0912345678"
    )
    page.get_by_label("Địa chỉ").fill("Số 5 Lê Thánh Tông, Hạ Long")
    visit.check("step1-details")
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tải lên giấy tờ")
    visit.check("step2-documents")
    # Continue with nothing chosen: the summary gets focus and names both documents.
    page.get_by_role("button", name="Tiếp tục").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tờ khai yêu cầu cấp Phiếu")
    expect(summary).to_contain_text("Ảnh chụp căn cước công dân")
    visit.check("step2-errors")

    documents = list(online_procedure.required_documents.order_by("position"))
    page.set_input_files(
        f"#id_document_{documents[0].pk}",
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
    )
    page.set_input_files(
        f"#id_document_{documents[1].pk}",
        {"name": "can-cuoc.png", "mimeType": "image/png", "buffer": png_bytes()},
    )
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kiểm tra lại hồ sơ rồi bấm nộp"
    )
    expect(page.locator("main")).to_contain_text("to-khai.pdf")
    expect(page.locator("main")).to_contain_text("can-cuoc.png")
    visit.check("step3-review")
    page.check("#id_consent")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bạn đã nộp hồ sơ thành công"
    )
    dossier = Dossier.objects.get()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.attachments.count() == 2
    expect(page.locator(".dossier-code")).to_have_text(dossier.code)
    expect(page.locator("main")).to_contain_text("SMS")
    visit.check("submitted")

    page.get_by_role("link", name="Xem hồ sơ").click()
    expect(page.locator(".timeline")).to_contain_text("Bạn đã nộp hồ sơ trực tuyến.")
    visit.check("detail")
    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    expect(page.locator(".dossier-list")).to_contain_text(dossier.code)
    visit.check("my-dossiers")

    assert visit.violations == {}


@pytest.fixture
def received_dossier(agencies: AgencyTree, online_procedure: Procedure):
    from io import BytesIO  # noqa: PLC0415

    owner = UserFactory(full_name="Phạm Văn Minh", password=PASSWORD)
    clerk = _clerk(agencies)
    uploads = [
        services.Upload(
            file=BytesIO(pdf_bytes() if i == 0 else png_bytes()),
            name=name,
            required_document=document,
        )
        for i, (document, name) in enumerate(
            zip(
                online_procedure.required_documents.order_by("position"),
                ("to-khai.pdf", "can-cuoc.png"),
                strict=True,
            )
        )
    ]
    dossier = services.dossier_create_draft(
        owner=owner,
        procedure=online_procedure,
        receiving_agency=agencies.centre,
        applicant=services.Applicant(name="Phạm Văn Minh", phone="0988 123 456"),
        uploads=uploads,
    )
    services.dossier_submit(dossier=dossier, actor=owner, consent=True)
    services.dossier_receive(dossier=dossier, actor=clerk)
    dossier.refresh_from_db()
    return dossier, owner, clerk


def _clerk(agencies: AgencyTree) -> User:
    from accounts.models import Membership  # noqa: PLC0415
    from tests.accounts.factories import MembershipFactory  # noqa: PLC0415

    return MembershipFactory(agency=agencies.centre, role=Membership.Role.CLERK).user


def test_public_lookup_by_code_and_phone(
    live_server, page: Page, screenshot_dir: Path, received_dossier, agencies
):
    dossier, _owner, _clerk_user = received_dossier
    visit = Visit(page, screenshot_dir)
    page.goto(live_server.url + "/")
    page.get_by_role("navigation").get_by_role("link", name="Tra cứu hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")
    visit.check("lookup-form")

    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("Số điện thoại di động đã khai trong hồ sơ").fill("0988000000")
    page.get_by_role("button", name="Tra cứu").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Không tìm thấy hồ sơ nào khớp")
    visit.check("lookup-not-found")

    # Keyboard only: Tab from the code to the phone, retype it, Enter submits.
    page.get_by_label("Mã hồ sơ").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "phone"
    page.keyboard.press("Control+A")
    page.keyboard.type("0988 123 456")
    page.keyboard.press("Enter")
    result = page.locator(".success-panel")
    expect(result).to_be_focused()
    expect(result).to_contain_text("Đã tiếp nhận")
    expect(result).to_contain_text(agencies.centre.name)
    expect(result).not_to_contain_text("Phạm Văn Minh")
    visit.check("lookup-found")

    assert visit.violations == {}


def test_citizen_answers_a_supplement_request(
    live_server, page: Page, screenshot_dir: Path, received_dossier
):
    dossier, owner, clerk = received_dossier
    form_document: RequiredDocument = dossier.procedure.required_documents.order_by(
        "position"
    ).first()
    services.dossier_request_supplement(
        dossier=dossier,
        actor=clerk,
        reason="Tờ khai chưa có chữ ký của người yêu cầu",
        documents=[form_document],
    )
    visit = Visit(page, screenshot_dir)

    page.goto(live_server.url + "/accounts/login/?next=/ho-so-cua-toi/")
    page.locator("input[name=login]").fill(owner.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    visit.check("my-dossiers")

    page.get_by_role("link", name="Bổ sung giấy tờ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bổ sung hồ sơ")
    expect(page.locator("main")).to_contain_text("chưa có chữ ký")
    visit.check("supplement-form")

    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    expect(page.locator(".error-summary")).to_be_focused()
    visit.check("supplement-missing")

    page.set_input_files(
        f"#id_document_{form_document.pk}",
        {
            "name": "to-khai-da-ky.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_bytes("Da ky"),
        },
    )
    page.get_by_label("Ghi chú gửi cán bộ (không bắt buộc)").fill("Đã ký bổ sung")
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()

    expect(page.locator(".messages")).to_contain_text("Giấy tờ bổ sung đã được gửi")
    expect(page.locator(".timeline")).to_contain_text(
        "Cơ quan yêu cầu bạn bổ sung hồ sơ."
    )
    expect(page.locator(".timeline")).to_contain_text("Đã bổ sung giấy tờ")
    expect(page.locator("main")).to_contain_text("to-khai-da-ky.pdf")
    visit.check("after-supplement")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED

    assert visit.violations == {}
