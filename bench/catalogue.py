"""Generate a large, varied procedure catalogue for benchmarks (bulk inserts).

    generate_catalogue(size=10_000, seed=1)

Names are built from the verbs, objects and qualifiers of real Vietnamese procedure
names, so trigram statistics and result counts look like a real province's list.
Codes start with 8. so they never collide with the real catalogue (1.x, 2.x).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from accounts.models import Agency
from procedures.catalogue_choices import bump_catalogue_choices_version
from procedures.models import Fee, Field, Procedure, RequiredDocument

VERBS = (
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Đăng ký lại",
    "Xác nhận",
    "Thẩm định",
    "Công nhận",
    "Chứng nhận",
    "Thu hồi",
    "Phê duyệt",
    "Cho phép",
    "Thông báo",
    "Hỗ trợ",
    "Giải quyết",
    "Chuyển đổi",
    "Sửa đổi, bổ sung",
)
OBJECTS = (
    "giấy phép xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép lái xe",
    "giấy khai sinh",
    "giấy chứng nhận kết hôn",
    "phiếu lý lịch tư pháp",
    "giấy chứng nhận đăng ký doanh nghiệp",
    "giấy chứng nhận đăng ký hộ kinh doanh",
    "chứng chỉ hành nghề dược",
    "giấy phép hành nghề khám bệnh, chữa bệnh",
    "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "giấy phép lao động",
    "trợ cấp xã hội hằng tháng",
    "hộ chiếu phổ thông",
    "giấy phép kinh doanh vận tải",
    "chứng chỉ hành nghề hoạt động xây dựng",
    "văn bằng, chứng chỉ",
    "giấy phép khai thác nước dưới đất",
    "giấy phép môi trường",
    "thẻ bảo hiểm y tế",
    "giấy phép kinh doanh karaoke",
    "giấy chứng nhận đủ điều kiện kinh doanh dược",
    "giấy phép tổ chức lễ hội",
    "quyết định công nhận trường đạt chuẩn quốc gia",
    "giấy phép hoạt động điện lực",
    "giấy chứng nhận đăng ký xe",
    "thẻ căn cước",
    "giấy phép sử dụng vật liệu nổ công nghiệp",
    "giấy phép đào đường",
    "giấy xác nhận khuyết tật",
)
QUALIFIERS = (
    "",
    "",
    "",
    "đối với nhà ở riêng lẻ",
    "cho tổ chức",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "đối với công trình cấp III, cấp IV",
    "do bị mất, hư hỏng",
    "trong trường hợp thay đổi thông tin",
    "cho doanh nghiệp nhỏ và vừa",
    "tại cấp xã",
    "cho hợp tác xã",
    "đối với người có công",
    "cho cơ sở bán lẻ",
    "theo hình thức xét hồ sơ",
    "khi hết hạn",
    "cho trẻ em dưới 6 tuổi",
)
DOCUMENTS = (
    "Đơn đề nghị theo mẫu",
    "Tờ khai theo mẫu",
    "Bản sao giấy tờ tùy thân",
    "Bản sao giấy chứng nhận quyền sử dụng đất",
    "Bản vẽ thiết kế",
    "Giấy khám sức khỏe",
    "Ảnh màu cỡ 4x6 cm",
    "Văn bản ủy quyền",
    "Báo cáo kết quả thực hiện",
    "Điều lệ",
)
AGENCY_NAMES = ("Sở Bench", "Ủy ban nhân dân xã Bench")


def _agencies(count: int) -> list[Agency]:
    province, _ = Agency.objects.get_or_create(
        code="000.00.00.H99",
        defaults={"name": "Tỉnh thử tải", "kind": Agency.Kind.PROVINCE},
    )
    agencies = [province]
    for index in range(1, count):
        kind = Agency.Kind.DEPARTMENT if index < count // 3 else Agency.Kind.COMMUNE
        agency, _ = Agency.objects.get_or_create(
            code=f"000.{index // 100:02d}.{index % 100:02d}.H99",
            defaults={
                "name": f"{AGENCY_NAMES[kind == Agency.Kind.COMMUNE]} {index}",
                "kind": kind,
                "parent": province,
            },
        )
        agencies.append(agency)
    return agencies


def _fields(count: int) -> list[Field]:
    return [
        Field.objects.get_or_create(
            code=f"B{index:02d}-BENCH", defaults={"name": f"Lĩnh vực thử tải {index}"}
        )[0]
        for index in range(count)
    ]


def _procedure(
    number: int, rng: random.Random, fields: list[Field], agencies: list[Agency]
) -> Procedure:
    name = " ".join(
        part
        for part in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS))
        if part
    )
    level = rng.choice(
        [Procedure.Level.PROVINCE, Procedure.Level.COMMUNE, Procedure.Level.INTER_LEVEL]
    )
    return Procedure(
        national_code=f"8.{number:06d}",
        name=name,
        field=rng.choice(fields),
        level=level,
        competent_agency=rng.choice(agencies),
        processing_days=Decimal(rng.choice([1, 3, 5, 7, 10, 15, 20, 30])),
        online_level=rng.choice(list(Procedure.OnlineLevel.values)),
        steps="Bước 1: Nộp hồ sơ. Bước 2: Thẩm định. Bước 3: Trả kết quả.",
        legal_basis="Văn bản quy phạm pháp luật thử tải.",
        status=Procedure.Status.PUBLISHED,
    )


@transaction.atomic
def generate_catalogue(*, size: int = 10_000, seed: int = 1, batch: int = 2_000) -> int:
    """Insert `size` published procedures (with documents and fees); returns the
    number inserted. Existing bench procedures (8.x codes) are kept."""
    rng = random.Random(seed)
    fields = _fields(40)
    agencies = _agencies(60)
    start = Procedure.objects.filter(national_code__startswith="8.").count()
    for offset in range(start, start + size, batch):
        procedures = Procedure.objects.bulk_create(
            _procedure(number, rng, fields, agencies)
            for number in range(offset, min(offset + batch, start + size))
        )
        documents = [
            RequiredDocument(
                procedure=procedure, name=name, position=position, originals=1
            )
            for procedure in procedures
            for position, name in enumerate(rng.sample(DOCUMENTS, rng.randint(2, 6)))
        ]
        RequiredDocument.objects.bulk_create(documents)
        Fee.objects.bulk_create(
            Fee(
                procedure=procedure,
                name="Lệ phí",
                amount=Decimal(rng.choice([0, 50000, 100000])),
            )
            for procedure in procedures
            if rng.random() < 0.6
        )
    # bulk_create sends no signals: the catalogue's cached filter choices.
    transaction.on_commit(bump_catalogue_choices_version)
    return size
