"""Catalogue search over a generated catalogue: server time and query count.

    export PORTAL_PG_PORT=... PORTAL_REDIS_PORT=...; eval "$(scripts/services.sh up)"
    export DJANGO_SECRET_KEY=$(.venv/bin/python -c 'import secrets;print(secrets.token_urlsafe(50))')
    .venv/bin/python -m bench.catalogue_search [--size 10000] [--repeat 20]

Creates (or reuses) a separate database `<name>_bench_catalogue` on the configured
server, migrates it, loads the real demo catalogue plus `--size` generated
procedures, then times each realistic query through the whole Django stack
(middleware, view, template or serializer) with the test client: the HTML catalogue
page, the API list, and a bare JSON view as the baseline, under the same settings.
Reports median and p95 in milliseconds, the ratio to the baseline, and the number
of SQL queries per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402

QUERIES = (
    "giay phep xay dung",
    "khai sinh",
    "đăng ký kết hôn",
    "ly lich tu phap",
    "cap lai giay phep lai xe",
    "xay dung giay phep",  # word order
    "giay phep xay dunh",  # typo
    "chung chi hanh nghe duoc",
    "ho kinh doanh",
    "tro cap xa hoi",
    "1.001193",  # code lookup
    "8.004242",
    "an toan thuc pham",
    "",  # the unfiltered first page
)


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), path("", include("portal.urls"))]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(size: int) -> None:
    from bench.catalogue import generate_catalogue  # noqa: PLC0415
    from procedures.models import Procedure  # noqa: PLC0415

    database = settings.DATABASES["default"]
    database["TEST"] = {
        **database.get("TEST", {}),
        "NAME": f"{database['NAME']}_bench_catalogue",
    }
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=True, serialize=False
    )
    from accounts.demo import seed as seed_agencies  # noqa: PLC0415
    from procedures.demo import seed as seed_catalogue  # noqa: PLC0415

    seed_agencies()
    seed_catalogue()
    missing = size - Procedure.objects.filter(national_code__startswith="8.").count()
    if missing > 0:
        started = time.perf_counter()
        generate_catalogue(size=missing)
        print(
            f"generated {missing} procedures in {time.perf_counter() - started:.1f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE procedures_procedure")
    print(f"catalogue: {Procedure.objects.published().count()} published procedures")


class Sample:
    """Wall-clock times (what a user waits, inflated when the machine is busy) and
    this process's CPU times (Django's own work, steady under contention), in ms."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.queries = 0


def measure(client: Client, url: str, params: dict[str, str], repeat: int) -> Sample:
    client.get(url, params, secure=True)  # warm caches and connections
    sample = Sample()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params, secure=True)
            sample.cpu.append((time.process_time() - cpu) * 1000)
            sample.wall.append((time.perf_counter() - wall) * 1000)
        sample.queries = max(sample.queries, len(captured.captured_queries))
        if response.status_code != 200:
            raise SystemExit(f"{url}?{params} answered {response.status_code}")
    return sample


def report(label: str, sample: Sample, baseline: float) -> None:
    p95 = percentile(sample.wall, 0.95)
    print(
        f"{label:<40} {statistics.median(sample.wall):8.2f} {p95:8.2f} "
        f"{p95 / baseline:8.1f}x {statistics.median(sample.cpu):8.2f} "
        f"{percentile(sample.cpu, 0.95):8.2f} {sample.queries:5d}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    options: Any = parser.parse_args(argv)
    setup_test_environment()
    prepare(options.size)
    client = Client()
    # Static URLs without a collected manifest; everything else as configured.
    storages = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, STORAGES=storages):
        bare = measure(client, "/bench/bare/", {}, options.repeat * 5)
        baseline = percentile(bare.wall, 0.95)
        print(
            f"{'request':<40} {'p50 ms':>8} {'p95 ms':>8} {'p95/bare':>9} "
            f"{'cpu p50':>8} {'cpu p95':>8} {'SQL':>5}"
        )
        report("bare JSON view (baseline)", bare, baseline)
        totals = {"html": Sample(), "api": Sample()}
        counts: dict[str, set[int]] = {"html": set(), "api": set()}
        for query in QUERIES:
            for kind, url in (("html", "/procedures/"), ("api", "/api/v1/procedures/")):
                sample = measure(client, url, {"q": query}, options.repeat)
                totals[kind].wall.extend(sample.wall)
                totals[kind].cpu.extend(sample.cpu)
                counts[kind].add(sample.queries)
                report(f"{kind} q={query!r}", sample, baseline)
        for kind, total in totals.items():
            print(
                f"ALL {kind}: wall p50 {statistics.median(total.wall):.2f} ms, "
                f"p95 {percentile(total.wall, 0.95):.2f} ms; Django CPU p50 "
                f"{statistics.median(total.cpu):.2f} ms, p95 "
                f"{percentile(total.cpu, 0.95):.2f} ms; queries per request "
                f"{sorted(counts[kind])}"
            )
        print(f"load average during the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
