"""Fill a fresh database with a realistic province, fast, through PostgreSQL's bulk paths.

The generator is a list of steps. A step is any callable

    step(cursor, size, rng) -> Mapping[str, int]

taking a psycopg2 cursor on the benchmark database (inside one transaction per step),
the dataset size (the number of dossiers the full dataset should hold) and a seeded
`random.Random`; it writes rows with `copy_rows` (COPY FROM STDIN) or `insert_values`
(large execute_values batches) and returns how many rows it wrote per table. A step
reads what earlier steps wrote from the database itself (agency ids, user ids), so
steps share nothing but the schema. Register a step by appending it to `STEPS`.

Every generated user has the password `BENCH_PASSWORD`; `BENCH_LOGINS` names the
accounts the scenarios log in with.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg2.extras import execute_values

Step = Callable[[Any, int, random.Random], Mapping[str, int]]

BENCH_PASSWORD = "Bench@2026-not-a-secret"  # noqa: S105 - throwaway benchmark data
BENCH_DOMAIN = "bench.quangninh.invalid"
# The accounts authenticated scenarios log in with, by role.
BENCH_LOGINS: dict[str, str] = {
    "citizen": f"congdan@{BENCH_DOMAIN}",
    "clerk": f"motcua@{BENCH_DOMAIN}",
    "specialist": f"chuyenvien@{BENCH_DOMAIN}",
    "leader": f"lanhdao@{BENCH_DOMAIN}",
    "manager": f"quanly@{BENCH_DOMAIN}",
    "admin": f"quantri@{BENCH_DOMAIN}",
}
PROVINCE_CODE = "000.00.00.H49"
CENTRE_CODE = "000.00.01.H49"
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


# --- bulk helpers, for every step ---------------------------------------------------


def _copy_field(value: object) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class _CopyStream(io.TextIOBase):
    """A read-only text stream of COPY text-format lines, produced lazily from rows."""

    def __init__(self, rows: Iterable[Sequence[object]]) -> None:
        self._rows: Iterator[Sequence[object]] = iter(rows)
        self._buffer = ""
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        want = 1 << 16 if size is None or size < 0 else size
        while len(self._buffer) < want:
            chunk = []
            for row in self._rows:
                chunk.append("\t".join(_copy_field(v) for v in row))
                self.count += 1
                if len(chunk) >= 2000:
                    break
            if not chunk:
                break
            self._buffer += "\n".join(chunk) + "\n"
        out, self._buffer = self._buffer[:want], self._buffer[want:]
        return out


def copy_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """COPY rows (an iterable of tuples, streamed) into table; return the row count."""
    stream = _CopyStream(rows)
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)",
        stream,
        size=1 << 16,
    )
    return stream.count


def insert_values(
    cursor: Any,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    suffix: str = "",
    page_size: int = 5000,
) -> int:
    """INSERT rows in large execute_values batches (for ON CONFLICT or RETURNING)."""
    execute_values(
        cursor,
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s {suffix}",
        rows,
        page_size=page_size,
    )
    return len(rows)


def allocate_ids(cursor: Any, table: str, count: int) -> list[int]:
    """Reserve `count` primary keys from the table's own sequence, before a COPY."""
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


# --- a Vietnamese province ----------------------------------------------------------

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lương",
    "Trịnh",
    "Mai",
    "Đào",
    "Cao",
    "Lâm",
    "Tạ",
    "Hà",
]
MIDDLE_NAMES = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thu",
    "Thanh",
    "Ngọc",
    "Quang",
    "Xuân",
    "Hoài",
    "Gia",
    "Bảo",
    "Khánh",
]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Chi",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngọc",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quyên",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Trung",
    "Tuấn",
    "Tú",
    "Uyên",
    "Việt",
    "Vy",
    "Yến",
]
STREETS = (
    "Trần Hưng Đạo",
    "Lê Thánh Tông",
    "Hạ Long",
    "Nguyễn Văn Cừ",
    "Cao Thắng",
    "Kênh Liêm",
    "Bạch Đằng",
    "Hùng Vương",
    "Lê Lợi",
    "Trần Phú",
)
DEPARTMENTS = (
    ("10", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("11", "Sở Nội vụ"),
    ("12", "Sở Tư pháp"),
    ("13", "Sở Tài chính"),
    ("14", "Sở Công Thương"),
    ("15", "Sở Nông nghiệp và Môi trường"),
    ("16", "Sở Xây dựng"),
    ("17", "Sở Khoa học và Công nghệ"),
    ("18", "Sở Giáo dục và Đào tạo"),
    ("19", "Sở Y tế"),
    ("20", "Sở Văn hóa, Thể thao và Du lịch"),
    ("21", "Sở Dân tộc và Tôn giáo"),
    ("22", "Sở Ngoại vụ"),
    ("23", "Thanh tra tỉnh"),
    ("24", "Ban Quản lý Khu kinh tế"),
    ("25", "Công an tỉnh"),
    ("26", "Bảo hiểm xã hội tỉnh"),
    ("27", "Cục Thuế tỉnh"),
    ("28", "Kho bạc Nhà nước khu vực"),
    ("29", "Ban Quản lý vịnh Hạ Long"),
)
DIVISIONS = ("Phòng Hành chính - Tổng hợp", "Phòng Chuyên môn nghiệp vụ")
FORMER_DISTRICTS = (
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Quảng Yên",
    "Đông Triều",
    "Vân Đồn",
    "Tiên Yên",
    "Đầm Hà",
    "Hải Hà",
    "Bình Liêu",
    "Ba Chẽ",
    "Cô Tô",
)
COMMUNES_PER_DISTRICT = 11
FIELDS = (
    ("G01-BH01", "Bảo hiểm xã hội"),
    ("G02-CT01", "Chứng thực"),
    ("G03-GD10", "Giáo dục và Đào tạo"),
    ("G04-HT01", "Hộ tịch"),
    ("G05-LLTP", "Lý lịch tư pháp"),
    ("G06-XD01", "Hoạt động xây dựng"),
    ("G07-DD01", "Đất đai"),
    ("G08-DK01", "Thành lập và hoạt động của doanh nghiệp"),
    ("G09-DB01", "Đường bộ"),
    ("G10-KB01", "Khám bệnh, chữa bệnh"),
    ("G11-LD01", "Việc làm"),
    ("G12-BTXH", "Bảo trợ xã hội"),
    ("G13-NCC1", "Người có công"),
    ("G14-MT01", "Môi trường"),
    ("G15-TNN1", "Tài nguyên nước"),
    ("G16-DL01", "Du lịch"),
    ("G17-VH01", "Văn hóa cơ sở"),
    ("G18-TDTT", "Thể dục thể thao"),
    ("G19-TM01", "Lưu thông hàng hóa trong nước"),
    ("G20-NN01", "Trồng trọt"),
    ("G21-TS01", "Thủy sản"),
    ("G22-LN01", "Lâm nghiệp"),
    ("G23-TC01", "Quản lý công sản"),
    ("G24-NV01", "Tôn giáo Chính phủ"),
    ("G25-TDKT", "Thi đua - khen thưởng"),
)


@dataclass(frozen=True)
class _AgencyRow:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    hotline: str


def _agency_specs(rng: random.Random) -> list[_AgencyRow]:
    """About 200 agencies: the province, its centre, departments, divisions, communes."""
    rows = [
        _AgencyRow(
            PROVINCE_CODE,
            "Ủy ban nhân dân tỉnh Quảng Ninh",
            "UBND tỉnh",
            "province",
            None,
            "0203 3835 678",
        ),
        _AgencyRow(
            CENTRE_CODE,
            "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
            "TTPVHCC tỉnh",
            "one_stop_centre",
            PROVINCE_CODE,
            "0203 1022",
        ),
    ]
    for number, name in DEPARTMENTS:
        code = f"000.00.{number}.H49"
        rows.append(
            _AgencyRow(
                code,
                f"{name} tỉnh Quảng Ninh",
                name,
                "department",
                PROVINCE_CODE,
                f"0203 38{rng.randint(10000, 99999)}",
            )
        )
        for index, division in enumerate(DIVISIONS, start=1):
            rows.append(
                _AgencyRow(
                    f"{index:03d}.00.{number}.H49",
                    f"{division} - {name}",
                    division,
                    "department",
                    code,
                    "",
                )
            )
    for district_index, district in enumerate(FORMER_DISTRICTS):
        for commune in range(1, COMMUNES_PER_DISTRICT + 1):
            kind_name = "phường" if district_index < 6 else "xã"
            name = f"Ủy ban nhân dân {kind_name} {district} {commune}"
            rows.append(
                _AgencyRow(
                    f"000.{40 + district_index}.{commune:02d}.H49",
                    name,
                    f"UBND {kind_name} {district} {commune}",
                    "commune",
                    PROVINCE_CODE,
                    f"0203 36{rng.randint(10000, 99999)}",
                )
            )
    return rows


def step_agencies(cursor: Any, size: int, rng: random.Random) -> Mapping[str, int]:
    """The agency tree with QCVN-102-like codes under H49 and materialised paths."""
    specs = _agency_specs(rng)
    ids = allocate_ids(cursor, "accounts_agency", len(specs))
    by_code: dict[str, tuple[int, str]] = {}
    rows = []
    for spec, pk in zip(specs, ids, strict=True):
        parent = by_code[spec.parent_code] if spec.parent_code else None
        path = (parent[1] if parent else "/") + f"{pk}/"
        by_code[spec.code] = (pk, path)
        rows.append(
            (
                pk,
                spec.code,
                spec.name,
                spec.short_name,
                spec.kind,
                parent[0] if parent else None,
                path,
                spec.hotline,
                f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}",
                "",
                True,
            )
        )
    count = copy_rows(
        cursor,
        "accounts_agency",
        (
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "parent_id",
            "path",
            "hotline",
            "address",
            "email",
            "is_active",
        ),
        rows,
    )
    return {"accounts_agency": count}


def step_fields(cursor: Any, size: int, rng: random.Random) -> Mapping[str, int]:
    """Fields of procedures (lĩnh vực); idempotent so a catalogue step may add more."""
    rows = [(code, name, "") for code, name in FIELDS]
    insert_values(
        cursor,
        "procedures_field",
        ("code", "name", "sector"),
        rows,
        suffix="ON CONFLICT (code) DO NOTHING",
    )
    return {"procedures_field": len(rows)}


def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415 - needs settings

    return make_password(BENCH_PASSWORD)


def _full_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def citizen_count(size: int) -> int:
    """Citizens: one for every four dossiers (people come back), at least 20."""
    return max(20, size // 4)


def _staff_roles(kind: str, *, top_level: bool) -> list[str]:
    """Roles staffed in one agency, by its kind."""
    if kind in {"one_stop_centre", "commune"}:
        return ["clerk"] * (6 if kind == "one_stop_centre" else 2) + ["leader"]
    if kind == "department":
        return (
            ["specialist"] * 4 + ["leader", "clerk"]
            if top_level
            else ["specialist"] * 3
        )
    return ["manager"] * 2 + ["admin"]


def _plan_staff(
    agencies: Sequence[tuple[int, str, str, int | None]], rng: random.Random
) -> list[tuple[str, str, int, str]]:
    """(email, name, agency id, role) for the named bench logins and every agency's staff."""
    code_to_id = {code: pk for pk, code, _kind, _parent in agencies}
    home = {
        "clerk": CENTRE_CODE,
        "specialist": "000.00.12.H49",
        "leader": "000.00.12.H49",
    }
    staff = [
        (email, _full_name(rng), code_to_id[home.get(role, PROVINCE_CODE)], role)
        for role, email in BENCH_LOGINS.items()
        if role != "citizen"
    ]
    for pk, code, kind, parent_id in agencies:
        roles = _staff_roles(kind, top_level=parent_id == code_to_id[PROVINCE_CODE])
        staff.extend(
            (
                f"{role}.{code.replace('.', '-').lower()}.{n}@{BENCH_DOMAIN}",
                _full_name(rng),
                pk,
                role,
            )
            for n, role in enumerate(roles, start=1)
        )
    return staff


def step_users(cursor: Any, size: int, rng: random.Random) -> Mapping[str, int]:
    """Citizens proportional to size, and staff with memberships in every agency."""
    password = _password_hash()
    cursor.execute("SELECT id, code, kind, parent_id FROM accounts_agency ORDER BY id")
    agencies = cursor.fetchall()
    if not agencies:
        raise RuntimeError("step_users needs the agencies step first")
    staff = _plan_staff(agencies, rng)

    citizens = citizen_count(size)
    total = len(staff) + citizens
    ids = allocate_ids(cursor, "accounts_user", total)
    joined = EPOCH - timedelta(days=365)

    def user_rows() -> Iterator[tuple[object, ...]]:
        for index, (email, name, _agency, role) in enumerate(staff):
            is_admin = role == "admin"
            yield (
                ids[index],
                password,
                None,
                is_admin,
                email,
                f"+8481{index:07d}",
                name,
                "",
                "",
                is_admin,
                True,
                joined,
            )
        for number in range(citizens):
            pk = ids[len(staff) + number]
            citizen_email: str | None = (
                BENCH_LOGINS["citizen"]
                if number == 0
                else (f"cd{number}@{BENCH_DOMAIN}" if rng.random() < 0.45 else None)
            )
            birth_year = rng.randint(1950, 2006)
            century = (0 if birth_year < 2000 else 2) + rng.randint(0, 1)
            national_id = (
                f"022{century}{birth_year % 100:02d}{rng.randint(0, 999_999):06d}"
            )
            address = (
                f"Số {rng.randint(1, 500)} đường {rng.choice(STREETS)}, tỉnh Quảng Ninh"
            )
            when = EPOCH + timedelta(seconds=rng.randint(0, 2 * 365 * 86400))
            yield (
                pk,
                password,
                None,
                False,
                citizen_email,
                f"+849{number:08d}",
                _full_name(rng),
                national_id,
                address,
                False,
                True,
                when,
            )

    user_count = copy_rows(
        cursor,
        "accounts_user",
        (
            "id",
            "password",
            "last_login",
            "is_superuser",
            "email",
            "phone",
            "full_name",
            "national_id",
            "address",
            "is_staff",
            "is_active",
            "date_joined",
        ),
        user_rows(),
    )
    memberships = copy_rows(
        cursor,
        "accounts_membership",
        ("user_id", "agency_id", "role", "created_at"),
        (
            (ids[index], agency, role, joined)
            for index, (_e, _n, agency, role) in enumerate(staff)
        ),
    )
    return {"accounts_user": user_count, "accounts_membership": memberships}


# The generator's steps, in order. Register more (procedures, dossiers, ...) by
# appending callables with the Step signature.
STEPS: list[Step] = [step_agencies, step_fields, step_users]

from bench.dossier_history import step_dossier_history  # noqa: E402 - uses the helpers above
from bench.generate_workflow import (  # noqa: E402 - uses the helpers above
    step_catalogue,
    step_submitted_supply,
)

STEPS.extend([step_catalogue, step_dossier_history, step_submitted_supply])


@dataclass
class StepReport:
    name: str
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0


def generate(
    connection: Any,
    *,
    size: int,
    seed: int = 20260101,
    steps: Sequence[Step] | None = None,
    log: Callable[[str], None] = print,
) -> list[StepReport]:
    """Run every step in its own transaction on a psycopg2 connection; ANALYZE after."""
    rng = random.Random(seed)
    reports = []
    for step in STEPS if steps is None else steps:
        name = getattr(step, "__name__", repr(step))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            rows = dict(step(cursor, size, random.Random(rng.random())))
        connection.commit()
        report = StepReport(name, rows, time.perf_counter() - started)
        reports.append(report)
        detail = ", ".join(f"{table} {count:,}" for table, count in rows.items())
        log(
            f"[generate] {name}: {detail} in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)"
        )
    old_autocommit = connection.autocommit
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.autocommit = old_autocommit
    return reports
