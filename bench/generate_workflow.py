"""Generator steps around the dossier history: the catalogue before it, and after it a
supply of submitted dossiers that the transition scenario consumes one per request.

- `step_catalogue`: about 10,000 published procedures (names built from real
  Vietnamese procedure vocabulary, bench/catalogue.py), each with 2-6 required
  documents and often a fee, owned by the province's departments (province level,
  received at the one-stop centre) or its communes (commune level), through COPY.
  bench/dossier_history.py then spreads its dossiers over these procedures.
- `step_submitted_supply`: online dossiers waiting in state `submitted` at the
  one-stop centre, with their `submit` event, so that `POST .../transitions/receive/`
  can run once per dossier and never repeats one. Their codes use past Sundays (no
  generated dossier is received on a Sunday) and today's code counters are set past
  the generated codes, so dossiers created during the run never collide.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bench.generate import CENTRE_CODE, _full_name, allocate_ids, copy_rows

CATALOGUE_SIZE = 10_000


def catalogue_count(size: int) -> int:
    """10,000 procedures for any real dataset; fewer for the tiny smoke datasets."""
    return min(CATALOGUE_SIZE, max(200, size))


def supply_count(size: int) -> int:
    """Submitted dossiers for the transition scenario: enough for a 35 s run at a few
    hundred receipts a second; at least 200 for the smoke datasets."""
    return min(20_000, max(200, size // 5))


def step_catalogue(cursor: Any, size: int, rng: random.Random) -> Mapping[str, int]:
    from django.utils import timezone  # noqa: PLC0415

    from bench.catalogue import DOCUMENTS, OBJECTS, QUALIFIERS, VERBS  # noqa: PLC0415

    cursor.execute("SELECT id, kind, parent_id, code FROM accounts_agency")
    agencies = cursor.fetchall()
    province = next(pk for pk, kind, parent, _c in agencies if parent is None)
    centre = next(pk for pk, _k, _p, code in agencies if code == CENTRE_CODE)
    departments = [
        pk
        for pk, kind, parent, _c in agencies
        if kind == "department" and parent == province
    ]
    communes = [pk for pk, kind, _p, _c in agencies if kind == "commune"]
    cursor.execute("SELECT id FROM procedures_field ORDER BY id")
    fields = [row[0] for row in cursor.fetchall()]
    count = catalogue_count(size)
    ids = allocate_ids(cursor, "procedures_procedure", count)
    now = timezone.now()
    procedures = []
    receiving = []
    documents = []
    fees = []
    for number, pk in enumerate(ids):
        commune_level = rng.random() < 0.35
        name = " ".join(
            part
            for part in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS))
            if part
        )
        procedures.append(
            (
                pk,
                f"1.{number:06d}",
                f"1.{number:06d}.000.00.00.H49",
                1,
                name,
                "commune" if commune_level else "province",
                Decimal(rng.choice((1, 3, 5, 7, 10, 15, 20, 30))),
                rng.choice(("full", "partial", "none")),
                "Bước 1: Nộp hồ sơ. Bước 2: Thẩm định. Bước 3: Trả kết quả.",
                "Trực tiếp, qua bưu chính hoặc trực tuyến.",
                "Công dân, tổ chức",
                "",
                "Văn bản quy phạm pháp luật hiện hành.",
                name.split(" ", 1)[-1],
                "",
                False,
                "shift",
                "published",
                "",
                now,
                now,
                rng.choice(communes if commune_level else departments),
                rng.choice(fields),
            )
        )
        if not commune_level:
            receiving.append((pk, centre))
        for position, document in enumerate(rng.sample(DOCUMENTS, rng.randint(2, 6))):
            documents.append((pk, "", document, position < 2, 1, 0, "", "", position))
        if rng.random() < 0.6:
            fees.append((pk, "Lệ phí", Decimal(rng.choice((0, 50_000, 100_000))), ""))
    return {
        "procedures_procedure": copy_rows(
            cursor,
            "procedures_procedure",
            (
                "id",
                "national_code",
                "local_code",
                "version",
                "name",
                "level",
                "processing_days",
                "online_level",
                "steps",
                "method",
                "target_group",
                "conditions",
                "legal_basis",
                "result",
                "fee_note",
                "resolved_on_site",
                "supplement_policy",
                "status",
                "publishing_decision",
                "created_at",
                "updated_at",
                "competent_agency_id",
                "field_id",
            ),
            procedures,
        ),
        "procedures_procedure_receiving_agencies": copy_rows(
            cursor,
            "procedures_procedure_receiving_agencies",
            ("procedure_id", "agency_id"),
            receiving,
        ),
        "procedures_requireddocument": copy_rows(
            cursor,
            "procedures_requireddocument",
            (
                "procedure_id",
                "code",
                "name",
                "mandatory",
                "originals",
                "copies",
                "note",
                "template",
                "position",
            ),
            documents,
        ),
        "procedures_fee": copy_rows(
            cursor, "procedures_fee", ("procedure_id", "name", "amount", "note"), fees
        ),
    }


def step_submitted_supply(
    cursor: Any, size: int, rng: random.Random
) -> Mapping[str, int]:
    from django.utils import timezone  # noqa: PLC0415

    from bench.dossier_history import DOSSIER_COLUMNS, STATUS  # noqa: PLC0415

    cursor.execute("SELECT id FROM accounts_agency WHERE code = %s", [CENTRE_CODE])
    centre = cursor.fetchone()[0]
    cursor.execute(
        "SELECT p.id FROM procedures_procedure p JOIN procedures_procedure_receiving_agencies r "
        "ON r.procedure_id = p.id WHERE r.agency_id = %s AND p.status = 'published' "
        "ORDER BY p.id LIMIT 500",
        [centre],
    )
    procedures = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT id, phone FROM accounts_user WHERE NOT is_staff AND phone LIKE '+849%%' "
        "ORDER BY id LIMIT 5000"
    )
    citizens = cursor.fetchall()
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    last_sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7 or 7)
    count = supply_count(size)
    ids = allocate_ids(cursor, "dossiers_dossier", count)
    dossiers = []
    events = []
    for number, pk in enumerate(ids):
        day = last_sunday - dt.timedelta(weeks=number // 9000)
        submitted = dt.datetime.combine(
            day, dt.time(8 + number % 10, number % 60), tzinfo=tz
        )
        owner, phone = rng.choice(citizens)
        dossiers.append(
            (
                pk,
                f"{CENTRE_CODE}-{day:%y%m%d}-{number % 9000 + 1:04d}",
                "submitted",
                STATUS["submitted"],
                2,
                owner,
                "citizen",
                _full_name(rng),
                phone,
                "",
                "",
                "",
                "",
                "",
                "",
                "Hồ sơ nộp trực tuyến",
                rng.choice(procedures),
                centre,
                centre,
                submitted,
                None,
                None,
                None,
                None,
                None,
                "",
                0,
                False,
                "",
                "",
                "",
                "",
                submitted,
                submitted,
            )
        )
        events.append((pk, "submit", "draft", "submitted", "", submitted, "", owner))
    written = copy_rows(cursor, "dossiers_dossier", DOSSIER_COLUMNS, dossiers)
    written_events = copy_rows(
        cursor,
        "dossiers_dossierevent",
        (
            "dossier_id",
            "action",
            "from_state",
            "to_state",
            "reason",
            "created_at",
            "step_timeliness",
            "actor_id",
        ),
        events,
    )
    # Codes handed out during the run continue after the generated ones of the day.
    counters = 0
    for day in (today, today + dt.timedelta(days=1)):
        cursor.execute(
            "INSERT INTO dossiers_dossiercodecounter (agency_id, day, last_number) "
            "SELECT receiving_agency_id, %s, max(right(code, 4)::int) FROM dossiers_dossier "
            "WHERE code LIKE '%%-' || %s || '-%%' GROUP BY receiving_agency_id "
            "ON CONFLICT DO NOTHING",
            [day, f"{day:%y%m%d}"],
        )
        counters += cursor.rowcount
    return {
        "dossiers_dossier": written,
        "dossiers_dossierevent": written_events,
        "dossiers_dossiercodecounter": counters,
    }
