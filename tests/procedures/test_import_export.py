"""Import and export in the national format, JSON and Excel."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from procedures import catalogue_io
from procedures.models import Field, Procedure, ProcedureEvent

pytestmark = pytest.mark.django_db


def record(code="1.001193", **overrides):
    data = {
        "MaTTHC": code,
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "G01-TP05",
        "TenLinhVuc": "Hộ tịch",
        "CapThucHien": "Cấp Xã",
        "CoQuanThucHien": "000.31.01.H49",
        "CoQuanTiepNhan": ["000.00.01.H49"],
        "ThoiGianGiaiQuyet": 1,
        "MucDo": "Toàn trình",
        "ThucHienTaiBoPhanMotCua": True,
        "TrinhTuThucHien": "Nộp hồ sơ; nhận kết quả.",
        "CanCuPhapLy": "Luật Hộ tịch 2014",
        "ThanhPhanHoSo": [
            {"TenGiayTo": "Tờ khai đăng ký khai sinh", "SoBanChinh": 1, "SoBanSao": 0},
            {"TenGiayTo": "Giấy chứng sinh", "BatBuoc": False, "SoBanChinh": 1},
        ],
        "PhiLePhi": [{"TenPhiLePhi": "Lệ phí", "MucPhi": 0, "GhiChu": "Miễn"}],
    }
    data.update(overrides)
    return data


def as_json(records) -> bytes:
    return json.dumps(records, ensure_ascii=False, indent=2).encode()


def test_good_json_file_is_loaded_and_published(agencies, manager):
    report = catalogue_io.import_file(
        "ds.json",
        as_json(
            [
                record(),
                record(
                    "2.000488",
                    TenTTHC="Cấp Phiếu lý lịch tư pháp",
                    CapThucHien="Cấp Tỉnh",
                    MucDo=4,
                    CoQuanThucHien="000.00.15.H49",
                ),
            ]
        ),
        actor=manager,
    )
    assert report.ok, report.errors
    assert sorted(report.created) == ["1.001193", "2.000488"]
    birth = Procedure.objects.get(national_code="1.001193")
    assert birth.status == Procedure.Status.PUBLISHED
    assert (birth.level, birth.online_level, birth.resolved_on_site) == (
        "commune",
        "full",
        True,
    )
    assert [d.name for d in birth.required_documents.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert birth.required_documents.all()[1].mandatory is False
    assert list(birth.receiving_agencies.values_list("code", flat=True)) == [
        "000.00.01.H49"
    ]
    assert Field.objects.get(code="G01-TP05").name == "Hộ tịch"
    assert ProcedureEvent.objects.filter(action="imported", actor=manager).count() == 2


def test_bad_json_file_reports_every_bad_row_with_its_line_and_loads_nothing(agencies):
    records = [
        record(),
        record("1.000894", TenTTHC="", ThoiGianGiaiQuyet="ba ngày"),
        record("1.000656", CoQuanThucHien="000.99.99.H99", MucDo="Cấp độ 9"),
        record("1.001193"),
    ]
    report = catalogue_io.import_file("ds.json", as_json(records), actor=None)
    assert not report.ok
    text = "\n".join(str(e) for e in report.errors)
    lines = {e.line.split()[-1] for e in report.errors}
    assert lines == {"37", "72", "107"}, text
    assert "TenTTHC" in text
    assert "ThoiGianGiaiQuyet" in text
    assert "000.99.99.H99" in text
    assert "MucDo" in text
    assert "MaTTHC" in text  # the duplicate 1.001193
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ds.json", b"{not json"),
        ("ds.json", b'{"a": 1}'),
        ("ds.json", b"[]"),
        ("ds.xlsx", b"not a workbook"),
        ("ds.csv", b"a,b"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(db, name, content):
    report = catalogue_io.import_file(name, content, actor=None)
    assert not report.ok
    assert report.errors[0].message


def test_reimporting_the_same_file_changes_nothing_and_a_change_makes_a_version(
    agencies,
):
    assert catalogue_io.import_file("a.json", as_json([record()]), actor=None).ok
    again = catalogue_io.import_file("a.json", as_json([record()]), actor=None)
    assert again.unchanged == ["1.001193"]
    changed = catalogue_io.import_file(
        "a.json", as_json([record(ThoiGianGiaiQuyet=0.5)]), actor=None
    )
    assert changed.amended == ["1.001193"]
    versions = Procedure.objects.filter(national_code="1.001193").order_by("version")
    assert [(v.version, v.status, v.processing_days) for v in versions] == [
        (1, "superseded", Decimal("1.00")),
        (2, "published", Decimal("0.50")),
    ]


def excel_file(rows, documents, fees) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "ThuTuc"
    header = [
        "MaTTHC",
        "TenTTHC",
        "MaLinhVuc",
        "TenLinhVuc",
        "CapThucHien",
        "CoQuanThucHien",
        "CoQuanTiepNhan",
        "ThoiGianGiaiQuyet",
        "MucDo",
    ]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    documents_sheet = workbook.create_sheet("ThanhPhanHoSo")
    documents_sheet.append(["MaTTHC", "TenGiayTo", "BatBuoc", "SoBanChinh", "SoBanSao"])
    for row in documents:
        documents_sheet.append(row)
    fees_sheet = workbook.create_sheet("PhiLePhi")
    fees_sheet.append(["MaTTHC", "TenPhiLePhi", "MucPhi"])
    for row in fees:
        fees_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_good_excel_file(agencies):
    content = excel_file(
        [
            [
                "1.009972",
                "Cấp giấy phép xây dựng",
                "G03-XD",
                "Xây dựng",
                "Cấp Tỉnh",
                "000.00.18.H49",
                "000.00.01.H49",
                15,
                "Một phần",
            ]
        ],
        [
            ["1.009972", "Đơn đề nghị cấp giấy phép xây dựng", "Có", 1, 0],
            ["1.009972", "Bản vẽ thiết kế", "Có", 0, 2],
        ],
        [["1.009972", "Lệ phí cấp giấy phép xây dựng", 75000]],
    )
    report = catalogue_io.import_file("ds.xlsx", content, actor=None)
    assert report.ok, report.errors
    procedure = Procedure.objects.get(national_code="1.009972")
    assert procedure.required_documents.count() == 2
    assert procedure.fees.get().amount == Decimal(75000)
    assert procedure.online_level == "partial"


def test_bad_excel_file_names_sheet_and_row(agencies):
    content = excel_file(
        [
            [
                "1.009972",
                "Cấp giấy phép xây dựng",
                "G03-XD",
                "Xây dựng",
                "Cấp Tỉnh",
                "000.00.18.H49",
                "",
                15,
                "Một phần",
            ],
            [
                "1.009973",
                "Thiếu thời hạn",
                "G03-XD",
                "Xây dựng",
                "Cấp Tỉnh",
                "000.00.18.H49",
                "",
                None,
                "Một phần",
            ],
        ],
        [
            ["1.009972", "Đơn", "Có", 1, 0],
            ["1.009973", "Đơn", "Có", 1, 0],
            ["9.999999", "Lạc", "Có", 1, 0],
        ],
        [["1.009972", "Lệ phí", "nhiều tiền"]],
    )
    report = catalogue_io.import_file("ds.xlsx", content, actor=None)
    lines = sorted(e.line for e in report.errors)
    assert lines == ["ThanhPhanHoSo!4", "ThuTuc!2", "ThuTuc!3"], report.errors
    assert Procedure.objects.count() == 0


def test_export_round_trip_json_and_excel(agencies):
    assert catalogue_io.import_file(
        "a.json",
        as_json([record(), record("2.000488", TenTTHC="Cấp Phiếu lý lịch tư pháp")]),
        actor=None,
    ).ok
    exported_json = catalogue_io.export_json(catalogue_io.export_queryset())
    exported_excel = catalogue_io.export_excel(catalogue_io.export_queryset())
    workbook = load_workbook(io.BytesIO(exported_excel), read_only=True)
    assert workbook["ThuTuc"]["A2"].value == "1.001193"
    workbook.close()
    for name, content in (("x.json", exported_json), ("x.xlsx", exported_excel)):
        report = catalogue_io.import_file(name, content, actor=None)
        assert report.ok, report.errors
        assert sorted(report.unchanged) == ["1.001193", "2.000488"], name
    records = json.loads(exported_json)
    assert records[0]["ThanhPhanHoSo"][1]["BatBuoc"] is False
    assert records[0]["MucDo"] == "Toàn trình"


def test_management_commands(agencies, tmp_path):
    source = tmp_path / "in.json"
    source.write_bytes(as_json([record()]))
    call_command("import_procedures", str(source))
    target = tmp_path / "out.xlsx"
    call_command("export_procedures", str(target))
    workbook = load_workbook(target, read_only=True)
    assert workbook["ThuTuc"]["B2"].value == "Đăng ký khai sinh"
    workbook.close()
    bad = tmp_path / "bad.json"
    bad.write_bytes(as_json([record(TenTTHC="")]))
    with pytest.raises(CommandError, match="TenTTHC"):
        call_command("import_procedures", str(bad))


def test_admin_upload(admin_client, agencies):
    url = "/admin/procedures/procedure/import/"
    assert admin_client.get(url).status_code == 200
    bad = SimpleUploadedFile("ds.json", as_json([record(TenTTHC="")]))
    response = admin_client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "TenTTHC" in response.content.decode()
    assert Procedure.objects.count() == 0
    good = SimpleUploadedFile("ds.json", as_json([record()]))
    response = admin_client.post(url, {"file": good})
    assert response.status_code == 302
    assert Procedure.objects.published().count() == 1
    export = admin_client.get("/admin/procedures/procedure/export/json/")
    assert json.loads(export.content)[0]["MaTTHC"] == "1.001193"
