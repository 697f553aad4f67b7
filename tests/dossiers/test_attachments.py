"""Documents are checked by content, stored privately and served only to viewers."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from dossiers import services
from dossiers.documents import private_storage
from dossiers.exceptions import DossierValidationError, UploadTooLargeError
from dossiers.models import Attachment
from dossiers.services import Upload
from tests.dossiers.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def attach(dossier, actor, data: bytes, name: str, document=None) -> Attachment:
    return services.dossier_attach_document(
        dossier=dossier,
        actor=actor,
        upload=Upload(file=io.BytesIO(data), name=name, required_document=document),
    )


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (PDF_BYTES, "application/pdf", "pdf"),
        (JPEG_BYTES, "image/jpeg", "jpg"),
        (PNG_BYTES, "image/png", "png"),
    ],
)
def test_accepted_types_are_stored_privately(
    make_dossier, citizen, data, content_type, extension
):
    dossier = make_dossier()
    attachment = attach(dossier, citizen, data, f"giấy tờ.{extension}")
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    assert attachment.original_name == f"giấy tờ.{extension}"
    path = private_storage().path(attachment.storage_name)
    assert str(path).startswith(str(settings.MEDIA_ROOT / "private"))
    assert attachment.storage_name.endswith(f".{extension}")
    assert "giấy" not in attachment.storage_name  # random name, not the user's
    with open(path, "rb") as stored:
        assert stored.read() == data


def test_png_renamed_pdf_is_stored_as_png(make_dossier, citizen):
    attachment = attach(make_dossier(), citizen, PNG_BYTES, "hop-dong.pdf")
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "hop-dong.png"


@pytest.mark.parametrize(
    "data",
    [
        b"#!/bin/sh\nrm -rf /\n",
        b"<script>alert(1)</script>",
        b"MZ\x90\x00" + b"\x00" * 100,
        b"GIF89a" + b"\x00" * 50,
        b"%PDX-not really",
    ],
)
def test_other_content_renamed_pdf_is_refused(make_dossier, citizen, data):
    dossier = make_dossier()
    with pytest.raises(DossierValidationError) as error:
        attach(dossier, citizen, data, "to-khai.pdf")
    assert "PDF" in error.value.errors["file"][0]
    assert not Attachment.objects.exists()


def test_oversized_file_is_refused(make_dossier, citizen):
    with override_settings(UPLOAD_MAX_BYTES=1024), pytest.raises(UploadTooLargeError):
        attach(make_dossier(), citizen, PDF_BYTES + b"0" * 2048, "big.pdf")
    assert not Attachment.objects.exists()


def test_path_tricks_in_the_name_are_refused(make_dossier, citizen):
    with pytest.raises(DossierValidationError):
        attach(make_dossier(), citizen, PDF_BYTES, "../../etc/passwd\x00.pdf")
    assert not Attachment.objects.exists()


def test_document_of_another_procedure_is_refused(make_dossier, citizen):
    from tests.dossiers.factories import RequiredDocumentFactory  # noqa: PLC0415

    foreign = RequiredDocumentFactory()
    with pytest.raises(DossierValidationError):
        attach(make_dossier(), citizen, PDF_BYTES, "a.pdf", document=foreign)


def test_download_checks_permission_and_is_never_public(make_dossier, actors):
    dossier = make_dossier(submitted=True)
    attachment = attach(dossier, actors.clerk, PDF_BYTES, "to-khai.pdf")
    url = f"/api/v1/dossiers/{dossier.code}/documents/{attachment.pk}/"
    assert settings.MEDIA_URL not in private_storage().path(attachment.storage_name)
    for role, expected in [
        ("owner", 200),
        ("clerk", 200),
        ("specialist", 200),
        ("stranger", 404),
        ("other_clerk", 404),
        ("other_specialist", 404),
    ]:
        client = APIClient()
        client.force_authenticate(actors.get(role))
        response = client.get(url)
        assert response.status_code == expected, role
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Type"] == "application/pdf"
    anonymous = APIClient().get(url)
    assert anonymous.status_code in (401, 403)


def test_api_upload_oversized_gives_413_and_saves_nothing(make_dossier, citizen):
    dossier = make_dossier()
    client = APIClient()
    client.force_authenticate(citizen)
    with override_settings(UPLOAD_MAX_BYTES=1024):
        response = client.post(
            f"/api/v1/dossiers/{dossier.pk}/documents/",
            {"file": SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 4096)},
            format="multipart",
        )
    assert response.status_code == 413
    assert "file" in response.json()
    assert not Attachment.objects.exists()


def test_api_upload_of_a_script_gives_400(make_dossier, citizen):
    dossier = make_dossier()
    client = APIClient()
    client.force_authenticate(citizen)
    response = client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents/",
        {"file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_documents_cannot_be_added_once_processing_started(
    make_dossier, citizen, clerk
):
    dossier = make_dossier(appraising=True)
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/documents/",
        {"file": SimpleUploadedFile("x.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 409


def test_only_the_owner_adds_documents_to_a_draft(make_dossier, actors):
    from dossiers.exceptions import DossierPermissionError  # noqa: PLC0415

    draft = make_dossier()
    for role in ("clerk", "specialist", "stranger"):
        with pytest.raises(DossierPermissionError):
            attach(draft, actors.get(role), PDF_BYTES, "a.pdf")
    assert not Attachment.objects.filter(dossier=draft).exists()
