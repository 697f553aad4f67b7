"""Backup and restore of the whole portal: the PostgreSQL database (pg_dump custom
format) and the private uploaded files (a tar of MEDIA_ROOT/private), with a manifest
of checksums, table counts and the migration state.

The pg_dump/pg_restore binaries are those of the server's major version
(/usr/lib/postgresql/<major>/bin, or PG_BIN_DIR), so a dump is never refused as
"server version mismatch" and never written in a format the server cannot read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import environ
import psycopg2  # type: ignore[import-untyped]
from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP_NAME = "database.dump"
FILES_NAME = "media-private.tar.gz"
MANIFEST_NAME = "manifest.json"
COUNTED_TABLES = ("dossiers_dossier", "dossiers_attachment", "dossiers_dossierevent")


class BackupError(Exception):
    """A backup or restore could not be completed; the message says why."""


@dataclass(frozen=True)
class Database:
    name: str
    user: str
    password: str
    host: str
    port: str

    @classmethod
    def from_settings(cls, alias: str = "default") -> Database:
        config = connections[alias].settings_dict
        return cls(
            name=str(config["NAME"]),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        config = environ.Env.db_url_config(url)
        return cls(
            name=str(config["NAME"]),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
        )

    def connect(self) -> Any:
        return psycopg2.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )

    def cli_args(self) -> list[str]:
        args = ["--dbname", self.name]
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def env(self) -> dict[str, str]:
        environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        if self.password:
            environment["PGPASSWORD"] = self.password
        return environment


def _server_major(database: Database) -> int:
    with database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (number,) = cursor.fetchone()
    connection.close()
    return int(number) // 10000


def pg_binary(name: str, *, major: int) -> str:
    """pg_dump or pg_restore of the server's major version."""
    candidates = [
        Path(os.environ.get("PG_BIN_DIR", "")) / name,
        Path(f"/usr/lib/postgresql/{major}/bin/{name}"),
    ]
    for candidate in candidates:
        if (
            candidate.name == name
            and candidate.is_file()
            and os.access(candidate, os.X_OK)
        ):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} {major} not found (set PG_BIN_DIR)")
    return found


def _run(args: list[str], *, database: Database) -> None:
    result = subprocess.run(  # noqa: S603 - fixed binaries, argument list
        args, env=database.env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _state(database: Database) -> dict[str, Any]:
    with database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
        counts = {}
        for table in COUNTED_TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - constant names
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return {"migrations": migrations, "counts": counts}


def backup_create(*, output: Path, media_root: Path | None = None) -> dict[str, Any]:
    """Write database.dump, media-private.tar.gz and manifest.json into `output`
    (created; must be empty)."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output.mkdir(parents=True, exist_ok=True)
    if any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    database = Database.from_settings()
    major = _server_major(database)
    state_before = _state(database)
    _run(
        [
            pg_binary("pg_dump", major=major),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(output / DUMP_NAME),
            *database.cli_args(),
        ],
        database=database,
    )
    private = media_root / "private"
    with tarfile.open(output / FILES_NAME, "w:gz") as archive:
        if private.exists():
            archive.add(private, arcname="private")
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": database.name,
        "server_major_version": major,
        **state_before,
        "files": {
            name: {
                "sha256": _sha256(output / name),
                "size": (output / name).stat().st_size,
            }
            for name in (DUMP_NAME, FILES_NAME)
        },
    }
    (output / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2), encoding="utf-8"
    )
    return manifest


def _verify_checksums(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(
            (source / MANIFEST_NAME).read_text("utf-8")
        )
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST_NAME} in {source}") from exc
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name}: checksum mismatch or missing; backup damaged")
    return manifest


def _table_count(database: Database) -> int:
    with database.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        (count,) = cursor.fetchone()
    connection.close()
    return int(count)


def _restore_files(source: Path, media_root: Path, *, force: bool) -> None:
    private = media_root / "private"
    if private.exists() and any(private.rglob("*")) and not force:
        raise BackupError(f"{private} is not empty (use --force to restore over it)")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / FILES_NAME, "r:gz") as archive:
        archive.extractall(media_root, filter="data")


def backup_restore(
    *,
    source: Path,
    database_url: str,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Restore a backup into an empty database and MEDIA_ROOT; verify the result.

    Refuses a database that has tables unless `force` (then objects are replaced).
    """
    manifest = _verify_checksums(source)
    database = Database.from_url(database_url)
    if _table_count(database) and not force:
        raise BackupError(
            f"database {database.name} is not empty (use --force to restore over it)"
        )
    _restore_files(source, Path(media_root or settings.MEDIA_ROOT), force=force)
    major = _server_major(database)
    args = [
        pg_binary("pg_restore", major=major),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        *database.cli_args(),
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, str(source / DUMP_NAME)], database=database)
    restored = _state(database)
    if restored != {k: manifest[k] for k in ("migrations", "counts")}:
        raise BackupError(
            f"restored state differs from the manifest: {restored['counts']} "
            f"!= {manifest['counts']}"
        )
    return manifest
