"""Citizen pages: online submission in three steps, my dossiers, a dossier's story,
supplement, withdrawal and the public lookup."""

from __future__ import annotations

import secrets

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.documents import private_storage
from dossiers.models import Dossier, DossierState, SupplementRequest
from dossiers.views.public import LookupPageCodeThrottle, LookupPageThrottle
from notifications.constants import SmsEvent, SmsStatus
from notifications.models import SmsMessage
from procedures.models import Procedure
from tests.dossiers.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    DossierFactory,
    ProcedureFactory,
)

pytestmark = pytest.mark.django_db
S = DossierState


def png(name: str = "giay-to.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def applicant_data(**overrides: str) -> dict[str, str]:
    data = {
        "applicant_type": "citizen",
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912 345 678",
        "applicant_national_id": "022090012345",
        "applicant_email": "an@example.vn",
        "applicant_address": "Hạ Long, Quảng Ninh",
        "summary": "",
        "submitter_name": "",
        "submitter_phone": "",
        "submitter_national_id": "",
        "continue": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def draft(citizen, procedure, agencies) -> Dossier:
    return services.dossier_create_draft(
        owner=citizen,
        procedure=procedure,
        receiving_agency=agencies.centre,
        applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
    )


def documents_url(dossier: Dossier) -> str:
    return reverse("dossiers:draft-documents", args=[dossier.pk])


def field(procedure: Procedure, *, mandatory: bool) -> str:
    return f"document_{procedure.required_documents.get(mandatory=mandatory).pk}"


# --- step 1 ----------------------------------------------------------------------


def test_procedure_page_offers_online_submission(client, procedure):
    response = client.get(reverse("procedures:detail", args=[procedure.national_code]))
    url = reverse("dossiers:submit", args=[procedure.national_code])
    assert f'href="{url}"' in response.content.decode()
    assert "Nộp trực tuyến" in response.content.decode()


def test_offline_procedure_has_no_online_form(citizen_client, agencies):
    offline = ProcedureFactory(
        competent_agency=agencies.justice, online_level=Procedure.OnlineLevel.NONE
    )
    page = citizen_client.get(
        reverse("procedures:detail", args=[offline.national_code])
    )
    assert reverse("dossiers:submit", args=[offline.national_code]) not in (
        page.content.decode()
    )
    response = citizen_client.get(
        reverse("dossiers:submit", args=[offline.national_code])
    )
    assert response.status_code == 404


def test_submission_needs_login_and_comes_back_after(client, procedure):
    url = reverse("dossiers:submit", args=[procedure.national_code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"]


def test_form_is_prefilled_from_the_profile(citizen_client, citizen, procedure):
    citizen.address = "12 Lê Thánh Tông, Hạ Long"
    citizen.save()
    response = citizen_client.get(
        reverse("dossiers:submit", args=[procedure.national_code])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nguyễn Văn An"' in html
    assert f'value="0{citizen.phone[3:]}"' in html
    assert 'value="022090012345"' in html
    assert "12 Lê Thánh Tông, Hạ Long" in html
    assert html.count("<h1") == 1
    assert "Bước 1/3" in html


def test_bad_details_are_explained_in_vietnamese_and_nothing_is_created(
    citizen_client, procedure
):
    response = citizen_client.post(
        reverse("dossiers:submit", args=[procedure.national_code]),
        applicant_data(applicant_phone="12345", applicant_name=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'href="#id_applicant_phone"' in html
    assert "Vui lòng nhập số điện thoại di động hợp lệ" in html
    assert "Nhập họ tên người nộp hồ sơ" in html
    assert 'aria-invalid="true"' in html
    assert not Dossier.objects.exists()


def test_wrong_id_number_for_a_citizen(citizen_client, procedure):
    response = citizen_client.post(
        reverse("dossiers:submit", args=[procedure.national_code]),
        applicant_data(applicant_national_id="123"),
    )
    assert response.status_code == 200
    assert "đúng 12 chữ số" in response.content.decode()


def test_submitter_details_need_a_name(citizen_client, procedure):
    response = citizen_client.post(
        reverse("dossiers:submit", args=[procedure.national_code]),
        applicant_data(submitter_phone="0987654321"),
    )
    assert response.status_code == 200
    assert 'href="#id_submitter_name"' in response.content.decode()


def test_valid_details_create_a_draft_and_lead_to_documents(
    citizen_client, citizen, procedure, agencies
):
    response = citizen_client.post(
        reverse("dossiers:submit", args=[procedure.national_code]),
        applicant_data(
            applicant_type="business",
            applicant_national_id="5701234567",
            submitter_name="Trần Văn Bình",
            submitter_phone="0987 654 321",
        ),
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == documents_url(dossier)
    assert dossier.state == S.DRAFT
    assert dossier.owner == citizen
    assert dossier.applicant_phone == "+84912345678"
    assert dossier.applicant_type == "business"
    assert dossier.submitter_phone == "+84987654321"
    assert dossier.receiving_agency == agencies.centre
    assert dossier.summary == procedure.name


def test_save_draft_from_step_one_goes_to_my_dossiers(citizen_client, procedure):
    data = applicant_data()
    del data["continue"]
    data["save_draft"] = "1"
    response = citizen_client.post(
        reverse("dossiers:submit", args=[procedure.national_code]), data, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dossiers:my-dossiers")
    assert "Đã lưu bản nháp" in html
    assert "Tiếp tục nộp hồ sơ" in html


def test_draft_details_can_be_changed(citizen_client, draft):
    url = reverse("dossiers:draft-details", args=[draft.pk])
    assert 'value="0912345678"' in citizen_client.get(url).content.decode()
    response = citizen_client.post(
        url, applicant_data(applicant_name="Nguyễn Thị Hoa", summary="Xin cấp phiếu")
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.applicant_name == "Nguyễn Thị Hoa"
    assert draft.summary == "Xin cấp phiếu"


def test_several_centres_let_the_applicant_choose(citizen_client, procedure, agencies):
    procedure.receiving_agencies.add(agencies.commune)
    url = reverse("dossiers:submit", args=[procedure.national_code])
    html = citizen_client.get(url).content.decode()
    assert "<select" in html
    assert agencies.commune.name in html
    citizen_client.post(url, applicant_data(receiving_agency=str(agencies.commune.pk)))
    assert Dossier.objects.get().receiving_agency == agencies.commune


# --- step 2 ----------------------------------------------------------------------


def test_documents_page_shows_each_document_template_and_flag(
    citizen_client, draft, procedure
):
    document = procedure.required_documents.get(mandatory=True)
    document.template = SimpleUploadedFile("mau-to-khai.pdf", PDF_BYTES)
    document.save()
    html = citizen_client.get(documents_url(draft)).content.decode()
    template_url = reverse(
        "procedures:document-template", args=[procedure.national_code, document.pk]
    )
    assert template_url in html
    assert "Bắt buộc" in html
    assert "Chỉ nộp nếu có" in html
    assert f'id="id_{field(procedure, mandatory=True)}"' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png' in html


def test_wrong_file_type_is_refused_while_the_good_file_is_kept(
    citizen_client, draft, procedure
):
    response = citizen_client.post(
        documents_url(draft),
        {
            field(procedure, mandatory=True): SimpleUploadedFile(
                "virus.png", b"MZ\x90\x00 not a document", content_type="image/png"
            ),
            field(procedure, mandatory=False): png("uy-quyen.png"),
            "continue": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉ chấp nhận tệp PDF, JPEG và PNG" in html
    assert f'href="#id_{field(procedure, mandatory=True)}"' in html
    assert draft.attachments.get().original_name == "uy-quyen.png"
    assert "uy-quyen.png" in html


@override_settings(UPLOAD_MAX_BYTES=50)
def test_oversized_file_is_refused_with_the_limit_and_nothing_is_lost(
    citizen_client, draft, procedure
):
    citizen_client.post(
        documents_url(draft),
        {
            field(procedure, mandatory=False): SimpleUploadedFile(
                "a.pdf", b"%PDF-1.4\n%%EOF\n"
            )
        },
    )
    response = citizen_client.post(
        documents_url(draft),
        {field(procedure, mandatory=True): pdf("lon.pdf"), "continue": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tệp vượt quá dung lượng cho phép" in html
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["a.pdf"]
    assert "a.pdf" in html


def test_continue_without_a_mandatory_document_is_refused(
    citizen_client, draft, procedure
):
    response = citizen_client.post(documents_url(draft), {"continue": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giấy tờ này là bắt buộc" in html
    assert f'href="#id_{field(procedure, mandatory=True)}"' in html


def test_upload_then_review_then_submit(citizen_client, draft, procedure, agencies):
    response = citizen_client.post(
        documents_url(draft),
        {
            field(procedure, mandatory=True): pdf(),
            field(procedure, mandatory=False): png(),
            "document_other": SimpleUploadedFile("anh.jpg", JPEG_BYTES),
            "continue": "1",
        },
    )
    review_url = reverse("dossiers:draft-review", args=[draft.pk])
    assert response["Location"] == review_url
    assert draft.attachments.count() == 3
    review = citizen_client.get(review_url).content.decode()
    assert "to-khai.pdf" in review
    assert "0912\u00a0345\u00a0678" in review
    assert agencies.centre.name in review

    refused = citizen_client.post(review_url)  # consent not ticked
    assert refused["Location"] == review_url
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert "đồng ý" in citizen_client.get(review_url).content.decode()

    response = citizen_client.post(review_url, {"consent": "1"})
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert draft.consents.get().user == draft.owner
    assert draft.code
    assert response["Location"] == reverse("dossiers:submitted", args=[draft.code])
    done = citizen_client.get(response["Location"]).content.decode()
    assert draft.code in done
    assert "SMS" in done
    assert agencies.centre.name in done
    assert "10 ngày làm việc" in done


def test_review_sends_back_to_documents_when_a_mandatory_one_is_missing(
    citizen_client, draft
):
    response = citizen_client.get(reverse("dossiers:draft-review", args=[draft.pk]))
    assert response["Location"] == documents_url(draft)
    response = citizen_client.post(reverse("dossiers:draft-review", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_a_wrong_file_can_be_removed_from_a_draft(
    citizen_client, draft, procedure, django_capture_on_commit_callbacks
):
    citizen_client.post(documents_url(draft), {field(procedure, mandatory=True): pdf()})
    attachment = draft.attachments.get()
    assert private_storage().exists(attachment.storage_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(documents_url(draft), {"remove": attachment.pk})
    assert response.status_code == 302
    assert not draft.attachments.exists()
    assert not private_storage().exists(attachment.storage_name)


def test_files_chosen_when_removing_another_are_kept(citizen_client, draft, procedure):
    citizen_client.post(documents_url(draft), {field(procedure, mandatory=True): pdf()})
    old = draft.attachments.get()
    citizen_client.post(
        documents_url(draft),
        {"remove": old.pk, field(procedure, mandatory=False): png()},
    )
    assert list(draft.attachments.values_list("original_name", flat=True)) == [
        "giay-to.png"
    ]


def test_other_peoples_drafts_are_not_found(client, other_citizen, draft):
    client.force_login(other_citizen)
    for name in ("draft-details", "draft-documents", "draft-review"):
        assert (
            client.get(reverse(f"dossiers:{name}", args=[draft.pk])).status_code == 404
        )
    response = client.post(documents_url(draft), {"remove": "1"})
    assert response.status_code == 404


def test_a_sent_dossier_is_no_longer_a_draft(citizen_client, make_dossier):
    dossier = make_dossier(submitted=True)
    assert citizen_client.get(documents_url(dossier)).status_code == 404


# --- my dossiers -----------------------------------------------------------------


def test_my_dossiers_lists_only_mine_in_plain_words(
    citizen_client, make_dossier, other_citizen, procedure
):
    received = make_dossier(received=True)
    make_dossier()  # a draft
    overdue = make_dossier(
        received=True, deadline_status=Dossier.DeadlineStatus.OVERDUE
    )
    theirs = DossierFactory(procedure=procedure, owner=other_citizen, received=True)
    html = citizen_client.get(reverse("dossiers:my-dossiers")).content.decode()
    assert received.code in html
    assert overdue.code in html
    assert theirs.code not in html
    assert "Đã tiếp nhận" in html
    assert "Quá hạn" in html
    assert "Tiếp tục nộp hồ sơ" in html
    assert (
        timezone.localtime(received.appointment_at).strftime("%d/%m/%Y %H:%M") in html
    )


def test_my_dossiers_query_count_does_not_grow(
    citizen_client, make_dossier, django_assert_num_queries
):
    for _ in range(3):
        make_dossier(received=True)
    url = reverse("dossiers:my-dossiers")
    # One more than the list itself needs: the nav asks whether the user is staff.
    with django_assert_num_queries(5):
        citizen_client.get(url)
    for _ in range(5):
        make_dossier(submitted=True)
    with django_assert_num_queries(5):
        response = citizen_client.get(url)
    assert response.status_code == 200


def test_empty_list_points_to_the_catalogue(citizen_client):
    html = citizen_client.get(reverse("dossiers:my-dossiers")).content.decode()
    assert "Bạn chưa có hồ sơ nào" in html
    assert reverse("procedures:catalogue") in html


def test_my_dossiers_needs_login(client):
    response = client.get(reverse("dossiers:my-dossiers"))
    assert response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def received_dossier(citizen, clerk, procedure, agencies, mandatory_document):
    dossier = services.dossier_create_draft(
        owner=citizen,
        procedure=procedure,
        receiving_agency=agencies.centre,
        applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        uploads=[
            services.Upload(
                file=pdf(), name="to-khai.pdf", required_document=mandatory_document
            )
        ],
    )
    services.dossier_submit(dossier=dossier, actor=citizen, consent=True)
    return services.dossier_receive(dossier=dossier, actor=clerk)


def test_detail_tells_the_story_in_plain_words(citizen_client, received_dossier):
    dossier = received_dossier
    SmsMessage.objects.create(
        phone=dossier.applicant_phone,
        body="Ho so da duoc tiep nhan",
        event=SmsEvent.RECEIVED,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        idempotency_key=f"received-{dossier.pk}",
        status=SmsStatus.DELIVERED,
        queued_at=timezone.now(),
        next_attempt_at=timezone.now(),
        sent_at=timezone.now(),
        delivered_at=timezone.now(),
    )
    response = citizen_client.get(reverse("dossiers:my-dossier", args=[dossier.code]))
    html = response.content.decode()
    event = dossier.events.get(action="receive")
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Bạn đã nộp hồ sơ trực tuyến." in html
    assert "Bộ phận một cửa đã kiểm tra và tiếp nhận hồ sơ của bạn." in html
    assert timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M") in html
    attachment = dossier.attachments.get()
    assert reverse("api-dossier-document", args=[dossier.code, attachment.pk]) in html
    assert "Đã đến máy" in html  # SMS delivered
    assert timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y") in html
    # After receipt the owner may not withdraw alone: say so, offer no button.
    assert reverse("dossiers:withdraw", args=[dossier.code]) not in html
    assert "không thể rút trực tuyến" in html


def test_attachment_download_works_for_the_owner_only(
    citizen_client, client, received_dossier, stranger
):
    attachment = received_dossier.attachments.get()
    url = reverse("api-dossier-document", args=[received_dossier.code, attachment.pk])
    response = citizen_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_detail_query_count_is_fixed(
    citizen_client, received_dossier, django_assert_num_queries
):
    url = reverse("dossiers:my-dossier", args=[received_dossier.code])
    with django_assert_num_queries(
        10
    ):  # slips (+1) and the staff access log (+1) (none yet)
        citizen_client.get(url)
    AttachmentFactory(dossier=received_dossier)
    AttachmentFactory(dossier=received_dossier)
    with django_assert_num_queries(10):
        response = citizen_client.get(url)
    assert response.status_code == 200


def test_other_peoples_dossiers_are_not_found(client, stranger, clerk, make_dossier):
    dossier = make_dossier(supplement_requested=True)
    for user in (stranger, clerk):
        client.force_login(user)
        for name in ("my-dossier", "submitted", "supplement", "withdraw"):
            url = reverse(f"dossiers:{name}", args=[dossier.code])
            assert client.get(url).status_code == 404, (user, name)
        response = client.post(
            reverse("dossiers:withdraw", args=[dossier.code]), {"reason": "x"}
        )
        assert response.status_code == 404


def test_ready_result_can_be_downloaded(citizen_client, citizen, make_dossier):
    dossier = make_dossier(ready=True)
    attachment = AttachmentFactory(dossier=dossier, original_name="ket-qua.pdf")
    dossier.result.file = attachment
    dossier.result.save()
    html = citizen_client.get(
        reverse("dossiers:my-dossier", args=[dossier.code])
    ).content.decode()
    assert "Tải kết quả về" in html
    assert reverse("api-dossier-document", args=[dossier.code, attachment.pk]) in html


def test_returned_dossier_page_renders_without_the_rating_app(
    citizen_client, make_dossier
):
    dossier = make_dossier(returned=True)
    response = citizen_client.get(reverse("dossiers:my-dossier", args=[dossier.code]))
    assert response.status_code == 200
    assert "Đã trả kết quả" in response.content.decode()


# --- supplement ------------------------------------------------------------------


@pytest.fixture
def supplement_dossier(received_dossier, clerk, mandatory_document):
    services.dossier_request_supplement(
        dossier=received_dossier,
        actor=clerk,
        reason="Tờ khai chưa có chữ ký",
        documents=[mandatory_document],
    )
    received_dossier.refresh_from_db()
    return received_dossier


def test_supplement_page_shows_what_is_asked(citizen_client, supplement_dossier):
    url = reverse("dossiers:supplement", args=[supplement_dossier.code])
    html = citizen_client.get(url).content.decode()
    assert "Tờ khai chưa có chữ ký" in html
    assert "Tờ khai" in html
    detail = citizen_client.get(
        reverse("dossiers:my-dossier", args=[supplement_dossier.code])
    ).content.decode()
    assert url in detail


def test_supplement_without_the_requested_file_is_refused(
    citizen_client, supplement_dossier, mandatory_document
):
    url = reverse("dossiers:supplement", args=[supplement_dossier.code])
    response = citizen_client.post(url, {"note": ""})
    supplement_dossier.refresh_from_db()
    assert response.status_code == 200
    assert "Giấy tờ này đã được yêu cầu" in response.content.decode()
    assert supplement_dossier.state == S.SUPPLEMENT_REQUESTED


def test_supplement_wrong_type_keeps_other_files(
    citizen_client, supplement_dossier, mandatory_document
):
    url = reverse("dossiers:supplement", args=[supplement_dossier.code])
    response = citizen_client.post(
        url,
        {
            f"document_{mandatory_document.pk}": SimpleUploadedFile(
                "a.txt", b"plain text"
            ),
            "document_other": png("them.png"),
        },
    )
    assert response.status_code == 200
    assert "Chỉ chấp nhận tệp PDF, JPEG và PNG" in response.content.decode()
    assert supplement_dossier.attachments.filter(original_name="them.png").exists()


def test_supplement_with_the_file_resumes_processing(
    citizen_client, supplement_dossier, mandatory_document
):
    url = reverse("dossiers:supplement", args=[supplement_dossier.code])
    response = citizen_client.post(
        url,
        {
            f"document_{mandatory_document.pk}": pdf("to-khai-da-ky.pdf"),
            "note": "Đã ký",
        },
    )
    supplement_dossier.refresh_from_db()
    assert response["Location"] == reverse(
        "dossiers:my-dossier", args=[supplement_dossier.code]
    )
    assert supplement_dossier.state == S.RECEIVED
    assert SupplementRequest.objects.get().fulfilled_at is not None
    assert supplement_dossier.attachments.filter(
        original_name="to-khai-da-ky.pdf"
    ).exists()


def test_supplement_page_when_nothing_is_asked(citizen_client, received_dossier):
    response = citizen_client.get(
        reverse("dossiers:supplement", args=[received_dossier.code])
    )
    assert response["Location"] == reverse(
        "dossiers:my-dossier", args=[received_dossier.code]
    )


# --- withdrawal ------------------------------------------------------------------


def test_withdraw_before_receipt(citizen_client, citizen, make_dossier):
    dossier = make_dossier(submitted=True)
    detail = citizen_client.get(reverse("dossiers:my-dossier", args=[dossier.code]))
    url = reverse("dossiers:withdraw", args=[dossier.code])
    assert url in detail.content.decode()
    response = citizen_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Hãy ghi ngắn gọn lý do" in response.content.decode()
    response = citizen_client.post(url, {"reason": "Tôi nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert response.status_code == 302
    assert dossier.state == S.WITHDRAWN
    assert dossier.events.get(action="withdraw").reason == "Tôi nộp nhầm thủ tục"


def test_withdraw_after_receipt_is_explained_not_done(citizen_client, received_dossier):
    url = reverse("dossiers:withdraw", args=[received_dossier.code])
    page = citizen_client.get(url)
    assert page.status_code == 200
    assert "không thể rút trực tuyến" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    response = citizen_client.post(url, {"reason": "Không cần nữa"})
    received_dossier.refresh_from_db()
    assert response.status_code == 409
    assert received_dossier.state == S.RECEIVED


# --- public lookup ---------------------------------------------------------------


@pytest.fixture
def lookup_client(client):
    address = (
        f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    )
    client.defaults["REMOTE_ADDR"] = address
    yield client
    cache.delete(f"throttle_lookup_{address}")


def test_lookup_shows_state_appointment_and_agency_only(
    lookup_client, received_dossier, agencies
):
    url = reverse("dossiers:lookup")
    assert lookup_client.get(url).status_code == 200
    response = lookup_client.post(
        url, {"code": received_dossier.code, "phone": "0912 345 678"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã tiếp nhận" in html
    assert agencies.centre.name in html
    assert (
        timezone.localtime(received_dossier.appointment_at).strftime("%d/%m/%Y %H:%M")
        in html
    )
    assert "Nguyễn Văn An" not in html
    assert "to-khai.pdf" not in html


def test_lookup_gives_no_hint_which_part_is_wrong(lookup_client, received_dossier):
    url = reverse("dossiers:lookup")
    wrong_phone = lookup_client.post(
        url, {"code": received_dossier.code, "phone": "0987654321"}
    )
    wrong_code = lookup_client.post(
        url, {"code": received_dossier.code + "9", "phone": "0912345678"}
    )
    message = "Không tìm thấy hồ sơ nào khớp với mã và số điện thoại này"
    assert message in wrong_phone.content.decode()
    assert message in wrong_code.content.decode()
    assert wrong_phone.status_code == wrong_code.status_code == 200
    assert received_dossier.code + "9" in wrong_code.content.decode()  # kept input
    assert "Đã tiếp nhận" not in wrong_phone.content.decode()


def test_lookup_asks_for_both_fields(lookup_client):
    response = lookup_client.post(reverse("dossiers:lookup"), {"code": "", "phone": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nhập mã hồ sơ" in html
    assert 'href="#id_phone"' in html


def test_lookup_is_throttled_with_the_api_bucket(
    lookup_client, received_dossier, monkeypatch
):
    monkeypatch.setattr(LookupPageThrottle, "THROTTLE_RATES", {"lookup": "3/min"})
    url = reverse("dossiers:lookup")
    data = {"code": received_dossier.code, "phone": "0912345678"}
    for _ in range(3):
        assert lookup_client.post(url, data).status_code == 200
    response = lookup_client.post(url, data)
    assert response.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "Đã tiếp nhận" not in response.content.decode()


def test_page_and_api_share_one_lookup_allowance(
    lookup_client, received_dossier, monkeypatch
):
    from rest_framework.throttling import ScopedRateThrottle  # noqa: PLC0415

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"lookup": "2/min"})
    monkeypatch.setattr(LookupPageThrottle, "THROTTLE_RATES", {"lookup": "2/min"})
    api = reverse("api-lookup")
    query = {"code": received_dossier.code, "phone": "0912345678"}
    assert lookup_client.get(api, query).status_code == 200
    assert lookup_client.get(api, query).status_code == 200
    assert lookup_client.post(reverse("dossiers:lookup"), query).status_code == 429


def test_lookup_of_a_draft_finds_nothing(lookup_client, make_dossier):
    draft = make_dossier(code="DRAFT-CODE")
    response = lookup_client.post(
        reverse("dossiers:lookup"),
        {"code": "DRAFT-CODE", "phone": draft.applicant_phone},
    )
    assert "Không tìm thấy hồ sơ nào" in response.content.decode()


def test_nav_links(citizen_client):
    html = Client().get("/").content.decode()
    assert reverse("dossiers:lookup") in html
    assert reverse("dossiers:my-dossiers") not in html
    assert reverse("dossiers:my-dossiers") in citizen_client.get("/").content.decode()


def test_lookup_link_from_the_receipt_prefills_only_the_code(lookup_client):
    html = lookup_client.get(
        reverse("dossiers:lookup") + "?code=000.00.01.H49-261130-0007"
    ).content.decode()
    assert 'value="000.00.01.H49-261130-0007"' in html
    assert "Trạng thái" not in html


def test_starting_again_offers_the_earlier_draft(citizen_client, draft, procedure):
    html = citizen_client.get(
        reverse("dossiers:submit", args=[procedure.national_code])
    ).content.decode()
    assert documents_url(draft) in html
    assert "Bạn đã bắt đầu nộp hồ sơ này" in html


def test_returned_dossier_offers_the_rating_link(citizen_client, make_dossier):
    returned = make_dossier(returned=True)
    ready = make_dossier(ready=True)
    html = citizen_client.get(
        reverse("dossiers:my-dossier", args=[returned.code])
    ).content.decode()
    assert reverse("feedback:rate_dossier", args=[returned.code]) in html
    assert "Đánh giá mức độ hài lòng" in html
    html = citizen_client.get(
        reverse("dossiers:my-dossier", args=[ready.code])
    ).content.decode()
    assert "Đánh giá mức độ hài lòng" not in html


def test_pages_read_in_english_when_chosen(citizen_client, make_dossier):
    dossier = make_dossier(received=True)
    citizen_client.cookies["portal_language"] = "en"
    listing = citizen_client.get(reverse("dossiers:my-dossiers")).content.decode()
    assert "<h1>My dossiers</h1>" in listing
    assert "Received" in listing
    detail = citizen_client.get(
        reverse("dossiers:my-dossier", args=[dossier.code])
    ).content.decode()
    assert "What has happened" in detail
    lookup = citizen_client.get(reverse("dossiers:lookup")).content.decode()
    assert "<h1>Look up a dossier</h1>" in lookup


def test_detail_query_count_does_not_grow_with_events_and_requests(
    citizen_client, supplement_dossier, clerk, django_assert_num_queries
):
    url = reverse("dossiers:my-dossier", args=[supplement_dossier.code])
    with django_assert_num_queries(11):  # slips (+1) and the staff access log (+1)
        citizen_client.get(url)
    services.dossier_supplement(dossier=supplement_dossier, actor=clerk)
    services.dossier_request_supplement(
        dossier=supplement_dossier, actor=clerk, reason="Thiếu ảnh", items_text="Ảnh"
    )
    with django_assert_num_queries(11):
        response = citizen_client.get(url)
    assert "Thiếu ảnh" in response.content.decode()


def test_lookup_forgives_lower_case_and_spaces_in_the_code(
    lookup_client, received_dossier
):
    typed = received_dossier.code.lower().replace("-", " - ")
    response = lookup_client.post(
        reverse("dossiers:lookup"), {"code": typed, "phone": "0912345678"}
    )
    assert "Đã tiếp nhận" in response.content.decode()


def test_a_draft_can_be_deleted_with_its_files(
    citizen_client, draft, procedure, django_capture_on_commit_callbacks
):
    citizen_client.post(documents_url(draft), {field(procedure, mandatory=True): pdf()})
    storage_name = draft.attachments.get().storage_name
    url = reverse("dossiers:draft-delete", args=[draft.pk])
    assert url in citizen_client.get(reverse("dossiers:my-dossiers")).content.decode()
    page = citizen_client.get(url).content.decode()
    assert "Xóa bản nháp này?" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(url)
    assert response["Location"] == reverse("dossiers:my-dossiers")
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not private_storage().exists(storage_name)


def test_only_own_drafts_can_be_deleted(client, other_citizen, draft, make_dossier):
    client.force_login(other_citizen)
    assert (
        client.post(reverse("dossiers:draft-delete", args=[draft.pk])).status_code
        == 404
    )
    assert Dossier.objects.filter(pk=draft.pk).exists()
    sent = make_dossier(submitted=True)
    client.force_login(sent.owner)
    url = reverse("dossiers:draft-delete", args=[sent.pk])
    assert client.post(url).status_code == 404
    sent.refresh_from_db()
    assert sent.state == S.SUBMITTED


def test_owner_downloads_the_receipt_from_the_dossier_page(
    citizen_client, received_dossier
):
    page = citizen_client.get(
        reverse("dossiers:my-dossier", args=[received_dossier.code])
    ).content.decode()
    receipt_url = reverse("dossiers:slip", args=[received_dossier.code, 1])
    assert receipt_url in page
    assert reverse("dossiers:slip", args=[received_dossier.code, 3]) not in page
    response = citizen_client.get(receipt_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_one_code_cannot_be_guessed_from_many_addresses(
    lookup_client, received_dossier, monkeypatch
):
    monkeypatch.setattr(
        LookupPageCodeThrottle, "THROTTLE_RATES", {"lookup_code": "3/hour"}
    )
    url = reverse("dossiers:lookup")
    for i in range(3):
        response = lookup_client.post(
            url,
            {"code": received_dossier.code, "phone": f"091234{i:04d}"},
            REMOTE_ADDR=f"203.0.113.{i + 1}",
        )
        assert response.status_code == 200
    blocked = lookup_client.post(
        url,
        {"code": received_dossier.code, "phone": "0912345678"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert blocked.status_code == 429
    assert "Đã tiếp nhận" not in blocked.content.decode()
