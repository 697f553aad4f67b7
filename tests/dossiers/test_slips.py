"""The printable slips (Mẫu 01-05): real PDFs, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from dossiers import services, slips
from dossiers.models import Dossier
from tests.dossiers.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def read(content: bytes) -> tuple[PdfReader, str]:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Compare in NFC and without line-wrapping artefacts.
    return reader, unicodedata.normalize("NFC", " ".join(text.split()))


def upload(document=None) -> services.Upload:
    return services.Upload(
        file=io.BytesIO(PDF_BYTES), name="to-khai.pdf", required_document=document
    )


@pytest.fixture
def received(actors, procedure, mandatory_document, agencies) -> Dossier:
    return services.dossier_intake(
        consent=True,
        actor=actors.clerk,
        procedure=procedure,
        receiving_agency=agencies.centre,
        applicant=services.Applicant(
            name="Nguyễn Thị Hường",
            phone="0912 345 678",
            national_id="022090012345",
            address="Số 5 phố Trần Hưng Đạo, phường Hồng Gai",
        ),
        owner=actors.owner,
        uploads=[upload(mandatory_document)],
    )


def test_form_01_receipt_has_the_code_vietnamese_text_and_the_lookup_qr(received):
    content = slips.render_slip(dossier=received, form=1)
    reader, text = read(content)
    assert len(reader.pages) == 2  # Liên 1 and Liên 2
    assert received.code in text
    assert NATIONAL in text
    assert MOTTO in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hường" in text
    assert "Số 5 phố Trần Hưng Đạo, phường Hồng Gai" in text
    assert "Tờ khai" in text
    assert "Mã hồ sơ" in text
    assert "Thời gian trả kết quả" in text
    assert "ngày làm việc" in text
    url = slips.lookup_url(received)
    assert url.endswith(f"/tra-cuu/?code={received.code}")  # the public lookup page
    assert url in text
    assert reader.metadata is not None
    assert reader.metadata.subject == url
    assert received.code in (reader.metadata.title or "")


def test_form_01_embeds_the_font(received):
    reader, _text = read(slips.render_slip(dossier=received, form=1))
    resources: Any = reader.pages[0]["/Resources"]
    fonts = [f.get_object() for f in resources["/Font"].values()]
    truetype = [font for font in fonts if font["/Subtype"] == "/TrueType"]
    assert truetype
    for font in truetype:
        assert "DejaVu" in font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # embedded
        assert "/ToUnicode" in font  # text can be copied and searched


@override_settings(PORTAL_BASE_URL="https://dichvucong.example.vn")
def test_qr_points_to_the_public_lookup(received):
    assert slips.lookup_url(received).startswith("https://dichvucong.example.vn/")
    image = slips._qr_image(slips.lookup_url(received), 30)
    assert image is not None


def test_form_02_lists_items_and_reason(received, actors, mandatory_document):
    services.dossier_request_supplement(
        dossier=received,
        actor=actors.clerk,
        reason="Tờ khai thiếu chữ ký của người yêu cầu",
        documents=[mandatory_document],
        items_text="Bản sao căn cước có chứng thực",
    )
    _reader, text = read(slips.render_slip(dossier=received, form=2))
    assert f"{received.code}/HDHS" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Tờ khai thiếu chữ ký của người yêu cầu" in text
    assert "Bản sao căn cước có chứng thực" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_form_03_refusal_with_reason(actors, make_dossier):
    dossier = make_dossier(submitted=True)
    with pytest.raises(slips.SlipNotAvailableError):
        slips.render_slip(dossier=dossier, form=3)
    services.dossier_refuse(
        dossier=dossier, actor=actors.clerk, reason="Hồ sơ không thuộc thẩm quyền"
    )
    dossier.refresh_from_db()
    _reader, text = read(slips.render_slip(dossier=dossier, form=3))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Hồ sơ không thuộc thẩm quyền" in text
    assert dossier.code in text


def test_form_04_apology_with_old_and_new_dates(received, actors):
    services.dossier_assign(
        dossier=received, actor=actors.clerk, specialist=actors.specialist
    )
    received.refresh_from_db()
    old = received.appointment_at
    assert old is not None
    new = old + dt.timedelta(days=7)
    services.dossier_apologize(
        dossier=received,
        actor=actors.specialist,
        reason="Chờ xác minh của cơ quan công an",
        new_appointment=new,
    )
    _reader, text = read(slips.render_slip(dossier=received, form=4))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Chờ xác minh của cơ quan công an" in text
    assert slips.moment(old) in text
    assert slips.moment(new) in text
    assert "Sở Tư pháp" in text  # the unit at fault


def test_form_05_control_sheet_has_a_row_per_event(received, actors):
    services.dossier_assign(
        dossier=received, actor=actors.clerk, specialist=actors.specialist
    )
    services.dossier_propose(dossier=received, actor=actors.specialist, number="7/QĐ")
    _reader, text = read(slips.render_slip(dossier=received, form=5))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert received.code in text
    assert "Giao" in text
    assert "Nhận" in text
    assert actors.specialist.full_name in text
    assert actors.clerk.full_name in text
    assert "Sở Tư pháp" in text
    assert "Đúng hạn" in text or "Trước hạn" in text  # the finished steps
    assert text.count("giờ") >= 3  # a time per event


def test_slip_view_serves_inline_pdf_to_staff(client, actors, received):
    client.force_login(actors.clerk)
    response = client.get(reverse("dossiers:slip", args=[received.code, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    _reader, text = read(response.content)
    assert received.code in text


def test_slip_not_available_is_404(client, actors, received):
    client.force_login(actors.clerk)
    for form in (2, 3, 4, 9):
        url = reverse("dossiers:slip", args=[received.code, form])
        assert client.get(url).status_code == 404, form
