"""A throwaway PostgreSQL primary and streaming standby, started from the private
cluster binaries (/usr/lib/postgresql/*/bin) in temporary folders on free ports.

Used by the replica routing tests and by the bench. As root the servers run as the OS
user ``postgres`` (PostgreSQL refuses root), as scripts/services.sh does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


def pg_bin() -> Path:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for candidate in reversed(candidates):
        if (candidate / "pg_basebackup").exists():
            return candidate
    raise RuntimeError("PostgreSQL server binaries not found in /usr/lib/postgresql")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _as_postgres(argv), check=True, capture_output=True, text=True
    )


@dataclass
class Server:
    data: Path
    port: int
    bin: Path = field(default_factory=pg_bin)

    def start(self) -> None:
        _run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.data / "server.log"),
                "-o",
                f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1",
                "start",
            ]
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]
            ),
            capture_output=True,
            check=False,
        )

    def sql(self, query: str, *, database: str = "postgres") -> str:
        done = _run(
            [
                str(self.bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                query,
            ]
        )
        return done.stdout.strip()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class ReplicatedPair:
    """A primary with one streaming standby (pg_basebackup -R)."""

    root: Path
    primary: Server
    standby: Server

    @classmethod
    def create(cls, *, database: str) -> ReplicatedPair:
        bin_dir = pg_bin()
        root = Path(tempfile.mkdtemp(prefix="portal-replica-"))
        os.chmod(root, 0o755)  # noqa: S103 - the postgres user must reach it
        primary = Server(root / "primary", free_port(), bin_dir)
        standby = Server(root / "standby", free_port(), bin_dir)
        for folder in (primary.data, standby.data):
            folder.mkdir(mode=0o700)
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres")
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(primary.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "wal_level = replica\nmax_wal_senders = 5\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 100\n"
            )
        with (primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        primary.start()
        primary.sql(f'CREATE DATABASE "{database}"')
        _run(
            [
                str(bin_dir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(standby.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        standby.start()
        pair = cls(root, primary, standby)
        pair.wait_streaming()
        return pair

    def wait_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.primary.sql("SELECT count(*) FROM pg_stat_replication") == "1":
                return
            time.sleep(0.1)
        raise RuntimeError(f"the standby did not start streaming; see {self.root}")

    def load_schema(self, *, source_url: str, database: str) -> None:
        """Copy a schema (no rows) from another server into the primary."""
        dump = subprocess.run(
            [
                str(self.primary.bin / "pg_dump"),
                "--schema-only",
                "--no-owner",
                source_url,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(
            [
                str(self.primary.bin / "psql"),
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                self.primary.url(database),
            ],
            input=dump.stdout,
            check=True,
            capture_output=True,
            text=True,
        )

    def destroy(self) -> None:
        self.standby.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)
