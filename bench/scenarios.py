"""What the harness measures: HTTP scenarios and non-HTTP measures, in one registry.

A `Scenario` is one request shape driven by wrk against gunicorn. `SCENARIOS` holds
the ones whose code exists on every branch; `SCENARIO_HOOKS` holds functions that
build scenarios for features other branches bring (catalogue, dossiers, dashboard,
lookup) and raise `Unavailable` with the reason when that feature's code is absent,
so the run prints why it skipped them and never a made-up number.

Paths may be a fixed string or a factory that reads ids from the benchmark database
(a psycopg2 cursor) and returns the list of paths the load cycles over.

`MEASURE_HOOKS` holds non-HTTP measures (the SMS pipeline) that return result rows
of their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Auth = Literal[
    "anonymous", "citizen", "clerk", "specialist", "leader", "manager", "admin"
]
AuthMode = Literal["session", "token"]
PathFactory = Callable[[Any], Sequence[str]]


class Unavailable(Exception):  # noqa: N818 - reads as "raise Unavailable(reason)"
    """A scenario or measure cannot run on this code base; the message says why."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str | PathFactory
    method: str = "GET"
    auth: Auth = "anonymous"
    # How an authenticated scenario carries its login: a session cookie (pages) or
    # a DRF token header (API). Both are obtained over HTTP before the load run.
    auth_mode: AuthMode = "session"
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect_status: int = 200
    # Mutating scenarios (POST that changes state) are measured by wrk but their query
    # count is taken once in a rolled-back transaction.
    mutates: bool = False

    def paths(self, cursor: Any) -> list[str]:
        paths = [self.path] if isinstance(self.path, str) else list(self.path(cursor))
        if not paths:
            raise Unavailable(
                f"{self.name}: the benchmark database has no rows to request"
            )
        return paths


@dataclass(frozen=True)
class MeasureResult:
    """A result row from a non-HTTP measure (times in milliseconds)."""

    name: str
    median_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float
    queries: int | None = None
    note: str = ""


def _token_body() -> bytes:
    from urllib.parse import urlencode  # noqa: PLC0415

    from bench.generate import BENCH_LOGINS, BENCH_PASSWORD  # noqa: PLC0415

    return urlencode(
        {"username": BENCH_LOGINS["citizen"], "password": BENCH_PASSWORD}
    ).encode()


# The baseline every other row is divided by; run.py measures it first.
BASELINE = Scenario(name="baseline: bare JSON view", path="/bench/baseline/")

SCENARIOS: list[Scenario] = [
    Scenario(name="home page", path="/"),
    Scenario(name="healthz", path="/healthz"),
    Scenario(name="login page", path="/accounts/login/"),
    Scenario(name="admin login page", path="/admin/login/"),
    Scenario(name="admin index (admin session)", path="/admin/", auth="admin"),
    Scenario(
        name="token API (password check)",
        path="/api/v1/auth/token/",
        method="POST",
        body=_token_body(),
        content_type="application/x-www-form-urlencoded",
    ),
]


# --- hooks for features that other branches bring ----------------------------------


def require_url(path: str, feature: str) -> None:
    """Raise Unavailable unless `path` resolves in the running URL conf."""
    from django.urls import Resolver404, resolve  # noqa: PLC0415

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        raise Unavailable(f"{feature}: no URL {path} on this branch") from None


def require_model(label: str, feature: str) -> type[Any]:
    """Return the model `app_label.Model`, or raise Unavailable when it is absent."""
    from django.apps import apps  # noqa: PLC0415

    try:
        return apps.get_model(label)
    except LookupError:
        raise Unavailable(f"{feature}: model {label} is not on this branch") from None


def _rows(cursor: Any, sql: str, limit: int = 500) -> list[tuple[Any, ...]]:
    cursor.execute(f"{sql} LIMIT {int(limit)}")
    return list(cursor.fetchall())


def catalogue_search() -> list[Scenario]:
    """Catalogue search over ~10,000 procedures (issue 3): the API and the page."""
    require_model("procedures.Procedure", "catalogue search")
    require_url("/api/v1/procedures/", "catalogue search")
    queries = [
        "giay phep xay dung",
        "khai sinh",
        "đăng ký kết hôn",
        "ly lich tu phap",
        "dat dai",
    ]
    paths = [f"/api/v1/procedures/?q={q.replace(' ', '+')}" for q in queries]
    return [Scenario(name="catalogue search API", path=lambda _cursor: paths)]


def clerk_queue() -> list[Scenario]:
    """A clerk's scoped dossier queue (issue 4)."""
    require_model("dossiers.Dossier", "clerk queue")
    require_url("/api/v1/dossiers/", "clerk queue")
    return [
        Scenario(
            name="clerk queue API",
            path="/api/v1/dossiers/?state=received",
            auth="clerk",
            auth_mode="token",
        )
    ]


def dossier_detail() -> list[Scenario]:
    """Dossier detail with history, as a scoped clerk (issue 4)."""
    model = require_model("dossiers.Dossier", "dossier detail")
    require_url("/api/v1/dossiers/X/", "dossier detail")
    table = model._meta.db_table

    def paths(cursor: Any) -> list[str]:
        return [
            f"/api/v1/dossiers/{code}/"
            for (code,) in _rows(cursor, f"SELECT code FROM {table} ORDER BY id DESC")
        ]

    return [
        Scenario(
            name="dossier detail API", path=paths, auth="manager", auth_mode="token"
        )
    ]


def submit_with_upload() -> list[Scenario]:
    """A citizen submitting a dossier with a PDF attached (issue 4).

    Needs the dossier API's multipart contract; the lead fills in the body at merge.
    """
    require_model("dossiers.Dossier", "submit with upload")
    require_url("/api/v1/dossiers/", "submit with upload")
    raise Unavailable(
        "submit with upload: multipart body not wired yet (see bench/README.md)"
    )


def one_transition() -> list[Scenario]:
    """One workflow transition through the API (issue 4).

    A transition consumes its dossier, so the path factory must hand out dossiers in
    the source state, one per request; wired by the lead at merge.
    """
    require_model("dossiers.Dossier", "one transition")
    require_url("/api/v1/dossiers/X/transitions/receive/", "one transition")
    raise Unavailable(
        "one transition: per-request dossier supply not wired yet (see bench/README.md)"
    )


def province_year_dashboard() -> list[Scenario]:
    """The statistics for the whole province over one year (issue 8)."""
    require_url("/api/v1/stats/", "province-year dashboard")
    require_url("/thong-ke/", "province-year dashboard")
    year = "from=2025-01-01&to=2025-12-31"
    return [
        Scenario(
            name="stats API, province, one year",
            path=f"/api/v1/stats/?{year}",
            auth="manager",
            auth_mode="token",
        ),
        Scenario(
            name="dashboard page, province, one year",
            path=f"/thong-ke/?{year}",
            auth="manager",
        ),
        Scenario(
            name="public statistics, one year", path=f"/thong-ke/cong-khai/?{year}"
        ),
    ]


def public_lookup() -> list[Scenario]:
    """The public lookup by dossier code and phone (issue 4), throttling included."""
    model = require_model("dossiers.Dossier", "public lookup")
    require_url("/api/v1/lookup/", "public lookup")
    table = model._meta.db_table

    def paths(cursor: Any) -> list[str]:
        rows = _rows(
            cursor, f"SELECT code, applicant_phone FROM {table} ORDER BY id DESC"
        )
        return [
            f"/api/v1/lookup/?code={code}&phone={phone.replace('+', '%2B')}"
            for code, phone in rows
        ]

    return [Scenario(name="public lookup API", path=paths)]


SCENARIO_HOOKS: list[Callable[[], list[Scenario]]] = [
    catalogue_search,
    clerk_queue,
    dossier_detail,
    submit_with_upload,
    one_transition,
    province_year_dashboard,
    public_lookup,
]


@dataclass(frozen=True)
class MeasureContext:
    """What a non-HTTP measure gets from the harness."""

    database_url: str
    redis_url: str
    duration: float
    quick: bool


def sms_pipeline(context: MeasureContext) -> list[MeasureResult]:
    """Messages per second through a real Celery worker to a local provider (issue 5).

    Expects bench/sms_pipeline.py to expose `run_for_harness(context) ->
    list[MeasureResult]`; the SMS branch brings the module, the lead adapts the call.
    """
    try:
        module = importlib.import_module("bench.sms_pipeline")
    except ModuleNotFoundError:
        raise Unavailable(
            "SMS pipeline: bench/sms_pipeline.py is not on this branch"
        ) from None
    run = getattr(module, "run_for_harness", None)
    if run is None:
        raise Unavailable(
            "SMS pipeline: bench.sms_pipeline has no run_for_harness(context)"
        )
    results: list[MeasureResult] = run(context)
    return results


MEASURE_HOOKS: list[Callable[[MeasureContext], list[MeasureResult]]] = [sms_pipeline]
