"""Import and export of the catalogue in the national field names (JSON and Excel).

An import validates every record first (procedures.catalogue_format), reports every
bad one with its line and the reason, and loads nothing unless the whole file is
valid; docs/catalogue-format.md documents every key.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Agency, User
from procedures.catalogue_format import (
    DOCUMENT_COLUMNS,
    FEE_COLUMNS,
    LEVEL_LABELS,
    MAX_IMPORT_BYTES,
    ONLINE_LABELS,
    PROCEDURE_COLUMNS,
    SHEET_DOCUMENTS,
    SHEET_FEES,
    SHEET_PROCEDURES,
    SUPPLEMENT_LABELS,
    TEXT_KEYS,
    ImportFileError,
    ImportReport,
    ParsedProcedure,
    RowError,
    parse_record,
    read_file,
    validate_records,
)
from procedures.models import Fee, Field, Procedure, ProcedureEvent, RequiredDocument
from procedures.services import procedure_next_version, procedure_publish

__all__ = [
    "MAX_IMPORT_BYTES",
    "ImportReport",
    "export_excel",
    "export_json",
    "import_file",
]


# --- loading ---------------------------------------------------------------------------


def _create_version(
    record: ParsedProcedure,
    previous: Procedure | None,
    agencies: dict[str, Agency],
    fields: dict[str, Field],
) -> Procedure:
    field_row = fields.get(record.field_code)
    if field_row is None:
        field_row = Field.objects.create(code=record.field_code, name=record.field_name)
        fields[record.field_code] = field_row
    procedure = Procedure.objects.create(
        national_code=record.national_code,
        version=procedure_next_version(national_code=record.national_code),
        name=record.name,
        field=field_row,
        level=record.level,
        competent_agency=agencies[record.agency_code],
        processing_days=record.processing_days,
        local_processing_days=record.local_processing_days,
        online_level=record.online_level,
        resolved_on_site=record.resolved_on_site,
        supplement_policy=record.supplement_policy,
        published_on=record.published_on,
        effective_from=record.effective_from,
        **record.texts,
    )
    procedure.receiving_agencies.set([agencies[c] for c in record.receiving_codes])
    # A form template is a file, not part of the format: keep the previous one.
    templates = {}
    if previous is not None:
        templates = {d.name: d.template for d in previous.required_documents.all()}
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure,
            position=position,
            template=templates.get(d.name, ""),
            **vars(d),
        )
        for position, d in enumerate(record.documents)
    )
    Fee.objects.bulk_create(Fee(procedure=procedure, **vars(f)) for f in record.fees)
    return procedure


def _current_versions(codes: list[str]) -> dict[str, Procedure]:
    current: dict[str, Procedure] = {}
    queryset = (
        Procedure.objects.select_for_update(of=("self",))
        .filter(national_code__in=codes)
        .exclude(status=Procedure.Status.SUPERSEDED)
        .select_related("field", "competent_agency")
        .prefetch_related("receiving_agencies", "required_documents", "fees")
        .order_by("version")
    )
    for procedure in queryset:
        current[procedure.national_code] = procedure
    return current


def import_records(items: list[tuple[str, Any]], *, actor: User | None) -> ImportReport:
    """Validate every record, then load all of them in one transaction, or none.

    A new code becomes version 1, published. A known code whose content differs
    becomes a new published version and supersedes the old one; dossiers keep the
    version they were filed under. An unchanged record is left alone.
    """
    report = ImportReport()
    records, report.errors = validate_records(items)
    if report.errors:
        return report
    with transaction.atomic():
        agencies = {a.code: a for a in Agency.objects.all()}
        fields = {f.code: f for f in Field.objects.all()}
        current = _current_versions([r.national_code for r in records])
        for record in records:
            previous = current.get(record.national_code)
            if previous is not None and previous.status == Procedure.Status.DRAFT:
                report.errors.append(
                    RowError(
                        record.line,
                        record.national_code,
                        _(
                            "This procedure has a draft version in progress; publish or delete it first."
                        ),
                    )
                )
                continue
            if previous is not None and previous.status == Procedure.Status.PUBLISHED:
                old = parse_procedure(previous, line=record.line)
                if old.content() == record.content():
                    report.unchanged.append(record.national_code)
                    continue
            procedure = _create_version(record, previous, agencies, fields)
            ProcedureEvent.objects.create(
                procedure=procedure, action=ProcedureEvent.Action.IMPORTED, actor=actor
            )
            procedure_publish(procedure=procedure, actor=actor)
            (report.amended if previous else report.created).append(
                record.national_code
            )
        if report.errors:
            transaction.set_rollback(True)
            report.created, report.amended, report.unchanged = [], [], []
    return report


def import_file(name: str, content: bytes, *, actor: User | None) -> ImportReport:
    try:
        items = read_file(name, content)
    except ImportFileError as error:
        return ImportReport(errors=[RowError(name, "", str(error))])
    return import_records(items, actor=actor)


# --- exporting -------------------------------------------------------------------------


def _amount(value: Decimal) -> int:
    return int(value)


def _days(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def procedure_record(procedure: Procedure) -> dict[str, Any]:
    """One procedure version in the national format (prefetch its relations)."""
    record: dict[str, Any] = {
        "MaTTHC": procedure.national_code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "CapThucHien": LEVEL_LABELS[procedure.level],
        "CoQuanThucHien": procedure.competent_agency.code,
        "CoQuanTiepNhan": sorted(a.code for a in procedure.receiving_agencies.all()),
        "ThoiGianGiaiQuyet": _days(procedure.processing_days),
        "ThoiGianGiaiQuyetDiaPhuong": _days(procedure.local_processing_days),
        "MucDo": ONLINE_LABELS[procedure.online_level],
        "ThucHienTaiBoPhanMotCua": procedure.resolved_on_site,
        "HenTraSauBoSung": SUPPLEMENT_LABELS[procedure.supplement_policy],
        "NgayCongBo": procedure.published_on.isoformat()
        if procedure.published_on
        else "",
        "NgayHieuLuc": procedure.effective_from.isoformat()
        if procedure.effective_from
        else "",
    }
    record.update({key: getattr(procedure, model) for key, model in TEXT_KEYS.items()})
    record["ThanhPhanHoSo"] = [
        {
            "MaGiayTo": d.code,
            "TenGiayTo": d.name,
            "BatBuoc": d.mandatory,
            "SoBanChinh": d.originals,
            "SoBanSao": d.copies,
            "GhiChu": d.note,
        }
        for d in procedure.required_documents.all()
    ]
    record["PhiLePhi"] = [
        {"TenPhiLePhi": f.name, "MucPhi": _amount(f.amount), "GhiChu": f.note}
        for f in procedure.fees.all()
    ]
    return record


def parse_procedure(procedure: Procedure, *, line: str = "") -> ParsedProcedure:
    parsed, errors = parse_record(line, procedure_record(procedure))
    if parsed is None or errors:  # pragma: no cover - our own export is valid
        raise ValueError(errors)
    return parsed


def export_queryset() -> QuerySet[Procedure]:
    return (
        Procedure.objects.published()
        .select_related("field", "competent_agency")
        .prefetch_related("receiving_agencies", "required_documents", "fees")
        .order_by("national_code")
    )


def export_json(procedures: Iterable[Procedure]) -> bytes:
    records = [procedure_record(p) for p in procedures]
    return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def export_excel(procedures: Iterable[Procedure]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - only exports need it

    workbook = Workbook(write_only=True)
    sheets = {
        SHEET_PROCEDURES: (workbook.create_sheet(SHEET_PROCEDURES), PROCEDURE_COLUMNS),
        SHEET_DOCUMENTS: (
            workbook.create_sheet(SHEET_DOCUMENTS),
            ("MaTTHC", *DOCUMENT_COLUMNS),
        ),
        SHEET_FEES: (workbook.create_sheet(SHEET_FEES), ("MaTTHC", *FEE_COLUMNS)),
    }
    for sheet, columns in sheets.values():
        sheet.append(list(columns))
    for procedure in procedures:
        record = procedure_record(procedure)
        record["CoQuanTiepNhan"] = "; ".join(record["CoQuanTiepNhan"])
        record["ThucHienTaiBoPhanMotCua"] = (
            "Có" if record["ThucHienTaiBoPhanMotCua"] else "Không"
        )
        sheets[SHEET_PROCEDURES][0].append([record[c] for c in PROCEDURE_COLUMNS])
        for key, (sheet, columns) in (
            (SHEET_DOCUMENTS, sheets[SHEET_DOCUMENTS]),
            (SHEET_FEES, sheets[SHEET_FEES]),
        ):
            for item in record[key]:
                cells = {**item, "MaTTHC": record["MaTTHC"]}
                if "BatBuoc" in cells:
                    cells["BatBuoc"] = "Có" if cells["BatBuoc"] else "Không"
                sheet.append([cells[c] for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
