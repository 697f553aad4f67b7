"""Demo data for Quảng Ninh (H49): its agencies, staff for every role and a citizen.

Idempotent: running it again updates the same rows, and a demo login whose agency or
role changed here ends with only its new membership. Never used in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Agency, Membership, User

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - demo data, refused in production


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    parent: str | None
    hotline: str = ""


AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency(
        "000.00.00.H49",
        "Ủy ban nhân dân tỉnh Quảng Ninh",
        Agency.Kind.PROVINCE,
        None,
        "0203 3835 678",
    ),
    DemoAgency(
        "000.00.01.H49",
        "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh",
        Agency.Kind.ONE_STOP_CENTRE,
        "000.00.00.H49",
        "0203 1022",
    ),
    DemoAgency(
        "000.00.15.H49",
        "Sở Tư pháp tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3835 518",
    ),
    DemoAgency(
        "000.00.18.H49",
        "Sở Xây dựng tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3835 669",
    ),
    DemoAgency(
        "000.00.19.H49",
        "Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3625 656",
    ),
    DemoAgency(
        "000.00.13.H49",
        "Sở Tài chính tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3835 486",
    ),
    DemoAgency(
        "000.00.16.H49",
        "Sở Giáo dục và Đào tạo tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3835 571",
    ),
    DemoAgency(
        "000.00.17.H49",
        "Sở Y tế tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3825 507",
    ),
    DemoAgency(
        "000.00.20.H49",
        "Sở Nội vụ tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3835 603",
    ),
    DemoAgency(
        "000.00.21.H49",
        "Công an tỉnh Quảng Ninh",
        Agency.Kind.DEPARTMENT,
        "000.00.00.H49",
        "0203 3825 445",
    ),
    DemoAgency(
        "000.31.01.H49",
        "Ủy ban nhân dân phường Hạ Long",
        Agency.Kind.COMMUNE,
        "000.00.00.H49",
        "0203 3826 050",
    ),
    DemoAgency(
        "000.31.02.H49",
        "Ủy ban nhân dân phường Bãi Cháy",
        Agency.Kind.COMMUNE,
        "000.00.00.H49",
        "0203 3846 213",
    ),
    DemoAgency(
        "000.32.01.H49",
        "Ủy ban nhân dân phường Cẩm Phả",
        Agency.Kind.COMMUNE,
        "000.00.00.H49",
        "0203 3862 014",
    ),
    DemoAgency(
        "000.33.01.H49",
        "Ủy ban nhân dân phường Móng Cái 1",
        Agency.Kind.COMMUNE,
        "000.00.00.H49",
        "0203 3881 230",
    ),
    DemoAgency(
        "000.34.01.H49",
        "Ủy ban nhân dân đặc khu Vân Đồn",
        Agency.Kind.COMMUNE,
        "000.00.00.H49",
        "0203 3874 088",
    ),
)

#: The department of the main specialist and leader logins (chuyenvien@, lanhdao@):
#: Sở Tài chính, the department with the most province-level procedures of the
#: catalogue (business registration, received at the one-stop centre), so the demo
#: dossiers give both logins work in their queues.
MAIN_DEPARTMENT = "000.00.13.H49"

# (email, full name, phone, agency code, role)
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "admin@demo.quangninh.vn",
        "Quản trị Hệ thống",
        "0912000001",
        "000.00.00.H49",
        Membership.Role.ADMIN,
    ),
    (
        "quanly@demo.quangninh.vn",
        "Nguyễn Thị Quản Lý",
        "0912000002",
        "000.00.00.H49",
        Membership.Role.MANAGER,
    ),
    (
        "motcua@demo.quangninh.vn",
        "Trần Văn Một Cửa",
        "0912000003",
        "000.00.01.H49",
        Membership.Role.CLERK,
    ),
    (
        "chuyenvien@demo.quangninh.vn",
        "Lê Thị Chuyên Viên",
        "0912000004",
        MAIN_DEPARTMENT,
        Membership.Role.SPECIALIST,
    ),
    (
        "lanhdao@demo.quangninh.vn",
        "Phạm Văn Lãnh Đạo",
        "0912000005",
        MAIN_DEPARTMENT,
        Membership.Role.LEADER,
    ),
    (
        "motcua.halong@demo.quangninh.vn",
        "Đỗ Thị Hạ Long",
        "0912000006",
        "000.31.01.H49",
        Membership.Role.CLERK,
    ),
)

CITIZEN = ("congdan@demo.quangninh.vn", "Vũ Văn Công Dân", "0987654321", "022090012345")


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Create or update the demo agencies and users; return (login, role) pairs."""
    by_code: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency = Agency.objects.filter(code=spec.code).first() or Agency(code=spec.code)
        agency.name = spec.name
        agency.kind = spec.kind
        agency.hotline = spec.hotline
        agency.parent = by_code[spec.parent] if spec.parent else None
        agency.save()
        by_code[spec.code] = agency

    logins: list[tuple[str, str]] = []
    for email, full_name, phone, agency_code, role in STAFF:
        user = _upsert_user(email=email, full_name=full_name, phone=phone)
        user.is_staff = role == Membership.Role.ADMIN
        user.is_superuser = role == Membership.Role.ADMIN
        user.save(update_fields=["is_staff", "is_superuser"])
        membership, _created = Membership.objects.get_or_create(
            user=user, agency=by_code[agency_code], role=role
        )
        # A demo login holds exactly its role above: when a login moves (the
        # specialist and leader left Sở Tư pháp), a database seeded before loses
        # the old membership instead of keeping both.
        user.memberships.exclude(pk=membership.pk).delete()
        logins.append(
            (email, f"{Membership.Role(role).label} · {by_code[agency_code].name}")
        )

    email, full_name, phone, national_id = CITIZEN
    citizen = _upsert_user(email=email, full_name=full_name, phone=phone)
    citizen.national_id = national_id
    citizen.address = "Số 1 đường Hạ Long, phường Bãi Cháy, tỉnh Quảng Ninh"
    citizen.save(update_fields=["national_id", "address"])
    logins.append((email, "Công dân"))
    return logins


def _upsert_user(*, email: str, full_name: str, phone: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, phone=phone
        )
    user.full_name = full_name
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
