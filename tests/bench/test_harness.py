"""Smoke tests of the benchmark harness: it runs end to end and the generator's data is
valid. No timing is asserted; the numbers belong in bench/results, not here."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.db import connection

from accounts.models import AGENCY_CODE_RE, Agency, Membership, User
from accounts.selectors import agency_scope_for_user
from bench.generate import BENCH_LOGINS, BENCH_PASSWORD, STEPS, citizen_count
from procedures.models import Field

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.bench

NUMBER = r"[0-9][0-9,]*\.[0-9]+"


def _row(table: str, name: str) -> list[str]:
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r} in:\n{table}")


def test_harness_runs_end_to_end_and_writes_a_table(tmp_path, db):
    """Fresh database, generator, pgbench, gunicorn, wrk and query counts on size 50."""
    out = tmp_path / "result.md"
    database = f"portal_bench_smoke_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--size",
            "50",
            "--duration",
            "1",
            "--warmup",
            "0",
            "--scenarios",
            "healthz",
            "--database",
            database,
            "--out",
            str(out),
            "--drop-after",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = out.read_text()
    assert table.strip() in result.stdout  # printed and written
    assert re.search(r"Machine: \d+ cores, [0-9.]+ GiB memory", table)
    assert "Dataset size: 50 " in table
    assert re.search(r"Commit: [0-9a-f]{7}", table)

    for name in (
        "baseline: pgbench select-only",
        "baseline: bare JSON view",
        "healthz",
    ):
        cells = _row(table, name)
        median, p95, p99, rps = cells[1:5]
        for value in (median, p95, p99, rps):
            assert re.fullmatch(NUMBER, value), (name, cells)
            assert float(value.replace(",", "")) > 0, (name, cells)
    view = _row(table, "baseline: bare JSON view")
    healthz = _row(table, "healthz")
    assert view[5] == "1.00"  # the view is its own baseline
    assert re.fullmatch(NUMBER, healthz[5])
    assert re.fullmatch(NUMBER, healthz[6])
    assert view[8] == "0", "the baseline view must not touch the database"
    assert healthz[8] == "1", "healthz asks PostgreSQL exactly once"
    assert "peak RSS" in table
    # Features absent on this code base are skipped with a reason, never given numbers.
    assert "home page" not in table  # filtered out by --scenarios

    # --drop-after removed the benchmark database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        assert cursor.fetchone() is None


@pytest.mark.django_db
def test_generator_builds_a_valid_province_with_working_logins():
    size = 40
    with connection.cursor() as cursor:
        for step in STEPS:
            step(cursor, size, random.Random(7))  # noqa: S311

    agencies = list(Agency.objects.all())
    assert 180 <= len(agencies) <= 220
    by_id = {agency.pk: agency for agency in agencies}
    for agency in agencies:
        assert AGENCY_CODE_RE.match(agency.code), agency.code
        parent_path = by_id[agency.parent_id].path if agency.parent_id else "/"
        assert agency.path == f"{parent_path}{agency.pk}/"
    kinds = {agency.kind for agency in agencies}
    assert kinds == set(Agency.Kind.values)
    assert (
        Agency.objects.filter(kind=Agency.Kind.PROVINCE).get().code == "000.00.00.H49"
    )

    citizens = User.objects.filter(memberships__isnull=True)
    assert citizens.count() == citizen_count(size)
    for user in citizens[:20]:
        user.full_clean()  # phone, national id and email valid for the model
    assert set(Membership.objects.values_list("role", flat=True)) == set(
        Membership.Role.values
    )
    assert Field.objects.count() >= 20

    for role, login in BENCH_LOGINS.items():
        assert authenticate(None, username=login, password=BENCH_PASSWORD), role
    clerk = User.objects.get(email=BENCH_LOGINS["clerk"])
    scope = agency_scope_for_user(user=clerk)
    assert scope.filter(code="000.00.01.H49").exists()
    assert not scope.filter(code="000.40.01.H49").exists()
