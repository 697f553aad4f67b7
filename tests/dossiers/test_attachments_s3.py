"""With ATTACHMENT_STORAGE=s3, documents go to a private bucket of an S3-compatible
server (moto in server mode, over a real socket) and still come back only through the
permission-checked download view: no bucket URL ever reaches a client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from dossiers.models import Attachment
from tests.dossiers.factories import PDF_BYTES

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BUCKET = "portal-dossiers"
S3_ENV = {
    "ATTACHMENT_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": BUCKET,
    "AWS_S3_REGION_NAME": "ap-southeast-1",
    "AWS_S3_ACCESS_KEY_ID": "portal-test-key",
    "AWS_S3_SECRET_ACCESS_KEY": "portal-test-secret",
}


@dataclass
class S3Server:
    endpoint: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_ENV["AWS_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_ENV["AWS_S3_SECRET_ACCESS_KEY"],
            region_name=S3_ENV["AWS_S3_REGION_NAME"],
        )


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    s3 = S3Server(endpoint=f"http://{host}:{port}")
    s3.client().create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": S3_ENV["AWS_S3_REGION_NAME"]},
    )
    try:
        yield s3
    finally:
        server.stop()


def _private_storage_from_env(endpoint: str) -> dict[str, Any]:
    """STORAGES["private"] exactly as portal.settings builds it from the environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['private']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            **S3_ENV,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        },
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    )
    config: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return config


@pytest.fixture(scope="module")
def s3_storage_config(s3_server: S3Server) -> dict[str, Any]:
    return _private_storage_from_env(s3_server.endpoint)


@pytest.fixture
def s3_attachments(settings, s3_storage_config) -> None:
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage_config}


def test_settings_choose_a_private_bucket(s3_storage_config, s3_server):
    assert s3_storage_config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3_storage_config["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == s3_server.endpoint
    assert options["default_acl"] == "private"


def test_upload_goes_to_the_bucket_and_comes_back_only_through_the_portal(
    s3_attachments, s3_server, make_dossier, actors, tmp_path
):
    dossier = make_dossier(owner=actors.owner, submitted=True)
    client = APIClient()
    client.force_authenticate(actors.owner)
    uploaded = client.post(
        f"/api/v1/dossiers/{dossier.code}/documents/",
        {"file": SimpleUploadedFile("tờ khai.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    assert s3_server.endpoint.split("//")[1] not in uploaded.content.decode()
    attachment = Attachment.objects.get(pk=uploaded.json()["id"])

    # The object is in the bucket, readable by the owner account only.
    s3 = s3_server.client()
    key = f"dossiers/{attachment.storage_name}"
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF_BYTES
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)
    assert not (settings.MEDIA_ROOT / "private").exists()  # nothing on local disk

    # Anyone asking the bucket directly, without the portal's keys, is refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint}/{BUCKET}/{key}", timeout=5)  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()

    url = f"/api/v1/dossiers/{dossier.code}/documents/{attachment.pk}/"
    for role, expected in [
        ("owner", 200),
        ("clerk", 200),
        ("stranger", 404),
        ("other_clerk", 404),
    ]:
        client = APIClient()
        client.force_authenticate(actors.get(role))
        response = client.get(url)
        assert response.status_code == expected, role
        if expected == 200:
            # Streamed by Django itself: no redirect to a bucket URL.
            assert response.streaming
            assert "Location" not in response
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Type"] == "application/pdf"
            assert response["Cache-Control"] == "private, no-store"
