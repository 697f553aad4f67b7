"""Excel files: the periodic report a one-stop centre sends up, and the tracking
ledger (Mẫu 06). Headers in Vietnamese whatever the request's language; dates are
real Excel dates in the portal's local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard.selectors import AgencyRow, Filters, Stock
from dossiers.models import Dossier

DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
EMPTY_STOCK = Stock(within=0, overdue=0, paused_supplement=0, paused_payment=0)


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(
        tzinfo=None
    )


def _period_line(filters: Filters) -> str:
    return _("Period: from %(first)s to %(last)s") % {
        "first": filters.first.strftime("%d/%m/%Y"),
        "last": filters.last.strftime("%d/%m/%Y"),
    }


def report_workbook(
    *,
    filters: Filters,
    rows: list[AgencyRow],
    stock_end: dict[int, Stock] | None,
    stock_start: dict[int, Stock] | None,
) -> bytes:
    """One row per competent agency and a total row (design.md §7, domain.md §0)."""
    with translation.override("vi"):
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 - a new workbook has one sheet
        sheet.title = _("Report")
        headers = [
            pgettext("report column", "No."),
            pgettext("report column", "Agency"),
            pgettext("report column", "Carried over"),
            pgettext("report column", "Received"),
            pgettext("report column", "At the counter"),
            pgettext("report column", "Online"),
            pgettext("report column", "By post"),
            pgettext("report column", "Finished"),
            pgettext("report column", "Early"),
            pgettext("report column", "On time"),
            pgettext("report column", "Late"),
            pgettext("report column", "In progress within the deadline"),
            pgettext("report column", "In progress, overdue"),
            pgettext("report column", "Waiting for a supplement"),
            pgettext("report column", "Waiting for payment"),
            pgettext("report column", "Withdrawn"),
            pgettext("report column", "Stopped"),
        ]
        sheet.append([_("REPORT ON THE HANDLING OF ADMINISTRATIVE DOSSIERS")])
        sheet.append([_period_line(filters)])
        sheet.append([])
        sheet.append(headers)
        header_row = sheet.max_row
        totals = [0] * (len(headers) - 2)
        for number, row in enumerate(rows, start=1):
            end = (stock_end or {}).get(row.agency_id, EMPTY_STOCK)
            start = (stock_start or {}).get(row.agency_id, EMPTY_STOCK)
            values = [
                start.open,
                row.received,
                row.received_counter,
                row.received_online,
                row.received_post,
                row.finished,
                row.finished_early,
                row.finished_on_time,
                row.finished_late,
                end.within,
                end.overdue,
                end.paused_supplement,
                end.paused_payment,
                row.withdrawn,
                row.stopped,
            ]
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            sheet.append([number, row.name, *values])
        sheet.append(["", _("Total"), *totals])
        sheet.cell(row=sheet.max_row, column=2).font = Font(bold=True)
        if stock_end is None or stock_start is None:
            sheet.append([])
            sheet.append(
                [
                    _(
                        "Open dossiers were not recorded for a day of this period; "
                        "those columns show 0."
                    )
                ]
            )
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        widths = [6, 48] + [14] * (len(headers) - 2)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"C{header_row + 1}"
        return _save(book)


def ledger_workbook(*, filters: Filters, dossiers: Iterable[Dossier]) -> bytes:
    """Mẫu 06, the tracking ledger: one row per dossier received in the period."""
    with translation.override("vi"):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Tracking ledger"))
        widths = [6, 30, 50, 28, 17, 17, 17, 17, 17, 30]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_("DOSSIER TRACKING LEDGER (FORM 06)")])
        sheet.append([_period_line(filters)])
        sheet.append(
            [
                pgettext("ledger column", "No."),
                pgettext("ledger column", "Dossier code"),
                pgettext("ledger column", "Procedure"),
                pgettext("ledger column", "Applicant"),
                pgettext("ledger column", "Received at"),
                pgettext("ledger column", "Appointment"),
                pgettext("ledger column", "Transferred at"),
                pgettext("ledger column", "Result at"),
                pgettext("ledger column", "Returned at"),
                pgettext("ledger column", "Note"),
            ]
        )
        for number, dossier in enumerate(dossiers, start=1):
            values: list[Any] = [
                number,
                dossier.code,
                dossier.procedure.name,
                dossier.applicant_name,
                _local(dossier.received_at),
                _local(dossier.original_appointment_at or dossier.appointment_at),
                _local(getattr(dossier, "transferred_at", None)),
                _local(dossier.finished_at),
                _local(dossier.returned_at),
                _ledger_note(dossier),
            ]
            sheet.append([_dated(sheet, value) for value in values])
        return _save(book)


def _dated(sheet: Any, value: Any) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATETIME_FORMAT
    return cell


def _ledger_note(dossier: Dossier) -> str:
    notes = []
    if dossier.state in (Dossier.State.WITHDRAWN, Dossier.State.STOPPED):
        notes.append(str(dossier.get_state_display()))
    if dossier.appointment_at != dossier.original_appointment_at:
        notes.append(
            _("New appointment after an apology: %(date)s")
            % {"date": timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y")}
        )
    if dossier.timeliness:
        notes.append(str(dossier.get_timeliness_display()))
    return "; ".join(notes)


def _save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
