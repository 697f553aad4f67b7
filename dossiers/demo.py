"""Demo step: a few hundred Quảng Ninh dossiers in every state of the machine.

Every dossier is made through the dossier services (create, attach, submit, intake,
receive, assign, propose, approve, …), so its events, code, appointment, pauses and
SMS outbox rows are exactly what the portal itself would have written.

Histories are spread over the last weeks with a *demo clock*: while the step runs,
``django.utils.timezone.now`` returns the moment the current step of the current
dossier happens (moments on working hours, never after the real now). The services
therefore write consistent past timestamps everywhere, including the append-only
audit rows, which are only ever inserted. Two model defaults captured the real clock
function at import time (Attachment.uploaded_at, Apology.created_at); those rows are
set to the demo moment right after they are created.

Also upserts the staff every demo dossier needs: a specialist and a leader for
every competent agency of the catalogue and a clerk for every receiving one-stop.

Deterministic (seeded random), idempotent (skips when demo dossiers exist), and
all-or-nothing (one transaction). Never used in production.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.demo import CITIZEN, DEMO_PASSWORD, STAFF
from accounts.models import Agency, Membership, User
from dossiers import services
from dossiers.models import Apology, Attachment, Consent, Dossier, DossierState
from dossiers.tasks import mark_dossier_deadlines
from procedures.models import Procedure, RequiredDocument
from worktime.calendar import WorkCalendar, get_calendar

DEFAULT_SIZE = 300
SEED = 20260
DOMAIN = "demo.quangninh.vn"
#: Generated citizen accounts: nguoidan.001@demo.quangninh.vn, …
CITIZEN_PREFIX = "nguoidan."
CITIZEN_EMAIL = CITIZEN[0]

ROLE_PREFIX = {
    Membership.Role.CLERK: "motcua",
    Membership.Role.SPECIALIST: "chuyenvien",
    Membership.Role.LEADER: "lanhdao",
}

# --- realistic people and places -----------------------------------------------------

SURNAMES = [
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Phan",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Hà",
    "Lương",
    "Tạ",
    "Mai",
]
MIDDLE_MALE = [
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Xuân",
    "Thành",
    "Công",
    "Duy",
]
MIDDLE_FEMALE = ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Minh", "Kim"]
GIVEN_MALE = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Nam",
    "Long",
    "Sơn",
    "Hải",
    "Thắng",
    "Quân",
    "Khánh",
    "Phong",
    "Bình",
    "Cường",
    "Hiếu",
    "Trung",
    "Đạt",
    "Lâm",
    "Toàn",
    "Vinh",
    "Hòa",
]
GIVEN_FEMALE = [
    "Lan",
    "Hương",
    "Mai",
    "Hoa",
    "Trang",
    "Linh",
    "Hằng",
    "Thảo",
    "Nga",
    "Yến",
    "Phương",
    "Huyền",
    "Hạnh",
    "Dung",
    "Loan",
    "Vân",
    "Chi",
    "Giang",
    "Thủy",
    "Oanh",
]
WARDS = (
    "phường Hạ Long",
    "phường Bãi Cháy",
    "phường Hồng Gai",
    "phường Tuần Châu",
    "phường Việt Hưng",
    "phường Cao Xanh",
    "phường Hà Tu",
    "phường Cẩm Phả",
    "phường Quang Hanh",
    "phường Mông Dương",
    "phường Móng Cái 1",
    "phường Móng Cái 2",
    "phường Uông Bí",
    "phường Vàng Danh",
    "phường Đông Triều",
    "phường Mạo Khê",
    "phường Quảng Yên",
    "đặc khu Vân Đồn",
    "đặc khu Cô Tô",
    "xã Tiên Yên",
    "xã Hải Hòa",
)
STREETS = (
    "Lê Thánh Tông",
    "Nguyễn Văn Cừ",
    "Trần Hưng Đạo",
    "Hạ Long",
    "Cao Xanh",
    "Giếng Đồn",
    "Lý Thường Kiệt",
    "Trần Phú",
    "Hùng Vương",
    "Bạch Đằng",
    "Kênh Liêm",
    "Tô Hiến Thành",
    "Nguyễn Văn Linh",
    "Vân Đồn",
    "Hoàng Quốc Việt",
)
COMPANIES = (
    "Công ty TNHH Thương mại Hòn Gai",
    "Công ty Cổ phần Xây dựng Bãi Cháy",
    "Công ty TNHH Du lịch Vịnh Xanh",
    "Hợp tác xã Thủy sản Vân Đồn",
    "Công ty Cổ phần Vận tải Cẩm Phả",
    "Công ty TNHH Xuất nhập khẩu Móng Cái",
)
MOBILE_PREFIXES = [
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "38",
    "39",
    "70",
    "76",
    "77",
    "78",
    "79",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "88",
    "89",
    "90",
    "91",
    "93",
    "94",
    "96",
    "97",
    "98",
]
AGENCY_SHORT = {
    "000.00.13.H49": "STC",
    "000.00.15.H49": "STP",
    "000.00.16.H49": "SGDĐT",
    "000.00.17.H49": "SYT",
    "000.00.18.H49": "SXD",
    "000.00.19.H49": "SNNMT",
    "000.00.20.H49": "SNV",
    "000.00.21.H49": "CAT",
}

REFUSE_REASONS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại "
    "Ủy ban nhân dân cấp xã nơi cư trú.",
    "Người nộp không phải là người có quyền yêu cầu theo quy định và không có văn bản "
    "ủy quyền hợp lệ.",
    "Giấy tờ kèm theo là bản chụp không rõ, không đọc được nội dung.",
)
SUPPLEMENT_REASONS = (
    "Bản sao giấy tờ chưa được chứng thực theo quy định.",
    "Tờ khai còn thiếu chữ ký và ngày tháng của người yêu cầu.",
    "Thông tin trên tờ khai không khớp với giấy tờ tùy thân.",
    "Thiếu bản vẽ/tài liệu kèm theo theo thành phần hồ sơ đã công bố.",
)
SUPPLEMENT_NOTES = (
    "Đã bổ sung bản sao có chứng thực.",
    "Đã ký và ghi đầy đủ ngày tháng trên tờ khai.",
    "Đã điều chỉnh thông tin cho khớp với thẻ Căn cước.",
)
SEND_BACK_REASONS = (
    "Dự thảo kết quả ghi sai địa chỉ của người yêu cầu, đề nghị rà soát lại.",
    "Cần bổ sung căn cứ pháp lý vào dự thảo văn bản.",
)
DENIAL_NOTES = (
    "Không đủ điều kiện theo quy định: thửa đất không phù hợp quy hoạch sử dụng đất.",
    "Không đủ điều kiện theo quy định: hồ sơ không chứng minh được thời gian công tác.",
)
STOP_REASONS = (
    "Quá thời hạn yêu cầu bổ sung mà người nộp không hoàn thiện hồ sơ.",
    "Cơ quan có thẩm quyền đang giải quyết tranh chấp liên quan, chưa đủ căn cứ giải "
    "quyết hồ sơ.",
)
WITHDRAW_REASONS = (
    "Người nộp đề nghị rút hồ sơ để điều chỉnh lại nội dung đề nghị.",
    "Người nộp không còn nhu cầu giải quyết.",
)
APOLOGY_REASONS = (
    "Hồ sơ phải lấy ý kiến của cơ quan liên quan nên chưa trả kết quả đúng hẹn. "
    "Cơ quan xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả.",
    "Do sự cố hệ thống phần mềm, việc giải quyết hồ sơ bị chậm. Xin lỗi Ông/Bà vì "
    "sự bất tiện này.",
)


# --- the demo clock --------------------------------------------------------------------


class DemoClock:
    """The moment the current step happens; never later than `limit`."""

    def __init__(self, *, real_now: dt.datetime, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.limit = _last_working_moment(real_now - dt.timedelta(minutes=10), calendar)
        self.moment = self.limit

    def now(self) -> dt.datetime:
        return self.moment

    def start(self, days_ago: float) -> None:
        """Begin a new dossier's history about `days_ago` days before the limit,
        on a working moment that leaves an hour or more for its steps."""
        start = self.limit - dt.timedelta(days=days_ago)
        moment = self.calendar.next_working_moment(start)
        for _attempt in range(14):
            if moment <= self.limit - dt.timedelta(hours=1):
                break
            start -= dt.timedelta(days=1)
            moment = self.calendar.next_working_moment(start)
        self.moment = min(moment, self.limit)

    def advance(self, hours: float) -> None:
        step = Decimal(str(round(max(hours, 0.05), 2)))
        self._set(self.calendar.add_working_hours(self.moment, step))

    def advance_to(self, moment: dt.datetime) -> None:
        self._set(moment)

    def _set(self, moment: dt.datetime) -> None:
        # Squeezed against the limit, steps stay seconds apart and in order.
        self.moment = max(
            min(moment, self.limit), self.moment + dt.timedelta(seconds=5)
        )


def _last_working_moment(moment: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """`moment`, or the last working half hour before it (a Sunday → Friday)."""
    candidate = moment
    for _step in range(24 * 2 * 10):
        if calendar.next_working_moment(candidate) == candidate:
            return candidate
        candidate -= dt.timedelta(minutes=30)
    return moment


@contextmanager
def demo_clock(clock: DemoClock) -> Iterator[None]:
    with mock.patch.object(timezone, "now", clock.now):
        yield


# --- generated files -------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.replace("\\", "").replace("(", "").replace(")", "")


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF saying what document it stands for."""
    lines = ["BAN SAO DIEN TU - DU LIEU MINH HOA", _ascii(title)[:90]]
    text = "BT /F1 12 Tf 50 780 Td 16 TL " + " ".join(
        f"({line}) Tj T*" for line in lines
    )
    stream = f"{text} ET".encode("ascii")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
        b"/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def demo_png(seed: int) -> bytes:
    """A small valid PNG (a 16×10 tinted card), standing in for a photographed ID."""
    width, height = 16, 10
    shade = 120 + seed % 100
    row = b"\x00" + bytes((shade, 180, 220 - seed % 60)) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


_PHOTO_WORDS = ("tùy thân", "căn cước", "ảnh", "hộ chiếu")


def upload_for(document: RequiredDocument, index: int) -> services.Upload:
    head = document.name.split(";")[0].split("(")[0]
    name = " ".join(head.replace("/", " ").replace("\\", " ").replace(".", " ").split())
    name = name[:80].strip() or "giay-to"
    if any(word in document.name.lower() for word in _PHOTO_WORDS):
        return services.Upload(
            file=io.BytesIO(demo_png(index)),
            name=f"{name}.png",
            required_document=document,
        )
    return services.Upload(
        file=io.BytesIO(demo_pdf(document.name)),
        name=f"{name}.pdf",
        required_document=document,
    )


# --- people --------------------------------------------------------------------------


def full_name(rng: random.Random, *, female: bool) -> str:
    return " ".join(
        (
            rng.choice(SURNAMES),
            rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
            rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
        )
    )


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    national_id: str
    address: str
    email: str = ""


class People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_phones: set[str] = {
            phone
            for phone in User.objects.values_list("phone", flat=True)
            if phone is not None
        }

    def phone(self) -> str:
        while True:
            prefix = self.rng.choice(MOBILE_PREFIXES)
            number = f"+84{prefix}{self.rng.randrange(10**7):07d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def person(self, *, email: str = "") -> Person:
        rng = self.rng
        female = rng.random() < 0.5
        name = full_name(rng, female=female)
        year = rng.randrange(1955, 2006)
        century_gender = (0 if year < 2000 else 2) + (1 if female else 0)
        national_id = f"022{century_gender}{year % 100:02d}{rng.randrange(10**6):06d}"
        return Person(
            name=name,
            phone=self.phone(),
            national_id=national_id,
            address=self.address(),
            email=email,
        )

    def address(self) -> str:
        rng = self.rng
        ward = rng.choice(WARDS)
        if rng.random() < 0.6:
            return (
                f"Số {rng.randrange(1, 250)}, đường {rng.choice(STREETS)}, {ward}, "
                "tỉnh Quảng Ninh"
            )
        return (
            f"Tổ {rng.randrange(1, 12)}, khu {rng.randrange(1, 9)}, {ward}, "
            "tỉnh Quảng Ninh"
        )


# --- staff -------------------------------------------------------------------------


def _slug(code: str) -> str:
    return code.removesuffix(".H49").replace(".", "-")


@dataclass
class Staff:
    clerks: dict[str, User] = field(default_factory=dict)
    specialists: dict[str, User] = field(default_factory=dict)
    leaders: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _upsert_staff(
    *, email: str, name: str, phone: str, agency: Agency, role: str, password: str
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, phone=phone, full_name=name)
    user.full_name = name
    user.password = password
    user.save()
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def seed_staff(*, procedures: list[Procedure], password: str) -> Staff:
    """A specialist and a leader per competent agency, a clerk per receiving one.

    Where accounts.demo already has a login for the agency and role (motcua@ at the
    one-stop centre, chuyenvien@ and lanhdao@ at Sở Tài chính), that login does the
    work, so the README's logins find dossiers in their queues; other agencies get
    generated staff (chuyenvien.000-00-18@…).
    """
    main = {(agency_code, role): email for email, _n, _p, agency_code, role in STAFF}
    competent = sorted({p.competent_agency.code for p in procedures})
    receiving = sorted(
        {agency.code for p in procedures for agency in p.receiving_agencies.all()}
    )
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=competent + receiving)
    }
    staff = Staff()
    wanted = [(code, Membership.Role.CLERK) for code in receiving] + [
        (code, role)
        for code in competent
        for role in (Membership.Role.SPECIALIST, Membership.Role.LEADER)
    ]
    names = random.Random(SEED + 1)  # noqa: S311 - repeatable demo data
    generated: dict[str, list[str]] = {}
    for index, (code, role) in enumerate(wanted):
        agency = agencies[code]
        email = main.get((code, role))
        user = User.objects.filter(email=email).first() if email else None
        generated_email = f"{ROLE_PREFIX[role]}.{_slug(code)}@{DOMAIN}"
        if user is None:
            person_name = full_name(names, female=names.random() < 0.5)
            user = _upsert_staff(
                email=generated_email,
                name=person_name,
                phone=f"+84913{index:06d}",
                agency=agency,
                role=role,
                password=password,
            )
            generated.setdefault(code, []).append(ROLE_PREFIX[role])
        elif User.objects.filter(email=generated_email).exists():
            # Seeded before a main login took this agency over: the dossiers made
            # then stay with the generated colleague, so keep listing that login.
            generated.setdefault(code, []).append(ROLE_PREFIX[role])
        {
            Membership.Role.CLERK: staff.clerks,
            Membership.Role.SPECIALIST: staff.specialists,
            Membership.Role.LEADER: staff.leaders,
        }[role][code] = user
    for code, prefixes in generated.items():
        login = (
            f"{{{','.join(prefixes)}}}.{_slug(code)}@{DOMAIN}"
            if len(prefixes) > 1
            else f"{prefixes[0]}.{_slug(code)}@{DOMAIN}"
        )
        roles = ", ".join(
            str(Membership.Role(role).label)
            for role in Membership.Role
            if ROLE_PREFIX.get(role) in prefixes
        )
        staff.logins.append((login, f"{roles} · {agencies[code].name}"))
    return staff


# --- scenarios ---------------------------------------------------------------------

ONLINE_ONLY = "online"
ANY_CHANNEL = "any"

# name: (weight, channel rule, (min, max) days ago the dossier started, steps)
SCENARIOS: dict[str, tuple[int, str, tuple[float, float], tuple[str, ...]]] = {
    "draft": (15, ONLINE_ONLY, (0, 6), ("draft",)),
    "submitted": (15, ONLINE_ONLY, (0, 3), ("submit",)),
    "submitted_supplemented": (
        5,
        ONLINE_ONLY,
        (1, 6),
        ("submit", "ask_intake_supplement", "supplement"),
    ),
    "received": (20, ANY_CHANNEL, (0, 4), ("enter",)),
    "refused": (12, ONLINE_ONLY, (2, 30), ("submit", "refuse")),
    "appraising": (25, ANY_CHANNEL, (2, 12), ("enter", "assign")),
    "appraising_supplemented": (
        10,
        ANY_CHANNEL,
        (6, 18),
        ("enter", "assign", "ask_supplement", "supplement"),
    ),
    "appraising_sent_back": (
        5,
        ANY_CHANNEL,
        (4, 14),
        ("enter", "assign", "propose", "send_back"),
    ),
    "appraising_late": (
        6,
        ANY_CHANNEL,
        (18, 30),
        ("enter", "assign", "late", "apologize"),
    ),
    "pending_approval": (20, ANY_CHANNEL, (3, 14), ("enter", "assign", "propose")),
    "supplement_at_intake": (
        6,
        ONLINE_ONLY,
        (1, 6),
        ("submit", "ask_intake_supplement"),
    ),
    "supplement_in_appraisal": (
        12,
        ANY_CHANNEL,
        (4, 16),
        ("enter", "assign", "ask_supplement"),
    ),
    "supplement_second": (
        5,
        ANY_CHANNEL,
        (12, 30),
        ("enter", "assign", "ask_supplement", "supplement", "ask_supplement"),
    ),
    "awaiting_payment": (14, ANY_CHANNEL, (2, 12), ("enter", "assign", "ask_payment")),
    "withdrawn_online": (5, ONLINE_ONLY, (2, 25), ("submit", "withdraw")),
    "withdrawn_received": (6, ANY_CHANNEL, (4, 30), ("enter", "assign", "withdraw")),
    "stopped": (
        9,
        ANY_CHANNEL,
        (15, 40),
        ("enter", "assign", "ask_supplement", "wait", "stop"),
    ),
    "ready": (20, ANY_CHANNEL, (5, 25), ("enter", "assign", "propose", "approve")),
    "ready_paid": (
        8,
        ANY_CHANNEL,
        (8, 30),
        ("enter", "assign", "ask_payment", "pay", "propose", "approve"),
    ),
    "returned": (
        50,
        ANY_CHANNEL,
        (8, 45),
        ("enter", "assign", "propose", "approve", "return"),
    ),
    "returned_supplemented": (
        12,
        ANY_CHANNEL,
        (15, 45),
        (
            "enter",
            "assign",
            "ask_supplement",
            "supplement",
            "propose",
            "approve",
            "return",
        ),
    ),
    "returned_late": (
        6,
        ANY_CHANNEL,
        (25, 45),
        ("enter", "assign", "late", "apologize", "propose", "approve", "return"),
    ),
    "returned_denied": (
        6,
        ANY_CHANNEL,
        (10, 40),
        ("enter", "assign", "propose_denial", "approve", "return"),
    ),
}
#: The demo citizen's own dossiers ("Hồ sơ của tôi"): one in each of these.
CITIZEN_SCENARIOS = (
    "draft",
    "submitted",
    "supplement_at_intake",
    "received",
    "appraising",
    "awaiting_payment",
    "ready",
    "returned",
)
LATE_SCENARIOS = {"appraising_late", "returned_late", "supplement_second"}
PAYMENT_SCENARIOS = {"awaiting_payment", "ready_paid"}


def plan(size: int) -> list[str]:
    """The scenario of every dossier to create: every scenario at least once."""
    total = sum(weight for weight, *_rest in SCENARIOS.values())
    names: list[str] = []
    for name, (weight, *_rest) in SCENARIOS.items():
        names.extend([name] * max(1, round(weight * size / total)))
    return names


# --- the builder -----------------------------------------------------------------


class Builder:
    def __init__(
        self,
        *,
        rng: random.Random,
        clock: DemoClock,
        staff: Staff,
        people: People,
        procedures: list[Procedure],
        citizens: list[tuple[User, Person]],
        demo_citizen: tuple[User, Person],
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.staff = staff
        self.people = people
        self.procedures = procedures
        self.online = [p for p in procedures if p.is_online]
        self.short = [p for p in procedures if p.effective_processing_days <= 5]
        self.with_fees = [p for p in procedures if _fee(p) > 0]
        self.citizens = citizens
        self.demo_citizen = demo_citizen
        self.files = 0
        self.results = 0

    # one dossier

    def build(self, scenario: str, *, for_demo_citizen: bool = False) -> Dossier:
        rng = self.rng
        _weight, rule, (low, high), steps = SCENARIOS[scenario]
        online = rule == ONLINE_ONLY or for_demo_citizen or rng.random() < 0.5
        pool = self.online if online else self.procedures
        if scenario in PAYMENT_SCENARIOS:
            pool = [p for p in self.with_fees if p in pool] or pool
        elif scenario in LATE_SCENARIOS:
            pool = [p for p in self.short if p in pool] or pool
        procedure = rng.choice(pool)
        receiving = rng.choice(list(procedure.receiving_agencies.all()))
        self.clock.start(rng.uniform(low, high))
        context = _Context(
            procedure=procedure,
            receiving=receiving,
            online=online,
            channel=Dossier.Channel.ONLINE
            if online
            else (
                Dossier.Channel.POST if rng.random() < 0.25 else Dossier.Channel.COUNTER
            ),
            owner=None,
            applicant=None,
        )
        if online:
            owner, person = (
                self.demo_citizen if for_demo_citizen else rng.choice(self.citizens)
            )
            context.owner = owner
            context.applicant = _applicant(person)
        else:
            context.applicant = self._walk_in(procedure)
        for step in steps:
            getattr(self, f"_step_{step}")(context)
        assert context.dossier is not None  # noqa: S101 - the first step creates it
        return context.dossier

    def _walk_in(self, procedure: Procedure) -> services.Applicant:
        if (
            procedure.competent_agency.code in ("000.00.13.H49", "000.00.18.H49")
            and self.rng.random() < 0.4
        ):
            person = self.people.person()
            return services.Applicant(
                name=self.rng.choice(COMPANIES),
                phone=person.phone,
                national_id="",
                address=person.address,
                kind=Dossier.ApplicantType.BUSINESS,
            )
        return _applicant(self.people.person())

    def _uploads(
        self, procedure: Procedure, *, only_first: bool = False
    ) -> list[services.Upload]:
        documents = [d for d in procedure.required_documents.all() if d.mandatory]
        if only_first:
            documents = documents[:1]
        uploads = []
        for document in documents:
            self.files += 1
            uploads.append(upload_for(document, self.files))
        return uploads

    def _fix_defaults(self, dossier: Dossier, *, apology: bool = False) -> None:
        # Model defaults bound to the real clock: move the rows just written.
        moment = self.clock.moment
        recent = self.clock.limit
        if apology:
            Apology.objects.filter(dossier=dossier, created_at__gt=recent).update(
                created_at=moment
            )
            return
        Attachment.objects.filter(dossier=dossier, uploaded_at__gt=recent).update(
            uploaded_at=moment
        )
        if dossier.state != DossierState.DRAFT:
            Consent.objects.filter(dossier=dossier, accepted_at__gt=recent).update(
                accepted_at=moment
            )

    def _tick(self, low: float = 0.3, high: float = 6.0) -> None:
        self.clock.advance(self.rng.uniform(low, high))

    def _hours_of_work(self, context: _Context, low: float, high: float) -> None:
        days = float(context.procedure.effective_processing_days)
        self.clock.advance(max(days * 8, 1) * self.rng.uniform(low, high))

    # steps

    def _step_draft(self, context: _Context) -> None:
        assert context.owner is not None  # noqa: S101
        assert context.applicant is not None  # noqa: S101
        dossier = services.dossier_create_draft(
            owner=context.owner,
            procedure=context.procedure,
            receiving_agency=context.receiving,
            applicant=context.applicant,
        )
        uploads = self._uploads(context.procedure, only_first=True)
        for upload in uploads:
            services.dossier_attach_document(
                dossier=dossier, actor=context.owner, upload=upload
            )
        self._fix_defaults(dossier)
        context.dossier = dossier

    def _step_submit(self, context: _Context) -> None:
        assert context.owner is not None  # noqa: S101
        assert context.applicant is not None  # noqa: S101
        dossier = services.dossier_create_draft(
            owner=context.owner,
            procedure=context.procedure,
            receiving_agency=context.receiving,
            applicant=context.applicant,
        )
        for upload in self._uploads(context.procedure):
            services.dossier_attach_document(
                dossier=dossier, actor=context.owner, upload=upload
            )
        self._fix_defaults(dossier)
        self.clock.advance(self.rng.uniform(0.05, 0.5))
        context.dossier = services.dossier_submit(
            dossier=dossier, actor=context.owner, consent=True
        )
        self._fix_defaults(context.dossier)

    def _step_enter(self, context: _Context) -> None:
        if context.online:
            self._step_submit(context)
            self._tick(0.2, 10)
            context.dossier = services.dossier_receive(
                dossier=context.current, actor=self._clerk(context)
            )
            return
        assert context.applicant is not None  # noqa: S101
        dossier = services.dossier_intake(
            actor=self._clerk(context),
            procedure=context.procedure,
            receiving_agency=context.receiving,
            applicant=context.applicant,
            submitter=self._submitter(),
            channel=context.channel,
            uploads=self._uploads(context.procedure),
            consent=True,
        )
        self._fix_defaults(dossier)
        context.dossier = dossier

    def _submitter(self) -> services.Submitter | None:
        if self.rng.random() >= 0.1:
            return None
        person = self.people.person()
        return services.Submitter(
            name=person.name, phone=person.phone, national_id=person.national_id
        )

    def _step_refuse(self, context: _Context) -> None:
        self._tick(0.5, 8)
        context.dossier = services.dossier_refuse(
            dossier=context.current,
            actor=self._clerk(context),
            reason=self.rng.choice(REFUSE_REASONS),
        )

    def _step_ask_intake_supplement(self, context: _Context) -> None:
        self._tick(0.5, 8)
        self._ask(context, actor=self._clerk(context))

    def _step_ask_supplement(self, context: _Context) -> None:
        self._hours_of_work(context, 0.1, 0.3)
        self._ask(context, actor=self._specialist(context))

    def _ask(self, context: _Context, *, actor: User) -> None:
        dossier = context.dossier
        assert dossier is not None  # noqa: S101
        documents = [
            d for d in context.procedure.required_documents.all() if d.mandatory
        ]
        request = services.dossier_request_supplement(
            dossier=dossier,
            actor=actor,
            reason=self.rng.choice(SUPPLEMENT_REASONS),
            documents=documents[:1],
            items_text="" if documents else "Bản sao giấy tờ tùy thân có chứng thực.",
        )
        context.dossier = request.dossier

    def _step_supplement(self, context: _Context) -> None:
        self.clock.advance(self.rng.uniform(4, 24))
        dossier = context.dossier
        assert dossier is not None  # noqa: S101
        actor = context.owner if context.online else self._clerk(context)
        assert actor is not None  # noqa: S101
        context.dossier = services.dossier_supplement(
            dossier=dossier,
            actor=actor,
            note=self.rng.choice(SUPPLEMENT_NOTES),
            uploads=self._uploads(context.procedure, only_first=True),
        )
        self._fix_defaults(context.dossier)

    def _step_wait(self, context: _Context) -> None:
        self.clock.advance(self.rng.uniform(40, 80))

    def _step_assign(self, context: _Context) -> None:
        self._tick(0.5, 6)
        context.dossier = services.dossier_assign(
            dossier=context.current,
            actor=self._clerk(context),
            agency=context.procedure.competent_agency,
            specialist=self._specialist(context),
        )

    def _step_propose(self, context: _Context) -> None:
        self._hours_of_work(context, 0.3, 0.7)
        self.results += 1
        short = AGENCY_SHORT.get(context.procedure.competent_agency.code, "UBND")
        year = timezone.localdate().year
        services.dossier_propose(
            dossier=context.current,
            actor=self._specialist(context),
            number=f"{self.results:03d}/{year}/QĐ-{short}",
        )

    def _step_propose_denial(self, context: _Context) -> None:
        self._hours_of_work(context, 0.3, 0.7)
        services.dossier_propose(
            dossier=context.current,
            actor=self._specialist(context),
            granted=False,
            notes=self.rng.choice(DENIAL_NOTES),
        )

    def _step_send_back(self, context: _Context) -> None:
        self._tick(1, 6)
        context.dossier = services.dossier_send_back(
            dossier=context.current,
            actor=self._leader(context),
            reason=self.rng.choice(SEND_BACK_REASONS),
        )

    def _step_approve(self, context: _Context) -> None:
        self._tick(0.5, 8)
        leader = self._leader(context)
        services.dossier_approve(
            dossier=context.current, actor=leader, signer_name=leader.full_name
        )

    def _step_ask_payment(self, context: _Context) -> None:
        self._hours_of_work(context, 0.1, 0.3)
        services.dossier_request_payment(
            dossier=context.current,
            actor=self._specialist(context),
            amount=_fee(context.procedure) or Decimal(50000),
            note="Lệ phí theo quy định",
        )

    def _step_pay(self, context: _Context) -> None:
        self.clock.advance(self.rng.uniform(2, 16))
        context.dossier = services.dossier_confirm_payment(
            dossier=context.current, actor=self._clerk(context)
        )

    def _step_withdraw(self, context: _Context) -> None:
        self._tick(1, 16)
        dossier = context.dossier
        assert dossier is not None  # noqa: S101
        actor = (
            context.owner
            if dossier.state == Dossier.State.SUBMITTED and context.owner
            else self._clerk(context)
        )
        context.dossier = services.dossier_withdraw(
            dossier=dossier, actor=actor, reason=self.rng.choice(WITHDRAW_REASONS)
        )

    def _step_stop(self, context: _Context) -> None:
        self._tick(1, 8)
        context.dossier = services.dossier_stop(
            dossier=context.current,
            actor=self._leader(context),
            reason=self.rng.choice(STOP_REASONS),
        )

    def _step_return(self, context: _Context) -> None:
        self._tick(2, 24)
        channel = {
            Dossier.Channel.ONLINE: Dossier.ReturnChannel.ONLINE,
            Dossier.Channel.POST: Dossier.ReturnChannel.POST,
        }.get(Dossier.Channel(context.channel), Dossier.ReturnChannel.COUNTER)
        context.dossier = services.dossier_return_result(
            dossier=context.current, actor=self._clerk(context), channel=channel
        )

    def _step_late(self, context: _Context) -> None:
        dossier = context.dossier
        assert dossier is not None  # noqa: S101
        assert dossier.appointment_at is not None  # noqa: S101
        self.clock.advance_to(
            self.clock.calendar.add_working_hours(
                dossier.appointment_at, Decimal(self.rng.randrange(2, 12))
            )
        )

    def _step_apologize(self, context: _Context) -> None:
        dossier = context.dossier
        assert dossier is not None  # noqa: S101
        assert dossier.appointment_at is not None  # noqa: S101
        base = max(dossier.appointment_at, self.clock.moment)
        new_appointment = self.clock.calendar.add_working_days(
            base, self.rng.randrange(3, 8)
        )
        services.dossier_apologize(
            dossier=dossier,
            actor=self._leader(context),
            reason=self.rng.choice(APOLOGY_REASONS),
            new_appointment=new_appointment,
        )
        self._fix_defaults(dossier, apology=True)

    # actors

    def _clerk(self, context: _Context) -> User:
        return self.staff.clerks[context.receiving.code]

    def _specialist(self, context: _Context) -> User:
        return self.staff.specialists[context.procedure.competent_agency.code]

    def _leader(self, context: _Context) -> User:
        return self.staff.leaders[context.procedure.competent_agency.code]


@dataclass
class _Context:
    procedure: Procedure
    receiving: Agency
    online: bool
    channel: int
    owner: User | None
    applicant: services.Applicant | None
    dossier: Dossier | None = None

    @property
    def current(self) -> Dossier:
        if self.dossier is None:
            raise RuntimeError("The scenario's first step creates the dossier.")
        return self.dossier


def _applicant(person: Person) -> services.Applicant:
    return services.Applicant(
        name=person.name,
        phone=person.phone,
        national_id=person.national_id,
        email=person.email,
        address=person.address,
    )


def _fee(procedure: Procedure) -> Decimal:
    return sum((fee.amount or Decimal(0) for fee in procedure.fees.all()), Decimal(0))


def _citizens(
    *, people: People, count: int, password: str
) -> list[tuple[User, Person]]:
    citizens = []
    for index in range(1, count + 1):
        email = f"{CITIZEN_PREFIX}{index:03d}@{DOMAIN}"
        person = people.person(email=email)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, phone=person.phone)
        user.full_name = person.name
        user.national_id = person.national_id
        user.address = person.address
        user.password = password
        user.save()
        citizens.append((user, person))
    return citizens


def _demo_citizen() -> tuple[User, Person]:
    user = User.objects.get(email=CITIZEN_EMAIL)
    return user, Person(
        name=user.full_name,
        phone=user.phone or "",
        national_id=user.national_id,
        address=user.address,
        email=user.email or "",
    )


def demo_dossiers_exist() -> bool:
    return bool(
        Dossier.objects.filter(
            owner__email__startswith=CITIZEN_PREFIX,
            owner__email__endswith=f"@{DOMAIN}",
        ).exists()
    )


def seed(size: int | None = None) -> list[tuple[str, str]]:
    """Staff for every demo dossier, then `size` dossiers (once); return new logins."""
    size = DEFAULT_SIZE if size is None else size
    with transaction.atomic():
        procedures = list(
            Procedure.objects.published()
            .filter(competent_agency__code__endswith=".H49")
            .select_related("competent_agency")
            .prefetch_related("receiving_agencies", "required_documents", "fees")
            .order_by("national_code")
        )
        if not procedures or not User.objects.filter(email=CITIZEN_EMAIL).exists():
            return []
        password = make_password(DEMO_PASSWORD)
        rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
        staff = seed_staff(procedures=procedures, password=password)
        people = People(rng)  # after the staff: their phones are taken
        if size <= 0 or demo_dossiers_exist():
            return staff.logins
        builder = Builder(
            rng=rng,
            clock=DemoClock(real_now=timezone.now(), calendar=get_calendar()),
            staff=staff,
            people=people,
            procedures=procedures,
            citizens=_citizens(
                people=people, count=max(10, size // 6), password=password
            ),
            demo_citizen=_demo_citizen(),
        )
        run(builder, plan(size))
    mark_dossier_deadlines()
    return staff.logins


def run(builder: Builder, scenarios: list[str]) -> None:
    """Build every dossier on the demo clock.

    The demo staff "acted in the past", before anyone could enrol an authenticator
    app, so the staff second-factor rule (STAFF_MFA_REQUIRED) is lifted for this
    loop only; it holds again for every real request. seed_demo refuses production.
    """
    pending_for_citizen = set(CITIZEN_SCENARIOS)
    with (
        demo_clock(builder.clock),
        mock.patch.object(settings, "STAFF_MFA_REQUIRED", False),
    ):
        for scenario in scenarios:
            mine = scenario in pending_for_citizen
            pending_for_citizen.discard(scenario)
            builder.build(scenario, for_demo_citizen=mine)
