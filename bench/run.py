"""One command that measures the portal as production runs it, against baselines.

    python -m bench.run --size N [--quick] [--duration S] [--out FILE]

Steps: a fresh benchmark database on the same PostgreSQL (never the dev database),
migrated and filled by bench.generate; pgbench select-only on the same server; the
portal under gunicorn with production settings (bench.settings adds only the baseline
view); wrk driving each scenario of bench.scenarios as a separate process; the query
count of each scenario in-process; the workers' peak RSS; a Markdown table printed and
written to bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.generate import StepReport

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
STATE_DIR = ROOT / ".services" / "bench"
RESULTS_DIR = BENCH_DIR / "results"
# The baseline at the end differing by more than this from the first one is flagged.
DRIFT_WARNING = 0.2


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the numbers --------------------------------------------------------------------


@dataclass
class Row:
    name: str
    median_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    per_second: float | None = None
    requests: int = 0
    queries: int | None = None
    bad: int = 0  # answers that were not the expected status, or socket errors
    note: str = ""
    kind: str = "http"  # http | pgbench | measure
    # The baseline view measured right after this row (bracketing), when enabled.
    view_p95_ms: float | None = None
    view_per_second: float | None = None

    @property
    def measured(self) -> bool:
        return self.p95_ms is not None and self.per_second is not None


@dataclass
class Options:
    size: int
    quick: bool
    duration: float
    warmup: float
    connections: int
    database: str
    seed: int
    only: list[str]
    out: Path | None
    drop_after: bool
    workers: int
    generate_only: bool = False
    bracket: bool = True
    skipped: list[str] = field(default_factory=list)


# --- environment and database -------------------------------------------------------


def ensure_tools() -> None:
    if shutil.which("wrk") is None or find_pg_tool("pgbench") is None:
        subprocess.run([str(BENCH_DIR / "deps.sh")], check=True)


def find_pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def database_urls(database: str) -> tuple[str, str]:
    """(bench URL, maintenance URL) on the server DATABASE_URL names."""
    source = os.environ.get("DATABASE_URL")
    if not source:
        raise SystemExit(
            "DATABASE_URL is not set: run through `make bench` or eval scripts/services.sh up"
        )
    parts = urllib.parse.urlsplit(source)
    dev_name = parts.path.lstrip("/")
    if (
        database == dev_name
        or "bench" not in database
        or not re.fullmatch(r"[a-z][a-z0-9_]{0,50}", database)
    ):
        raise SystemExit(
            f"refusing to use {database!r} as the benchmark database (dev database is {dev_name!r})"
        )
    bench = urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    return bench, maintenance


def recreate_database(maintenance_url: str, name: str) -> None:
    import psycopg2  # noqa: PLC0415

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    connection.close()


def drop_database(maintenance_url: str, name: str) -> None:
    import psycopg2  # noqa: PLC0415

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def production_environment(bench_url: str) -> dict[str, str]:
    """Production settings for plain-HTTP loopback: only TLS-dependent flags relaxed."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": bench_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "STATIC_ROOT": str(STATE_DIR / "static"),
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(
    options: Options, bench_url: str, maintenance_url: str
) -> list[StepReport]:
    import django  # noqa: PLC0415
    import psycopg2  # noqa: PLC0415

    log(f"creating a fresh database {options.database}")
    recreate_database(maintenance_url, options.database)
    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"migrated and collected static files in {time.perf_counter() - started:.1f} s")

    from bench.generate import generate  # noqa: PLC0415

    connection = psycopg2.connect(bench_url)
    try:
        reports = generate(connection, size=options.size, seed=options.seed, log=log)
    finally:
        connection.close()
    return reports


# --- pgbench --------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run_pgbench(options: Options, bench_url: str, maintenance_url: str) -> Row:
    pgbench = find_pg_tool("pgbench")
    if pgbench is None:
        raise SystemExit("pgbench is missing; run bench/deps.sh")
    name = f"{options.database}_pgbench"
    recreate_database(maintenance_url, name)
    url = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(bench_url)._replace(path=f"/{name}")
    )
    try:
        subprocess.run(
            [pgbench, "-i", "-q", "-s", "1" if options.quick else "10", url],
            check=True,
            capture_output=True,
        )
        with tempfile.TemporaryDirectory() as folder:
            result = subprocess.run(
                [
                    pgbench,
                    "-S",
                    "-n",
                    "-c",
                    str(options.connections),
                    "-j",
                    "1",
                    "-T",
                    str(max(1, round(options.duration))),
                    "--log",
                    f"--log-prefix={folder}/pgbench",
                    url,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            latencies = []
            for log_file in Path(folder).glob("pgbench*"):
                for line in log_file.read_text().splitlines():
                    fields = line.split()
                    latencies.append(int(fields[2]) / 1000.0)  # µs -> ms
    finally:
        drop_database(maintenance_url, name)
    match = re.search(r"tps = ([0-9.]+)", result.stdout)
    tps = float(match.group(1)) if match else len(latencies) / options.duration
    if not latencies:
        return Row(
            "baseline: pgbench select-only",
            kind="pgbench",
            note="pgbench logged no transactions",
        )
    return Row(
        "baseline: pgbench select-only",
        median_ms=statistics.median(latencies),
        p95_ms=percentile(latencies, 95),
        p99_ms=percentile(latencies, 99),
        per_second=tps,
        requests=len(latencies),
        kind="pgbench",
        note=f"{options.connections} clients, simple protocol",
    )


# --- gunicorn ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = STATE_DIR / "gunicorn.log"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "10",
                ],
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(
                    f"{self.base}/healthz", timeout=2
                ) as answer:
                    if answer.status == 200:
                        log(
                            f"gunicorn ready on {self.base} with {self.workers} workers"
                        )
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit(
            f"gunicorn did not answer /healthz within 90 s; see {self.log_path}"
        )

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def peak_rss_mib(self) -> list[float]:
        """VmHWM (peak resident set) of every worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- logging in -----------------------------------------------------------------------------


class Logins:
    """Session cookies and API tokens per role, obtained over HTTP before the load."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._headers: dict[tuple[str, str], dict[str, str]] = {}

    def headers(self, role: str, mode: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        key = (role, mode)
        if key not in self._headers:
            self._headers[key] = (
                self._token(role) if mode == "token" else self._session(role)
            )
        return self._headers[key]

    def _credentials(self, role: str) -> tuple[str, str]:
        from bench.generate import BENCH_LOGINS, BENCH_PASSWORD  # noqa: PLC0415

        return BENCH_LOGINS[role], BENCH_PASSWORD

    def _token(self, role: str) -> dict[str, str]:
        login, password = self._credentials(role)
        data = urllib.parse.urlencode(
            {"username": login, "password": password}
        ).encode()
        with urllib.request.urlopen(
            f"{self.base}/api/v1/auth/token/", data=data, timeout=30
        ) as answer:
            token = json.loads(answer.read())["token"]
        return {"Authorization": f"Token {token}"}

    def _session(self, role: str) -> dict[str, str]:
        login, password = self._credentials(role)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.base}/accounts/login/", timeout=30) as answer:
            page = answer.read().decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if match is None:
            raise RuntimeError("the login page has no CSRF token")
        data = urllib.parse.urlencode(
            {
                "login": login,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/accounts/login/",
            data=data,
            headers={"Referer": f"{self.base}/accounts/login/"},
        )
        with opener.open(request, timeout=30):
            pass
        cookies = {cookie.name: cookie.value or "" for cookie in jar}
        if "sessionid" not in cookies:
            raise RuntimeError(f"logging in as {role} gave no session cookie")
        return {
            "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies.get('csrftoken', '')}",
            "X-CSRFToken": cookies.get("csrftoken", ""),
        }


# --- the load runs -------------------------------------------------------------------------


class LoadError(RuntimeError):
    """The load tool failed for one scenario; the run goes on with the others."""


@dataclass
class Prepared:
    scenario: Any  # bench.scenarios.Scenario
    paths: list[str]
    headers: dict[str, str]
    # One-shot scenarios: the next unused path, and one path kept for the query count.
    offset: int = 0
    reserved: str | None = None

    def __post_init__(self) -> None:
        if self.scenario.one_shot and len(self.paths) > 1:
            self.reserved = self.paths.pop()

    def take(self, count: int) -> list[str]:
        """The paths a run may use; one-shot scenarios never get a path twice (the
        caller advances `offset` by what the run consumed)."""
        if not self.scenario.one_shot:
            return self.paths
        remaining = self.paths[self.offset :]
        if not remaining:
            raise LoadError("no unused paths left for this one-shot scenario")
        return remaining[: max(1, count)] if count else remaining

    @property
    def first(self) -> str:
        return self.paths[self.offset] if self.scenario.one_shot else self.paths[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """wrk does not follow redirects, so neither does the check request."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_once(base: str, prepared: Prepared) -> str | None:
    """One real request first: a scenario that does not answer as expected is not run."""
    scenario = prepared.scenario
    if scenario.driver:
        try:
            result = run_driver(base, prepared, seconds=30, connections=1, requests=1)
        except LoadError as error:
            return str(error)
        statuses = result["statuses"]
        if statuses != {str(scenario.expect_status): 1}:
            return (
                f"answered {statuses or 'nothing'}, expected {scenario.expect_status}"
            )
        return None
    path = prepared.first
    if scenario.one_shot:
        prepared.offset += 1
    request = urllib.request.Request(
        base + path,
        data=scenario.body,
        method=scenario.method,
        headers=request_headers(prepared),
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
    if status != scenario.expect_status:
        return f"answered {status}, expected {scenario.expect_status}"
    return None


def request_headers(prepared: Prepared) -> dict[str, str]:
    headers = dict(prepared.headers)
    headers.update(prepared.scenario.headers)
    if prepared.scenario.content_type:
        headers["Content-Type"] = prepared.scenario.content_type
    return headers


def run_driver(
    base: str,
    prepared: Prepared,
    *,
    seconds: float,
    connections: int,
    requests: int = -1,
) -> dict[str, Any]:
    """The scenario's own load process (a Python module), for request chains."""
    scenario = prepared.scenario
    with tempfile.TemporaryDirectory() as folder:
        result_file = Path(folder, "result.json")
        command = [
            sys.executable,
            "-m",
            scenario.driver,
            "--base",
            base,
            "--path",
            prepared.first,
            "--connections",
            str(connections),
            "--seconds",
            str(seconds),
            "--requests",
            str(requests),
            "--result",
            str(result_file),
        ]
        for name, value in request_headers(prepared).items():
            command += ["--header", f"{name}: {value}"]
        done = subprocess.run(
            command, cwd=ROOT, check=False, capture_output=True, timeout=seconds + 120
        )
        if done.returncode != 0 or not result_file.exists():
            error = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise LoadError(
                f"{scenario.driver} exited {done.returncode}: {error[-300:]}"
            )
        result: dict[str, Any] = json.loads(result_file.read_text())
        return result


def run_wrk(
    base: str, prepared: Prepared, *, seconds: float, connections: int
) -> dict[str, Any]:
    scenario = prepared.scenario
    if scenario.driver:
        return run_driver(base, prepared, seconds=seconds, connections=connections)
    with tempfile.TemporaryDirectory() as folder:
        paths_file = Path(folder, "paths.txt")
        paths = prepared.take(0)
        paths_file.write_text("\n".join(paths) + "\n")
        body_file = Path(folder, "body.bin")
        if scenario.body is not None:
            body_file.write_bytes(scenario.body)
        result_file = Path(folder, "result.json")
        command = [
            "wrk",
            "-t",
            "1",
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(BENCH_DIR / "latency.lua"),
        ]
        for name, value in request_headers(prepared).items():
            command += ["-H", f"{name}: {value}"]
        command.append(base + "/")
        env = {
            **os.environ,
            "BENCH_METHOD": scenario.method,
            "BENCH_BODY_FILE": str(body_file) if scenario.body is not None else "",
            "BENCH_PATHS_FILE": str(paths_file),
            "BENCH_RESULT_FILE": str(result_file),
        }
        done = subprocess.run(
            command, env=env, check=False, capture_output=True, timeout=seconds + 120
        )
        if done.returncode != 0 or not result_file.exists():
            error = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise LoadError(f"wrk exited {done.returncode}: {error[-300:]}")
        result: dict[str, Any] = json.loads(result_file.read_text())
        if scenario.one_shot:
            # wrk starts at the second path of its list (latency.lua's counter) and
            # may have requests in flight when it stops: skip past all of them.
            prepared.offset += min(len(paths), result["requests"] + connections + 1)
        return result


def measure_http(base: str, prepared: Prepared, options: Options) -> Row:
    scenario = prepared.scenario
    if options.warmup > 0:
        run_wrk(base, prepared, seconds=options.warmup, connections=options.connections)
    result = run_wrk(
        base, prepared, seconds=options.duration, connections=options.connections
    )
    latency = result["latency_us"]
    expected = str(scenario.expect_status)
    statuses: dict[str, int] = result["statuses"]
    errors = result["errors"]
    bad = (
        sum(n for code, n in statuses.items() if code != expected)
        + errors["connect"]
        + errors["read"]
        + errors["write"]
        + errors["timeout"]
    )
    good = statuses.get(expected, 0)
    if not result["requests"]:
        # wrk reports zeros when nothing completed; that is no measurement at all.
        return Row(
            scenario.name,
            bad=bad,
            note=f"no request completed within {options.duration:g} s",
        )
    seconds = result["duration_us"] / 1e6
    note = ""
    if bad:
        note = "unexpected answers: " + ", ".join(
            f"{code}×{n}" for code, n in sorted(statuses.items()) if code != expected
        )
    return Row(
        scenario.name,
        median_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        per_second=good / seconds if seconds > 0 else 0.0,
        requests=result["requests"],
        bad=bad,
        note=note,
    )


def bracket_with_baseline(
    row: Row, base: str, baseline: Prepared, options: Options
) -> None:
    """Measure the baseline right after the scenario, for ratios that hold on a busy
    machine: the pair sees the same background load."""
    short = Options(**{**options.__dict__, "warmup": 0.0})
    short.duration = max(1.0, options.duration / 2)
    view = measure_http(base, baseline, short)
    row.view_p95_ms = view.p95_ms
    row.view_per_second = view.per_second


# --- query counts, in-process ----------------------------------------------------------------


def count_queries(prepared: Prepared) -> int:
    """Queries one request makes, in steady state (the second of two identical requests)."""
    from http.cookies import SimpleCookie  # noqa: PLC0415

    from django.db import connection, transaction  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    scenario = prepared.scenario
    extra: dict[str, str] = {"HTTP_HOST": "127.0.0.1"}
    client = Client(raise_request_exception=False)
    for name, value in request_headers(prepared).items():
        if name == "Cookie":
            client.cookies = SimpleCookie(value)
        elif name == "Content-Type":
            continue
        else:
            extra["HTTP_" + name.upper().replace("-", "_")] = value

    if scenario.driver:
        import importlib  # noqa: PLC0415

        driver = importlib.import_module(scenario.driver)
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            driver.count_queries(client, prepared.paths[0], extra)
            transaction.set_rollback(True)
        return len(captured.captured_queries)
    path = prepared.reserved or prepared.paths[0]

    def once() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.generic(
                scenario.method,
                path,
                data=scenario.body or b"",
                content_type=scenario.content_type or "application/octet-stream",
                **extra,
            )
        return len(captured.captured_queries)

    if scenario.mutates:
        with transaction.atomic():
            count = once()
            transaction.set_rollback(True)
        return count
    once()
    return once()


# --- putting it together -----------------------------------------------------------------------


def machine_info(load_start: float) -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem_kib = int(found.group(1)) if found else 0
        memory = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except OSError:
        memory = "unknown"
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "load_start": f"{load_start:.2f}",
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "python": platform.python_version(),
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return "–"
    return f"{value / base:,.2f}"


def render_table(
    rows: list[Row],
    *,
    options: Options,
    reports: list[StepReport],
    info: dict[str, str],
    memory: list[float],
    started: datetime,
) -> str:
    view = next(
        (r for r in rows if r.name.startswith("baseline: bare")), None
    )  # the first
    pg = next((r for r in rows if r.kind == "pgbench"), None)
    view_p95 = view.p95_ms if view and view.measured else None
    view_rps = view.per_second if view and view.measured else None
    pg_p95 = pg.p95_ms if pg and pg.measured else None
    lines = [
        f"# Benchmark {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {info['cores']} cores, {info['memory']} memory, {info['cpu']}",
        f"- Commit: {info['commit']}; Python {info['python']}",
        f"- Dataset size: {options.size:,} ({', '.join(f'{t} {n:,}' for r in reports for t, n in r.rows.items())})",
        f"- Generated {sum(r.total_rows for r in reports):,} rows in {sum(r.seconds for r in reports):.1f} s ({', '.join(f'{r.name} {r.rows_per_second:,.0f} rows/s' for r in reports)})",
        f"- Load: wrk, {options.connections} connections, {options.duration:g} s per scenario after {options.warmup:g} s warm-up; gunicorn sync, {options.workers} workers, production settings",
        "- Ratios: "
        + (
            "to the baseline view measured right after each row (bracketed, half as long), so both see the same background load"
            if options.bracket
            else "to the first baseline rows"
        ),
        f"- Load average (1 min) at the start and at the end: {info['load_start']} / {os.getloadavg()[0]:.2f}",
        "",
        "| scenario | median ms | p95 ms | p99 ms | req/s | p95 × view | req/s × view | p95 × pgbench | queries | requests | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        queries = "–" if row.queries is None else str(row.queries)
        lines.append(
            f"| {row.name} | {_fmt(row.median_ms, 2)} | {_fmt(row.p95_ms, 2)} | {_fmt(row.p99_ms, 2)} | {_fmt(row.per_second)} | {_ratio(row.p95_ms, row.view_p95_ms or view_p95)} | {_ratio(row.per_second, row.view_per_second or view_rps)} | {_ratio(row.p95_ms, pg_p95)} | {queries} | {row.requests:,} | {row.note} |"
        )
    lines.append("")
    again = next((r for r in rows if r.name.endswith("(again, at the end)")), None)
    if view_rps and again and again.per_second:
        drift = again.per_second / view_rps - 1
        if abs(drift) > DRIFT_WARNING:
            lines.append(
                f"**Warning:** the baseline's req/s moved by {drift:+.0%} during the run: the machine's load changed (other processes), so ratios of rows measured far apart are skewed. Rerun on a quiet machine before comparing."
            )
            lines.append("")
    if memory:
        lines.append(
            f"Gunicorn workers' peak RSS after the run: max {max(memory):.0f} MiB, total {sum(memory):.0f} MiB over {len(memory)} workers."
        )
    lines.extend(f"- Skipped: {reason}" for reason in options.skipped)
    lines.append("")
    return "\n".join(lines)


def select_scenarios(options: Options) -> list[Any]:
    from bench.scenarios import SCENARIO_HOOKS, SCENARIOS, Unavailable  # noqa: PLC0415

    chosen = list(SCENARIOS)
    for hook in SCENARIO_HOOKS:
        try:
            chosen.extend(hook())
        except Unavailable as reason:
            options.skipped.append(str(reason))
    if options.only:
        chosen = [
            s
            for s in chosen
            if any(word.lower() in s.name.lower() for word in options.only)
        ]
    return chosen


def run_measures(options: Options, bench_url: str) -> list[Row]:
    from bench.scenarios import MEASURE_HOOKS, MeasureContext, Unavailable  # noqa: PLC0415

    if options.only:
        return []
    context = MeasureContext(
        database_url=bench_url,
        redis_url=os.environ.get("REDIS_URL", ""),
        duration=options.duration,
        quick=options.quick,
    )
    rows: list[Row] = []
    for hook in MEASURE_HOOKS:
        try:
            results = hook(context)
        except Unavailable as reason:
            options.skipped.append(str(reason))
            continue
        rows.extend(
            Row(
                r.name,
                r.median_ms,
                r.p95_ms,
                r.p99_ms,
                r.per_second,
                queries=r.queries,
                note=r.note,
                kind="measure",
            )
            for r in results
        )
    return rows


def run_http(options: Options, bench_url: str) -> tuple[list[Row], list[float]]:
    import psycopg2  # noqa: PLC0415

    from bench.scenarios import BASELINE, Unavailable  # noqa: PLC0415

    scenarios = [BASELINE, *select_scenarios(options)]
    server = Server(options.workers)
    server.start()
    measured: list[tuple[Row, Prepared]] = []
    prepared_all: list[Prepared] = []
    try:
        logins = Logins(server.base)
        connection = psycopg2.connect(bench_url)
        try:
            with connection.cursor() as cursor:
                for scenario in scenarios:
                    try:
                        paths = scenario.paths(cursor)
                    except Unavailable as reason:
                        options.skipped.append(str(reason))
                        continue
                    prepared_all.append(
                        Prepared(
                            scenario,
                            paths,
                            logins.headers(scenario.auth, scenario.auth_mode),
                        )
                    )
        finally:
            connection.close()
        baseline = prepared_all[0] if prepared_all[0].scenario is BASELINE else None
        for prepared in prepared_all:
            problem = check_once(server.base, prepared)
            if not problem:
                log(f"load: {prepared.scenario.name}")
                try:
                    row = measure_http(server.base, prepared, options)
                    if options.bracket and baseline and prepared is not baseline:
                        bracket_with_baseline(row, server.base, baseline, options)
                    measured.append((row, prepared))
                except LoadError as error:
                    problem = str(error)
            if problem:
                options.skipped.append(
                    f"{prepared.scenario.name}: {problem}; not measured"
                )
                measured.append(
                    (Row(prepared.scenario.name, note=f"FAILED: {problem}"), prepared)
                )
        if len(prepared_all) > 2 and prepared_all[0].scenario is BASELINE:
            # The machine may be shared: the baseline again at the end shows the drift.
            log("load: baseline again")
            again = measure_http(server.base, prepared_all[0], options)
            again.name = f"{BASELINE.name} (again, at the end)"
            again.note = "drift check: compare with the first baseline row"
            measured.append((again, prepared_all[0]))
        memory = server.peak_rss_mib()
    finally:
        server.stop()
    for row, prepared in measured:
        row.queries = count_queries(prepared)
    return [row for row, _prepared in measured], memory


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--size",
        type=int,
        required=True,
        help="dataset size: the number of dossiers (citizens are size/4)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short runs (4 s per scenario, 1 s warm-up)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds of load per scenario (default 30, quick 4)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help="seconds of unmeasured load before each scenario (default 5, quick 1)",
    )
    parser.add_argument(
        "--connections", type=int, help="concurrent connections (default 2 × workers)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="gunicorn workers (default: cores)",
    )
    parser.add_argument(
        "--database",
        default="portal_bench",
        help="benchmark database name (dropped and recreated)",
    )
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument(
        "--scenarios",
        default="",
        help="comma-separated words; run only scenarios whose name contains one",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="Markdown file to write (default bench/results/<timestamp>.md)",
    )
    parser.add_argument(
        "--drop-after",
        action="store_true",
        help="drop the benchmark database at the end",
    )
    parser.add_argument(
        "--no-bracket",
        action="store_true",
        help="divide by the first baseline only, instead of a baseline measured right after each scenario",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="prepare and fill the database, then stop (times the generator)",
    )
    args = parser.parse_args(argv)
    duration = (
        args.duration if args.duration is not None else (4.0 if args.quick else 30.0)
    )
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 5.0)
    return Options(
        size=args.size,
        quick=args.quick,
        duration=duration,
        warmup=warmup,
        connections=args.connections or 2 * args.workers,
        database=args.database,
        seed=args.seed,
        only=[w.strip() for w in args.scenarios.split(",") if w.strip()],
        out=args.out,
        drop_after=args.drop_after,
        workers=args.workers,
        generate_only=args.generate_only,
        bracket=not args.no_bracket,
    )


def main(argv: list[str] | None = None) -> int:
    load_start = os.getloadavg()[0]
    options = parse_args(argv)
    started = datetime.now(UTC)
    ensure_tools()
    bench_url, maintenance_url = database_urls(options.database)
    os.environ.update(production_environment(bench_url))
    sys.path.insert(0, str(ROOT))
    try:
        reports = prepare_database(options, bench_url, maintenance_url)
        if options.generate_only:
            log(f"generated {options.database}; --generate-only, no load run")
            return 0
        log("pgbench baseline")
        pg_row = run_pgbench(options, bench_url, maintenance_url)
        http_rows, memory = run_http(options, bench_url)
        measure_rows = run_measures(options, bench_url)
    finally:
        if options.drop_after:
            from django.db import connections  # noqa: PLC0415

            connections.close_all()
            drop_database(maintenance_url, options.database)
    table = render_table(
        [pg_row, *http_rows, *measure_rows],
        options=options,
        reports=reports,
        info=machine_info(load_start),
        memory=memory,
        started=started,
    )
    out = options.out or RESULTS_DIR / f"{started:%Y%m%d-%H%M%S}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table)
    print(table)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
