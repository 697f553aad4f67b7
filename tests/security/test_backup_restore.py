"""backup_portal then restore_portal into a fresh database on the same server: every
dossier, attachment (bytes equal) and event is there."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from dossiers import services
from dossiers.models import Attachment, Dossier, DossierEvent
from dossiers.services import Applicant, Upload
from privacy.backup import MANIFEST_NAME
from tests.dossiers.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES
from tests.notifications.factories import seed_templates

pytestmark = pytest.mark.django_db(transaction=True)


def _url(name: str) -> str:
    config = connection.settings_dict
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{auth}@{config['HOST']}:{config['PORT']}/{name}"


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def portal_data(procedure, agencies, actors, mandatory_document):
    seed_templates()
    for index, data in enumerate((PDF_BYTES, JPEG_BYTES, PNG_BYTES)):
        dossier = services.dossier_intake(
            actor=actors.clerk,
            procedure=procedure,
            receiving_agency=agencies.centre,
            applicant=Applicant(name=f"Người {index}", phone=f"091234567{index}"),
            uploads=[
                Upload(
                    file=io.BytesIO(data),
                    name=f"giay-to-{index}",
                    required_document=mandatory_document,
                )
            ],
            consent=True,
        )
        services.dossier_assign(dossier=dossier, actor=actors.clerk)


def _restored(name: str, sql: str) -> list[tuple]:
    with psycopg2.connect(_url(name)) as restored, restored.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    restored.close()
    return rows


def test_backup_then_restore_into_a_fresh_database(
    portal_data, fresh_database, tmp_path, settings
):
    backup = tmp_path / "backup"
    call_command("backup_portal", "--output", str(backup))
    manifest = json.loads((backup / MANIFEST_NAME).read_text())
    assert manifest["counts"]["dossiers_dossier"] == 3
    assert "dossiers.0004_consent_access_log_and_retention" in manifest["migrations"]

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore_portal",
        "--input",
        str(backup),
        "--database-url",
        _url(fresh_database),
        "--media-root",
        str(restored_media),
    )
    assert sorted(
        _restored(fresh_database, "SELECT code, state FROM dossiers_dossier")
    ) == sorted(Dossier.objects.values_list("code", "state"))
    events = (
        "SELECT dossier_id, action, from_state, to_state FROM dossiers_dossierevent"
    )
    assert sorted(_restored(fresh_database, events)) == sorted(
        DossierEvent.objects.values_list(
            "dossier_id", "action", "from_state", "to_state"
        )
    )
    rows = _restored(
        fresh_database, "SELECT storage_name, sha256, size FROM dossiers_attachment"
    )
    assert len(rows) == Attachment.objects.count() == 3
    for storage_name, sha256, size in rows:
        original = Path(settings.MEDIA_ROOT) / "private" / "dossiers" / storage_name
        restored = restored_media / "private" / "dossiers" / storage_name
        assert restored.read_bytes() == original.read_bytes()
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == sha256
        assert len(restored.read_bytes()) == size
    # The append-only trigger came back with the data.
    database = psycopg2.connect(_url(fresh_database))
    with pytest.raises(psycopg2.Error), database.cursor() as cursor:
        cursor.execute("DELETE FROM dossiers_dossierevent")
    database.close()


def test_restore_refuses_a_database_that_is_not_empty(portal_data, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_portal", "--output", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore_portal",
            "--input",
            str(backup),
            "--database-url",
            _url(connection.settings_dict["NAME"]),
            "--media-root",
            str(tmp_path / "m"),
        )


def test_restore_refuses_a_damaged_backup(portal_data, fresh_database, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup_portal", "--output", str(backup))
    dump = backup / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="checksum"), override_settings():
        call_command(
            "restore_portal",
            "--input",
            str(backup),
            "--database-url",
            _url(fresh_database),
            "--media-root",
            str(tmp_path / "m"),
        )
    assert _restored(
        fresh_database,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'",
    ) == [(0,)]
