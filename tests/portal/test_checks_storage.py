"""`check --deploy` refuses an S3 endpoint reached in clear."""

from __future__ import annotations

import pytest

from portal.checks import check_production_settings


def _s3(endpoint: str) -> dict[str, object]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "dossiers", "endpoint_url": endpoint},
    }


@pytest.mark.parametrize(
    ("endpoint", "refused"),
    [
        ("http://minio.internal:9000", True),
        ("https://s3.example.vn", False),
        (None, False),  # AWS itself: boto3 uses https
    ],
)
def test_s3_endpoint_must_be_https(settings, endpoint, refused):
    settings.STORAGES = {**settings.STORAGES, "private": _s3(endpoint)}
    ids = {error.id for error in check_production_settings()}
    assert ("portal.E007" in ids) is refused


def test_local_private_storage_passes(settings):
    assert "portal.E007" not in {error.id for error in check_production_settings()}
