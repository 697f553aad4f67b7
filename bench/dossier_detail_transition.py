"""p50/p95 and query counts of a dossier transition and of the dossier detail API.

    source the services (DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY), then
    .venv/bin/python -m bench.dossier_detail_transition [--size 200000] [--samples 200]

Generates `--size` dossiers (once; re-runs top up) spread over 20 receiving centres,
180 departments and 100 procedures in the configured database, then times, in
process and with the query count of each call:
- `dossier_receive` on distinct submitted dossiers (row lock, transition, appointment
  from the working calendar, audit row, notice);
- GET /api/v1/dossiers/{code}/ through the full middleware stack (Django test client,
  force-authenticated clerk) on dossiers that have a history.
Server time only: no network or WSGI server in the path.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
# The clerk acts without a TOTP login, as in bench/settings.py: the second-factor
# check is one indexed query, not what this script measures.
os.environ.setdefault("STAFF_MFA_REQUIRED", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import Agency, Membership, User  # noqa: E402
from dossiers import services  # noqa: E402
from dossiers.models import NATIONAL_STATUS_CODES, Dossier, DossierState  # noqa: E402
from procedures.models import Field, Procedure  # noqa: E402

PREFIX = "BENCH"
S = DossierState
STATES = [S.SUBMITTED, S.RECEIVED, S.APPRAISING, S.READY, S.RETURNED, S.RETURNED]


def ensure_world() -> tuple[list[Agency], list[Procedure], User]:
    province, _ = Agency.objects.get_or_create(
        code="000.00.00.B99", defaults={"name": "Bench province", "kind": "province"}
    )
    centres: list[Agency] = []
    departments: list[Agency] = []
    for index in range(1, 201):
        kind = "one_stop_centre" if index <= 20 else "department"
        agency, _ = Agency.objects.get_or_create(
            code=f"000.{index // 100:02d}.{index % 100:02d}.B99",
            defaults={
                "name": f"Bench agency {index}",
                "kind": kind,
                "parent": province,
            },
        )
        (centres if index <= 20 else departments).append(agency)
    field, _ = Field.objects.get_or_create(
        code="B99-01", defaults={"name": "Bench field"}
    )
    procedures = []
    for index in range(100):
        procedure, created = Procedure.objects.get_or_create(
            national_code=f"9.{index:06d}",
            version=1,
            defaults={
                "name": f"Bench procedure {index}",
                "field": field,
                "level": "province",
                "competent_agency": departments[index % len(departments)],
                "processing_days": Decimal(10),
                "online_level": "full",
                "status": "published",
            },
        )
        if created:
            procedure.receiving_agencies.set(centres)
        procedures.append(procedure)
    clerk, created = User.objects.get_or_create(
        email="bench-clerk@example.vn", defaults={"full_name": "Bench clerk"}
    )
    if created:
        Membership.objects.create(user=clerk, agency=centres[0], role="clerk")
    return centres, procedures, clerk


def generate(size: int, centres: list[Agency], procedures: list[Procedure]) -> None:
    """Top the table up to `size` bench dossiers with one INSERT ... SELECT."""
    existing = Dossier.objects.filter(code__startswith=PREFIX).count()
    if existing >= size:
        return
    states = [str(state) for state in STATES]
    codes = [NATIONAL_STATUS_CODES[state] for state in STATES]
    competent = [procedure.competent_agency_id for procedure in procedures]
    sql = """
        INSERT INTO dossiers_dossier (
            code, state, status_code, channel, applicant_type, applicant_name,
            applicant_phone, applicant_national_id, applicant_email, applicant_address,
            submitter_name, submitter_phone, submitter_national_id, summary,
            procedure_id, receiving_agency_id, current_agency_id, submitted_at,
            received_at, appointment_at, original_appointment_at, supplement_count,
            late_by_rule, paused_from_state, reason, deadline_status, timeliness,
            return_channel, created_at, updated_at)
        SELECT
            %(prefix)s || '-' || lpad(n::text, 7, '0'),
            (%(states)s::text[])[1 + n %% %(nstates)s],
            (%(codes)s::int[])[1 + n %% %(nstates)s],
            2, 'citizen', 'Bench',
            '+8491' || lpad((n %% 10000000)::text, 7, '0'), '', '', '', '', '', '', '',
            (%(procedures)s::bigint[])[1 + n %% %(nprocedures)s],
            (%(centres)s::bigint[])[1 + n %% %(ncentres)s],
            CASE WHEN n %% %(nstates)s = 0
                 THEN (%(centres)s::bigint[])[1 + n %% %(ncentres)s]
                 ELSE (%(competent)s::bigint[])[1 + n %% %(nprocedures)s] END,
            now() - (n %% 700) * interval '1 day',
            CASE WHEN n %% %(nstates)s = 0 THEN NULL ELSE now() END,
            CASE WHEN n %% %(nstates)s = 0 THEN NULL ELSE now() END,
            CASE WHEN n %% %(nstates)s = 0 THEN NULL ELSE now() END,
            0, false, '', '', '', '', '', now(), now()
        FROM generate_series(%(start)s, %(stop)s) AS n
    """
    params: dict[str, Any] = {
        "prefix": PREFIX,
        "states": states,
        "codes": codes,
        "nstates": len(states),
        "procedures": [procedure.pk for procedure in procedures],
        "nprocedures": len(procedures),
        "competent": competent,
        "centres": [centre.pk for centre in centres],
        "ncentres": len(centres),
    }
    step = 100_000
    with connection.cursor() as cursor:
        for start in range(existing, size, step):
            stop = min(size, start + step) - 1
            cursor.execute(sql, {**params, "start": start, "stop": stop})
            print(f"  {stop + 1:,} dossiers", flush=True)
        cursor.execute("ANALYZE dossiers_dossier")


def measure(call: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries)


def report(name: str, samples: list[tuple[float, int]]) -> None:
    times = sorted(sample[0] for sample in samples)
    counts = sorted({sample[1] for sample in samples})
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{name:<38} n={len(times):>4}  p50={statistics.median(times):6.1f} ms  "
        f"p95={p95:6.1f} ms  queries={counts}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    centres, procedures, clerk = ensure_world()
    generate(args.size, centres, procedures)
    print(f"dossiers in the database: {Dossier.objects.count():,}")
    warmup = 20
    targets = list(
        Dossier.objects.filter(
            code__startswith=PREFIX, state=S.SUBMITTED, receiving_agency=centres[0]
        ).order_by("?")[: args.samples + warmup]
    )
    transition = []
    for index, dossier in enumerate(targets):
        sample = measure(
            lambda dossier=dossier: services.dossier_receive(
                dossier=dossier, actor=clerk
            )
        )
        if index >= warmup:
            transition.append(sample)
    report("transition (dossier_receive)", transition)
    client = APIClient()
    client.force_authenticate(clerk)
    detail = []
    for index, dossier in enumerate(targets):
        statuses: list[int] = []
        sample = measure(
            lambda code=dossier.code, statuses=statuses: statuses.append(
                client.get(f"/api/v1/dossiers/{code}/").status_code
            )
        )
        if statuses != [200]:
            raise SystemExit(f"detail returned {statuses}")
        if index >= warmup:
            detail.append(sample)
    report("detail GET /api/v1/dossiers/{code}/", detail)


if __name__ == "__main__":
    main()
