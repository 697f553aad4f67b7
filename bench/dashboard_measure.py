"""Server time of the province-year dashboard on an already generated database.

The full harness (bench.run) recreates and refills its database on every run; at a
million dossiers that costs half an hour. This script measures the dashboard views
in-process (Django test client: URL routing, middleware, session, view, template or
serializer, every SQL query; no socket, no WSGI server) on a database that
`python -m bench.run --size N --generate-only --database NAME` has filled:

    DATABASE_URL=postgres://.../NAME DJANGO_SETTINGS_MODULE=bench.settings \\
        .venv/bin/python -m bench.dashboard_measure --runs 200

It prints median, p95 and p99 in milliseconds and the query count per request, for
the stats API, the managers' page and the public page over one calendar year.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

PATHS = (
    ("stats API, province, one year", "/api/v1/stats/?from=2025-01-01&to=2025-12-31"),
    ("dashboard page, province, one year", "/thong-ke/?from=2025-01-01&to=2025-12-31"),
    (
        "public statistics, one year",
        "/thong-ke/cong-khai/?from=2025-01-01&to=2025-12-31",
    ),
    (
        "stats API, one department, one quarter",
        "/api/v1/stats/?from=2025-04-01&to=2025-06-30&agency=000.00.12.H49",
    ),
)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, -(-len(ordered) * pct // 100) - 1))
    return ordered[int(index)]


def measure(runs: int, log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    import django  # noqa: PLC0415

    django.setup()
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from bench.generate import BENCH_LOGINS  # noqa: PLC0415

    manager = User.objects.get(email=BENCH_LOGINS["manager"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)
    results = []
    for name, path in PATHS:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        # Counted with a wrapper: CaptureQueriesContext is reset by request_started.
        queries: list[str] = []

        def count(
            execute: Any, sql: str, *args: Any, _seen: list[str] = queries
        ) -> Any:
            _seen.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(path)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        row = {
            "name": name,
            "median": statistics.median(times),
            "p95": _percentile(times, 95),
            "p99": _percentile(times, 99),
            "queries": len(queries),
        }
        results.append(row)
        log(
            f"{name:<42} median {row['median']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
            f"p99 {row['p99']:7.1f} ms  {row['queries']} queries"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    measure(args.runs)


if __name__ == "__main__":
    main()
