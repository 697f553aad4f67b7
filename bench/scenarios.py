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
    # A request that consumes its path (a transition on one dossier): the run hands
    # every path out once across the check, warm-up and measured runs, keeps one back
    # for the query count, and flags any repeat as an unexpected answer.
    one_shot: bool = False
    # A Python module run as the load process instead of wrk, for request chains wrk
    # cannot express (bench/upload_driver.py); it writes latency.lua's JSON and
    # exposes count_queries(client, path, extra) for the in-process query count.
    driver: str | None = None

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


# Realistic searches, as citizens type them: with and without Vietnamese accents,
# short and long, one that matches little.
CATALOGUE_QUERIES = (
    "giấy phép xây dựng",
    "giay phep xay dung",
    "khai sinh",
    "đăng ký kết hôn",
    "dang ky ket hon",
    "lý lịch tư pháp",
    "ly lich tu phap",
    "cấp đổi giấy chứng nhận quyền sử dụng đất",
    "dat dai",
    "hộ kinh doanh",
    "giay phep lai xe",
    "trợ cấp xã hội",
)
DOSSIER_TABLE = "dossiers_dossier"


def _centre_id(cursor: Any) -> int:
    from bench.generate import CENTRE_CODE  # noqa: PLC0415

    cursor.execute("SELECT id FROM accounts_agency WHERE code = %s", [CENTRE_CODE])
    row = cursor.fetchone()
    if row is None:
        raise Unavailable("the benchmark database has no one-stop centre")
    return int(row[0])


def catalogue_search() -> list[Scenario]:
    """Catalogue search over ~10,000 procedures (issue 3): the API and the page."""
    from urllib.parse import quote_plus  # noqa: PLC0415

    require_model("procedures.Procedure", "catalogue search")
    require_url("/api/v1/procedures/", "catalogue search")
    require_url("/procedures/", "catalogue search")
    queries = [quote_plus(q) for q in CATALOGUE_QUERIES]
    api = [f"/api/v1/procedures/?q={q}" for q in queries]
    page = [f"/procedures/?q={q}" for q in queries]
    return [
        Scenario(name="catalogue search API (12 queries)", path=lambda _c: api),
        Scenario(name="catalogue search page (12 queries)", path=lambda _c: page),
    ]


def clerk_queue() -> list[Scenario]:
    """A clerk's scoped queue at the provincial centre (issue 4): the staff console
    and the API's submitted dossiers waiting for receipt."""
    require_model("dossiers.Dossier", "clerk queue")
    require_url("/api/v1/dossiers/", "clerk queue")
    scenarios = [
        Scenario(
            name="clerk queue API (submitted)",
            path="/api/v1/dossiers/?state=submitted",
            auth="clerk",
            auth_mode="token",
        )
    ]
    try:
        require_url("/can-bo/", "clerk queue")
    except Unavailable:
        return scenarios
    return [
        Scenario(name="clerk console page /can-bo/", path="/can-bo/", auth="clerk"),
        *scenarios,
    ]


def dossier_detail() -> list[Scenario]:
    """Dossier detail with history (issue 4), as a clerk of the receiving centre, over
    2,000 dossiers spread across the two years (not one cached row)."""
    require_model("dossiers.Dossier", "dossier detail")
    require_url("/api/v1/dossiers/X/", "dossier detail")

    def paths(cursor: Any) -> list[str]:
        centre = _centre_id(cursor)
        rows = _rows(
            cursor,
            f"SELECT code FROM {DOSSIER_TABLE} WHERE receiving_agency_id = {centre} "
            "AND code <> '' AND state <> 'submitted' ORDER BY md5(code)",
            limit=2000,
        )
        return [f"/api/v1/dossiers/{code}/" for (code,) in rows]

    return [
        Scenario(
            name="dossier detail API (clerk, 2,000 codes)",
            path=paths,
            auth="clerk",
            auth_mode="token",
        )
    ]


def submit_with_upload() -> list[Scenario]:
    """A citizen's whole online submission (issue 4): multipart create with a small
    real PDF for each mandatory document, then the submit transition. Driven by
    bench/upload_driver.py (wrk cannot chain the id of the first answer into the
    second request)."""
    require_model("dossiers.Dossier", "submit with upload")
    require_url("/api/v1/dossiers/", "submit with upload")
    require_url("/api/v1/dossiers/X/transitions/submit/", "submit with upload")

    def paths(cursor: Any) -> list[str]:
        from bench.generate import CENTRE_CODE  # noqa: PLC0415

        centre = _centre_id(cursor)
        rows = _rows(
            cursor,
            "SELECT p.id, string_agg(d.id::text, ',' ORDER BY d.id) "
            "FROM procedures_procedure p "
            "JOIN procedures_procedure_receiving_agencies r ON r.procedure_id = p.id "
            "JOIN procedures_requireddocument d ON d.procedure_id = p.id AND d.mandatory "
            f"WHERE r.agency_id = {centre} AND p.status = 'published' "
            "GROUP BY p.id ORDER BY p.id",
            limit=1,
        )
        return [
            f"/api/v1/dossiers/?procedure={pk}&receiving_agency={CENTRE_CODE}"
            f"&documents={documents}"
            for pk, documents in rows
        ]

    return [
        Scenario(
            name="submit with upload (create + PDF + submit)",
            path=paths,
            method="POST",
            auth="citizen",
            auth_mode="token",
            expect_status=200,
            mutates=True,
            driver="bench.upload_driver",
        )
    ]


def one_transition() -> list[Scenario]:
    """One workflow transition (issue 4): the centre's clerk receives an online
    dossier. Each request takes the next of the generator's submitted dossiers
    (bench/generate_workflow.step_submitted_supply), so none is received twice."""
    require_model("dossiers.Dossier", "one transition")
    require_url("/api/v1/dossiers/X/transitions/receive/", "one transition")

    def paths(cursor: Any) -> list[str]:
        centre = _centre_id(cursor)
        rows = _rows(
            cursor,
            f"SELECT code FROM {DOSSIER_TABLE} WHERE receiving_agency_id = {centre} "
            "AND state = 'submitted' ORDER BY id",
            limit=1_000_000,
        )
        return [f"/api/v1/dossiers/{code}/transitions/receive/" for (code,) in rows]

    return [
        Scenario(
            name="transition: receive (clerk, one dossier each)",
            path=paths,
            method="POST",
            body=b"{}",
            content_type="application/json",
            auth="clerk",
            auth_mode="token",
            mutates=True,
            one_shot=True,
        )
    ]


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
    """The public lookup by dossier code and phone (issue 4), throttling included,
    over 2,000 real (code, phone) pairs."""
    require_model("dossiers.Dossier", "public lookup")
    require_url("/api/v1/lookup/", "public lookup")

    def pairs(cursor: Any) -> list[tuple[str, str]]:
        return [
            (code, phone.replace("+", "%2B"))
            for code, phone in _rows(
                cursor,
                f"SELECT code, applicant_phone FROM {DOSSIER_TABLE} "
                "WHERE code <> '' ORDER BY md5(code)",
                limit=2000,
            )
        ]

    # The citizen page /tra-cuu/ takes the pair by POST with a CSRF token (it never
    # puts a phone number in a URL), so the API is the measured form of the lookup.
    return [
        Scenario(
            name="public lookup API (2,000 pairs)",
            path=lambda c: [f"/api/v1/lookup/?code={a}&phone={b}" for a, b in pairs(c)],
        )
    ]


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
