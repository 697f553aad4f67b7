"""The catalogue exchange format: national field names, parsing and validation of
JSON and Excel files.

The format follows the national database of administrative procedures (CSDLQG về
TTHC) and the provincial systems built on it; docs/catalogue-format.md documents
every key. An import validates every record first, reports every bad one with its
line and the reason, and loads nothing unless the whole file is valid.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Agency
from procedures.models import Field, Procedure
from procedures.search import normalize

MAX_IMPORT_BYTES = 20 * 1024 * 1024

LEVEL_LABELS: dict[str, str] = {
    Procedure.Level.PROVINCE: "Cấp Tỉnh",
    Procedure.Level.COMMUNE: "Cấp Xã",
    Procedure.Level.CENTRAL: "Cấp Bộ",
    Procedure.Level.INTER_LEVEL: "Nhiều cấp",
}
ONLINE_LABELS: dict[str, str] = {
    Procedure.OnlineLevel.FULL: "Toàn trình",
    Procedure.OnlineLevel.PARTIAL: "Một phần",
    Procedure.OnlineLevel.NONE: "Không",
}
# Provincial systems code the online level as MucDo 4 / 3 / 2 (domain.md §3.2).
ONLINE_NUMBERS = {"4": "full", "3": "partial", "2": "none", "1": "none"}
SUPPLEMENT_LABELS: dict[str, str] = {
    Procedure.SupplementPolicy.RESTART: "Tính lại",
    Procedure.SupplementPolicy.SHIFT: "Cộng thêm",
}
LEVEL_ALIASES = {"cap trung uong": "central", "cap huyen": "inter_level"}
TRUE_WORDS = {"1", "true", "co", "x", "yes"}
FALSE_WORDS = {"0", "false", "khong", "", "no"}

# Scalar keys of a procedure record, in export order: national key -> model field.
TEXT_KEYS = {
    "MaTTHCDiaPhuong": "local_code",
    "TrinhTuThucHien": "steps",
    "CachThucThucHien": "method",
    "DoiTuongThucHien": "target_group",
    "YeuCauDieuKien": "conditions",
    "CanCuPhapLy": "legal_basis",
    "KetQuaThucHien": "result",
    "MoTaPhiLePhi": "fee_note",
    "QuyetDinhCongBo": "publishing_decision",
}
PROCEDURE_COLUMNS = (
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "CapThucHien",
    "CoQuanThucHien",
    "CoQuanTiepNhan",
    "ThoiGianGiaiQuyet",
    "ThoiGianGiaiQuyetDiaPhuong",
    "MucDo",
    "ThucHienTaiBoPhanMotCua",
    "HenTraSauBoSung",
    "NgayCongBo",
    "NgayHieuLuc",
    *TEXT_KEYS,
)
DOCUMENT_COLUMNS = (
    "MaGiayTo",
    "TenGiayTo",
    "BatBuoc",
    "SoBanChinh",
    "SoBanSao",
    "GhiChu",
)
FEE_COLUMNS = ("TenPhiLePhi", "MucPhi", "GhiChu")
SHEET_PROCEDURES, SHEET_DOCUMENTS, SHEET_FEES = "ThuTuc", "ThanhPhanHoSo", "PhiLePhi"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not JSON, not a workbook, too big)."""


@dataclass(frozen=True)
class RowError:
    line: str
    code: str
    message: str

    def __str__(self) -> str:
        prefix = f"{self.line} ({self.code})" if self.code else self.line
        return f"{prefix}: {self.message}"


@dataclass
class ParsedDocument:
    code: str
    name: str
    mandatory: bool
    originals: int
    copies: int
    note: str


@dataclass
class ParsedFee:
    name: str
    amount: Decimal
    note: str


@dataclass
class ParsedProcedure:
    line: str
    national_code: str
    name: str
    field_code: str
    field_name: str
    level: str
    agency_code: str
    receiving_codes: list[str]
    processing_days: Decimal
    local_processing_days: Decimal | None
    online_level: str
    resolved_on_site: bool
    supplement_policy: str
    published_on: date | None
    effective_from: date | None
    texts: dict[str, str]
    documents: list[ParsedDocument] = field(default_factory=list)
    fees: list[ParsedFee] = field(default_factory=list)

    def content(self) -> tuple[Any, ...]:
        """Everything but the line: equal content means nothing to import."""
        return (
            self.name,
            self.field_code,
            self.level,
            self.agency_code,
            sorted(self.receiving_codes),
            self.processing_days,
            self.local_processing_days,
            self.online_level,
            self.resolved_on_site,
            self.supplement_policy,
            self.effective_from,
            self.texts,
            [vars(d) for d in self.documents],
            [vars(f) for f in self.fees],
        )


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Row:
    """One record being validated; collects every problem instead of stopping."""

    def __init__(self, line: str, data: dict[str, Any]) -> None:
        self.line = line
        self.data = data
        self.code = _text(data.get("MaTTHC"))
        self.errors: list[RowError] = []

    def error(self, message: str) -> None:
        self.errors.append(RowError(self.line, self.code, message))

    def required(self, key: str) -> str:
        value = _text(self.data.get(key))
        if not value:
            self.error(_("%(key)s is required.") % {"key": key})
        return value

    def days(self, key: str, *, required: bool) -> Decimal | None:
        raw = self.data.get(key)
        if raw is None or _text(raw) == "":
            if required:
                self.error(_("%(key)s is required.") % {"key": key})
            return None
        try:
            value = Decimal(_text(raw).replace(",", "."))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value >= 10000:
            self.error(
                _("%(key)s must be a number of working days, not “%(value)s”.")
                % {"key": key, "value": raw}
            )
            return None
        return value.quantize(Decimal("0.01"))

    def boolean(self, key: str) -> bool:
        word = normalize(_text(self.data.get(key)))
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.error(_("%(key)s must be yes or no.") % {"key": key})
        return False

    def date(self, key: str) -> date | None:
        raw = self.data.get(key)
        if isinstance(raw, date):
            return raw
        text = _text(raw)[:10]
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.error(
                _("%(key)s must be a date written YYYY-MM-DD, not “%(value)s”.")
                % {"key": key, "value": raw}
            )
            return None

    def choice(self, key: str, labels: Mapping[str, str], extra: dict[str, str]) -> str:
        raw = _text(self.data.get(key))
        word = normalize(raw)
        for value, label in labels.items():
            if word in {value, normalize(label)}:
                return value
        if word in extra:
            return extra[word]
        self.error(
            _("%(key)s “%(value)s” is not one of: %(allowed)s.")
            % {"key": key, "value": raw, "allowed": ", ".join(labels.values())}
        )
        return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _codes(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    return [
        part.strip()
        for part in _text(value).replace(",", ";").split(";")
        if part.strip()
    ]


def _count(row: _Row, value: Any, key: str) -> int:
    text = _text(value) or "0"
    if not text.isdigit() or int(text) > 100:
        row.error(_("%(key)s must be a whole number of copies.") % {"key": key})
        return 0
    return int(text)


def _parse_documents(row: _Row, items: Any) -> list[ParsedDocument]:
    if not isinstance(items, list) or not items:
        row.error(_("ThanhPhanHoSo must list at least one document."))
        return []
    documents = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not _text(item.get("TenGiayTo")):
            row.error(_("Document %(index)d has no TenGiayTo.") % {"index": index})
            continue
        mandatory = normalize(_text(item.get("BatBuoc", "1")))
        documents.append(
            ParsedDocument(
                code=_text(item.get("MaGiayTo"))[:40],
                name=_text(item["TenGiayTo"])[:500],
                mandatory=mandatory not in FALSE_WORDS,
                originals=_count(row, item.get("SoBanChinh"), "SoBanChinh"),
                copies=_count(row, item.get("SoBanSao"), "SoBanSao"),
                note=_text(item.get("GhiChu"))[:500],
            )
        )
    return documents


def _parse_fees(row: _Row, items: Any) -> list[ParsedFee]:
    if items in (None, ""):
        return []
    if not isinstance(items, list):
        row.error(_("PhiLePhi must be a list of fees."))
        return []
    fees = []
    for index, item in enumerate(items, start=1):
        try:
            amount = Decimal(
                _text(item.get("MucPhi")).replace(".", "").replace(",", "")
            )
        except (InvalidOperation, AttributeError):
            amount = Decimal(-1)
        if not isinstance(item, dict) or not _text(item.get("TenPhiLePhi")):
            row.error(_("Fee %(index)d has no TenPhiLePhi.") % {"index": index})
        elif not amount.is_finite() or amount < 0 or amount >= 10**14:
            row.error(
                _("Fee %(index)d: MucPhi must be an amount in dong.") % {"index": index}
            )
        else:
            fees.append(
                ParsedFee(
                    _text(item["TenPhiLePhi"])[:255],
                    amount,
                    _text(item.get("GhiChu"))[:500],
                )
            )
    return fees


def parse_record(line: str, data: Any) -> tuple[ParsedProcedure | None, list[RowError]]:
    if isinstance(data, str):  # a problem found while reading the file
        return None, [RowError(line, "", data)]
    if not isinstance(data, dict):
        return None, [RowError(line, "", _("A procedure must be an object."))]
    row = _Row(line, data)
    parsed = ParsedProcedure(
        line=line,
        national_code=row.required("MaTTHC")[:40],
        name=row.required("TenTTHC")[:500],
        field_code=row.required("MaLinhVuc")[:30],
        field_name=_text(data.get("TenLinhVuc"))[:255],
        level=row.choice("CapThucHien", LEVEL_LABELS, LEVEL_ALIASES),
        agency_code=row.required("CoQuanThucHien"),
        receiving_codes=_codes(data.get("CoQuanTiepNhan")),
        processing_days=row.days("ThoiGianGiaiQuyet", required=True) or Decimal(0),
        local_processing_days=row.days("ThoiGianGiaiQuyetDiaPhuong", required=False),
        online_level=row.choice("MucDo", ONLINE_LABELS, ONLINE_NUMBERS),
        resolved_on_site=row.boolean("ThucHienTaiBoPhanMotCua"),
        supplement_policy=row.choice(
            "HenTraSauBoSung", SUPPLEMENT_LABELS, {"": "restart"}
        ),
        published_on=row.date("NgayCongBo"),
        effective_from=row.date("NgayHieuLuc"),
        texts={model: _text(data.get(key)) for key, model in TEXT_KEYS.items()},
    )
    parsed.documents = _parse_documents(row, data.get("ThanhPhanHoSo"))
    parsed.fees = _parse_fees(row, data.get("PhiLePhi"))
    return parsed, row.errors


def _check_references(records: Sequence[ParsedProcedure]) -> list[RowError]:
    """Codes must be unique in the file; agencies must exist; a field must exist or
    be named so that it can be created."""
    agencies = set(Agency.objects.values_list("code", flat=True))
    fields = set(Field.objects.values_list("code", flat=True))
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for record in records:

        def fail(message: str, record: ParsedProcedure = record) -> None:
            errors.append(RowError(record.line, record.national_code, message))

        if record.national_code in seen:
            fail(_("Same MaTTHC as %(line)s.") % {"line": seen[record.national_code]})
        seen.setdefault(record.national_code, record.line)
        for code in [record.agency_code, *record.receiving_codes]:
            if code and code not in agencies:
                fail(_("Unknown agency code “%(code)s”.") % {"code": code})
        if record.field_code not in fields and not record.field_name:
            fail(
                _("Unknown field code “%(code)s” (give TenLinhVuc to create it).")
                % {"code": record.field_code}
            )
    return errors


def validate_records(
    items: Iterable[tuple[str, Any]],
) -> tuple[list[ParsedProcedure], list[RowError]]:
    records: list[ParsedProcedure] = []
    errors: list[RowError] = []
    for line, data in items:
        parsed, row_errors = parse_record(line, data)
        errors.extend(row_errors)
        if parsed is not None:
            records.append(parsed)
    errors.extend(_check_references(records))
    if not records and not errors:
        errors.append(RowError("-", "", _("The file holds no procedure.")))
    return records, errors


# --- reading files ---------------------------------------------------------------------


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read_json(content: bytes) -> list[tuple[str, Any]]:
    """The records of a JSON array (or {"ThuTuc": [...]}) with their line numbers."""
    try:
        text = content.decode("utf-8-sig")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(
            _("This is not a valid UTF-8 JSON file: %(error)s") % {"error": error}
        ) from error
    if isinstance(document, dict):
        document = document.get(SHEET_PROCEDURES)
    if not isinstance(document, list):
        raise ImportFileError(_("The JSON file must hold a list of procedures."))
    decoder = json.JSONDecoder()
    records: list[tuple[str, Any]] = []
    position = (
        text.index(
            "[", 0 if text.lstrip().startswith("[") else text.index(SHEET_PROCEDURES)
        )
        + 1
    )
    for item in document:
        while text[position] in " \t\r\n,":
            position += 1
        _value, end = decoder.raw_decode(text, position)
        records.append((_("line %(line)d") % {"line": _line_of(text, position)}, item))
        position = end
    return records


def _sheet_rows(
    workbook: Any, title: str, *, required: bool
) -> list[tuple[int, dict[str, Any]]]:
    if title not in workbook.sheetnames:
        if required:
            raise ImportFileError(
                _("The workbook has no sheet named %(sheet)s.") % {"sheet": title}
            )
        return []
    rows = workbook[title].iter_rows(values_only=True)
    header = [_text(cell) for cell in next(rows, ())]
    result = []
    for number, values in enumerate(rows, start=2):
        if any(_text(value) for value in values):
            result.append((number, dict(zip(header, values, strict=False))))
    return result


def read_excel(content: bytes) -> list[tuple[str, Any]]:
    """Records from the three sheets: ThuTuc (one row a procedure), ThanhPhanHoSo
    and PhiLePhi (one row a document or fee, keyed by MaTTHC)."""
    from zipfile import BadZipFile  # noqa: PLC0415

    from openpyxl import load_workbook  # noqa: PLC0415 - only imports need it
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as error:
        raise ImportFileError(
            _("This is not a valid Excel (.xlsx) workbook.")
        ) from error
    try:
        procedures = _sheet_rows(workbook, SHEET_PROCEDURES, required=True)
        documents = _sheet_rows(workbook, SHEET_DOCUMENTS, required=False)
        fees = _sheet_rows(workbook, SHEET_FEES, required=False)
    finally:
        workbook.close()
    by_code: dict[str, dict[str, Any]] = {}
    records: list[tuple[str, Any]] = []
    for number, row in procedures:
        row["ThanhPhanHoSo"], row["PhiLePhi"] = [], []
        by_code.setdefault(_text(row.get("MaTTHC")), row)
        records.append((f"{SHEET_PROCEDURES}!{number}", row))
    for sheet, key, rows in (
        (SHEET_DOCUMENTS, "ThanhPhanHoSo", documents),
        (SHEET_FEES, "PhiLePhi", fees),
    ):
        for number, row in rows:
            owner = by_code.get(_text(row.get("MaTTHC")))
            if owner is None:
                records.append(
                    (
                        f"{sheet}!{number}",
                        _("Unknown MaTTHC “%(code)s”.")
                        % {"code": _text(row.get("MaTTHC"))},
                    )
                )
            else:
                owner[key].append(row)
    return records


def read_file(name: str, content: bytes) -> list[tuple[str, Any]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB."))
    if name.lower().endswith(".xlsx"):
        return read_excel(content)
    if name.lower().endswith(".json"):
        return read_json(content)
    raise ImportFileError(_("Upload a .json or .xlsx file."))
