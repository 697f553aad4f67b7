"""Smoke tests of the benchmark harness: it runs end to end and the generator's data is
valid. No timing is asserted; the numbers belong in bench/results, not here."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import psycopg2
import pytest
from django.contrib.auth import authenticate
from django.db import connection

from accounts.models import AGENCY_CODE_RE, Agency, Membership, User
from accounts.selectors import agency_scope_for_user
from accounts.validators import normalize_phone
from bench.generate import BENCH_LOGINS, BENCH_PASSWORD, STEPS, citizen_count
from bench.generate_workflow import catalogue_count, supply_count
from bench.run import (
    Options,
    Prepared,
    check_once,
    database_urls,
    ensure_tools,
    measure_http,
    percentile,
)
from bench.scenarios import Scenario
from dossiers.models import Dossier
from procedures.models import Field, Procedure

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.bench

NUMBER = r"[0-9][0-9,]*\.[0-9]+"


def _row(table: str, name: str) -> list[str]:
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row {name!r} in:\n{table}")


def _bench_rows(database: str, sql: str) -> list[tuple[object, ...]]:
    bench_url, _maintenance = database_urls(database)
    with psycopg2.connect(bench_url) as bench, bench.cursor() as cursor:
        cursor.execute(sql)
        rows = list(cursor.fetchall())
    bench.close()
    return rows


def _drop(database: str) -> None:
    _bench, maintenance = database_urls(database)
    admin = psycopg2.connect(maintenance)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def test_harness_runs_end_to_end_with_dossier_scenarios(tmp_path, db):
    """Fresh database, generator, pgbench, gunicorn and query counts on size 50, with
    three scenarios: healthz (wrk), a citizen's submission with a PDF (the Python
    driver) and the clerk's receipt of one supplied dossier per request (wrk, one-shot).
    Every answer as expected, each dossier received once, the submissions stored."""
    out = tmp_path / "result.md"
    database = f"portal_bench_smoke_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.run",
                "--size",
                "50",
                "--quick",  # pgbench on scale 1
                "--duration",
                "1",
                "--warmup",
                "1",
                "--scenarios",
                "healthz,transition,submit with upload",
                "--database",
                database,
                "--out",
                str(out),
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
        assert "Skipped" not in table, table
        assert "home page" not in table  # filtered out by --scenarios
        assert "peak RSS" in table

        receive = "transition: receive (clerk, one dossier each)"
        submit = "submit with upload (create + PDF + submit)"
        requests = {}
        for name in (
            "baseline: pgbench select-only",
            "baseline: bare JSON view",
            "healthz",
            receive,
            submit,
        ):
            cells = _row(table, name)
            for value in cells[1:5]:
                assert re.fullmatch(NUMBER, value), (name, cells)
                assert float(value.replace(",", "")) > 0, (name, cells)
            requests[name] = int(cells[9].replace(",", ""))
        view = _row(table, "baseline: bare JSON view")
        assert view[5] == "1.00"  # the view is its own baseline
        assert view[8] == "0", "the baseline view must not touch the database"
        assert _row(table, "healthz")[8] == "1", "healthz asks PostgreSQL once"
        for name in (receive, submit):
            cells = _row(table, name)
            assert re.fullmatch(NUMBER, cells[5]), cells  # ratio to the view
            assert cells[10] == "", cells  # no unexpected answers
            assert int(cells[8]) > 5, cells  # queries counted in-process

        # Every receipt took a fresh dossier: none received twice, and more were
        # received than the measured requests (the check and warm-up took some too).
        received = _bench_rows(
            database,
            "SELECT dossier_id, count(*) FROM dossiers_dossierevent "
            "WHERE action = 'receive' AND created_at > now() - interval '1 hour' "
            "GROUP BY dossier_id",
        )
        assert all(count == 1 for _id, count in received)
        assert len(received) > requests[receive]
        submitted = _bench_rows(
            database,
            "SELECT d.state, count(a.id) FROM dossiers_dossier d "
            "JOIN dossiers_attachment a ON a.dossier_id = d.id "
            "WHERE d.summary = 'Hồ sơ nộp trực tuyến (đo tải)' GROUP BY d.id",
        )
        assert len(submitted) > requests[submit]
        assert {state for state, _n in submitted} == {"submitted"}
    finally:
        _drop(database)


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

    # The catalogue, the history and the supply of submitted dossiers for the receipts.
    assert Procedure.objects.count() == catalogue_count(size)
    centre = Agency.objects.get(code="000.00.01.H49")
    waiting = Dossier.objects.filter(state="submitted", receiving_agency=centre)
    assert waiting.count() >= supply_count(size)
    codes = list(Dossier.objects.exclude(code="").values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for phone in Dossier.objects.values_list("applicant_phone", flat=True):
        assert normalize_phone(phone) == phone  # every lookup pair can resolve
    for dossier in waiting[:5]:
        assert dossier.code.startswith("000.00.01.H49-")
        assert dossier.submitted_at is not None
        assert dossier.events.filter(action="submit").count() == 1

    for role, login in BENCH_LOGINS.items():
        assert authenticate(None, username=login, password=BENCH_PASSWORD), role
    clerk = User.objects.get(email=BENCH_LOGINS["clerk"])
    scope = agency_scope_for_user(user=clerk)
    assert scope.filter(code="000.00.01.H49").exists()
    assert not scope.filter(code="000.40.01.H49").exists()


class _RecordingHandler(BaseHTTPRequestHandler):
    """A loopback server: /ok… answers 200, anything else 503; it records what it got."""

    seen: ClassVar[list[tuple[str, str, str, bytes]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append(
            (self.command, self.path, self.headers.get("Authorization", ""), body)
        )
        status = 200 if self.path.startswith("/ok") else 503
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = _answer  # noqa: N815
    do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def loopback_server():
    _RecordingHandler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _options() -> Options:
    return Options(
        size=0,
        quick=True,
        duration=1,
        warmup=0,
        connections=2,
        database="unused_bench",
        seed=1,
        only=[],
        out=None,
        drop_after=False,
        workers=1,
    )


def test_load_run_sends_the_scenario_and_flags_unexpected_answers(loopback_server):
    """wrk gets the method, body, auth header and every path; errors are not hidden."""
    ensure_tools()
    post = Scenario(
        name="post",
        path="/ok",
        method="POST",
        body=b"a=1",
        content_type="application/x-www-form-urlencoded",
    )
    good = measure_http(
        loopback_server,
        Prepared(post, ["/ok"], {"Authorization": "Token abc"}),
        _options(),
    )
    assert good.requests > 0
    assert good.bad == 0
    assert good.per_second is not None
    assert good.per_second > 0
    assert good.p95_ms is not None
    assert good.p95_ms > 0
    assert ("POST", "/ok", "Token abc", b"a=1") in _RecordingHandler.seen

    mixed = Scenario(name="mixed", path=lambda _cursor: ["/ok", "/missing"])
    row = measure_http(
        loopback_server, Prepared(mixed, ["/ok", "/missing"], {}), _options()
    )
    assert {path for _m, path, _a, _b in _RecordingHandler.seen} >= {"/ok", "/missing"}
    assert row.bad > 0
    assert "503" in row.note
    assert row.per_second is not None
    # Half the requests got 503; req/s counts only the expected answers.
    assert row.per_second < 0.75 * row.requests

    assert (
        check_once(loopback_server, Prepared(mixed, ["/missing"], {}))
        == "answered 503, expected 200"
    )
    assert check_once(loopback_server, Prepared(mixed, ["/ok"], {})) is None


def test_one_shot_scenario_never_requests_a_path_twice(loopback_server):
    """A transition consumes its dossier: the check, the warm-up and the measured run
    each take fresh paths, and one is kept back for the query count."""
    ensure_tools()
    paths = [f"/ok/{n}" for n in range(20_000)]
    scenario = Scenario(
        name="one shot", path="/ok", method="POST", body=b"{}", one_shot=True
    )
    prepared = Prepared(scenario, list(paths), {})
    assert prepared.reserved == "/ok/19999"
    assert check_once(loopback_server, prepared) is None
    measure_http(loopback_server, prepared, _options())  # warm-up
    row = measure_http(loopback_server, prepared, _options())
    assert row.bad == 0
    requested = [path for method, path, _a, _b in _RecordingHandler.seen]
    assert {method for method, *_ in _RecordingHandler.seen} == {"POST"}
    assert len(requested) == len(set(requested)), "a one-shot path was sent twice"
    assert "/ok/19999" not in requested
    assert prepared.offset >= len(requested)


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("name", ["portal", "scratch", "portal_bench; DROP", "Bench"])
def test_harness_refuses_any_database_but_a_bench_one(monkeypatch, name):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    with pytest.raises(SystemExit, match="refusing"):
        database_urls(name)
    bench, maintenance = database_urls("portal_bench")
    assert bench == "postgres://postgres@127.0.0.1:5432/portal_bench"
    assert maintenance == "postgres://postgres@127.0.0.1:5432/postgres"
