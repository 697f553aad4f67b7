"""Printable slips in the layout of the official forms (domain.md §1.5).

Mẫu 01 receipt and appointment (with a QR code to the public lookup), 02 request to
supplement, 03 refusal, 04 apology with a new date, 05 process control sheet built
from the audit events. Rendered with reportlab in a TrueType font with Vietnamese
glyphs (DejaVu, from Debian's fonts-dejavu-core), embedded in the PDF. The forms are
official documents: they are always printed in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from qrcode.image.pil import PilImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.models import Agency
from dossiers.models import Apology, Dossier, DossierEvent, SupplementRequest

FONT = "SlipSerif"
FONT_FILES = {
    FONT: "DejaVuSerif.ttf",
    f"{FONT}-Bold": "DejaVuSerif-Bold.ttf",
    f"{FONT}-Italic": "DejaVuSerif-Italic.ttf",
    f"{FONT}-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
}

#: Forms a citizen may download for their own dossier; 05 is internal.
OWNER_FORMS = frozenset({1, 2, 3, 4})
ALL_FORMS = frozenset({1, 2, 3, 4, 5})


class SlipNotAvailableError(Exception):
    """The dossier has nothing to print on this form (e.g. no refusal for Mẫu 03)."""


@cache
def _register_fonts() -> None:
    folder = Path(
        getattr(settings, "SLIP_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
    )
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=15.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=12.5),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "header": ParagraphStyle(
            "header", parent=base, alignment=TA_CENTER, fontSize=11, leading=14
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName=f"{FONT}-Bold",
            fontSize=14,
            leading=18,
            spaceBefore=8,
            spaceAfter=2,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, alignment=TA_CENTER, spaceAfter=8
        ),
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
    }


def e(value: Any) -> str:
    """Escape user text for reportlab's mini-markup."""
    return escape(str(value if value is not None else ""))


def moment(value: dt.datetime | None) -> str:
    """ "08 giờ 30 phút, ngày 14/12/2026" (local time), or dots to fill by hand."""
    if value is None:
        return "……"
    local = timezone.localtime(value)
    return _("%(hour)s h %(minute)s, %(date)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "date": f"{local:%d/%m/%Y}",
    }


def long_date(day: dt.date) -> str:
    return _("%(day)s %(month)s %(year)s") % {
        "day": f"{day:%d}",
        "month": f"{day:%m}",
        "year": f"{day:%Y}",
    }


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page (or the API lookup) with the dossier code filled in."""
    try:
        path = reverse("dossiers:lookup")
    except NoReverseMatch:
        path = reverse("api-lookup")
    base = str(settings.PORTAL_BASE_URL).rstrip("/")
    return f"{base}{path}?{urlencode({'code': dossier.code or ''})}"


def _qr_image(url: str, size: float) -> Image:
    picture = qrcode.make(url, border=1, image_factory=PilImage)
    buffer = io.BytesIO()
    picture.save(buffer)
    buffer.seek(0)
    return Image(buffer, width=size, height=size)


def _place() -> str:
    province = str(settings.PORTAL_PROVINCE_NAME)
    for prefix in ("Tỉnh ", "Thành phố ", "tỉnh "):
        if province.startswith(prefix):
            return province.removeprefix(prefix)
    return province


def _header(
    styles: dict[str, ParagraphStyle],
    agency: Agency,
    *,
    number: str = "",
    day: dt.date | None = None,
) -> list[Flowable]:
    """Agency header on the left, national header on the right, number and date."""
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    left = []
    if parent:
        left.append(Paragraph(e(parent).upper(), styles["header"]))
    left.append(Paragraph(f"<b><u>{e(agency.name).upper()}</u></b>", styles["header"]))
    if number:
        left.append(
            Paragraph(_("No.: %(number)s") % {"number": e(number)}, styles["header"])
        )
    right = [
        Paragraph(
            "<b>{}</b>".format(_("SOCIALIST REPUBLIC OF VIETNAM")), styles["header"]
        ),
        Paragraph(
            "<b><u>{}</u></b>".format(_("Independence - Freedom - Happiness")),
            styles["header"],
        ),
        Spacer(1, 4),
        Paragraph(
            "<i>%s</i>"
            % (
                _("%(place)s, %(date)s")
                % {
                    "place": e(_place()),
                    "date": long_date(day or timezone.localdate()),
                }
            ),
            styles["header"],
        ),
    ]
    table = Table([[left, right]], colWidths=[78 * mm, 100 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 6)]


def _title(
    styles: dict[str, ParagraphStyle], title: str, subtitle: str = ""
) -> list[Flowable]:
    items: list[Flowable] = [Paragraph(e(title).upper(), styles["title"])]
    if subtitle:
        items.append(Paragraph(subtitle, styles["subtitle"]))
    else:
        items.append(Spacer(1, 6))
    return items


def _numbered(
    styles: dict[str, ParagraphStyle], rows: list[tuple[str, str]]
) -> list[Flowable]:
    return [
        Paragraph(f"{index}. {label}: {value}", styles["body"])
        for index, (label, value) in enumerate(rows, start=1)
    ]


def _grid(
    styles: dict[str, ParagraphStyle],
    head: list[str],
    rows: list[list[str]],
    widths: list[float],
) -> Table:
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{h}</b>", cell) for h in head]]
    data += [[Paragraph(value, cell) for value in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _signatures(
    styles: dict[str, ParagraphStyle], columns: list[tuple[str, str]]
) -> Table:
    cells = []
    for title, name in columns:
        cells.append(
            [
                Paragraph(f"<b>{e(title).upper()}</b>", styles["center"]),
                Paragraph(
                    "<i>{}</i>".format(_("(Signature and full name)")), styles["center"]
                ),
                Spacer(1, 18 * mm),
                Paragraph(f"<b>{e(name)}</b>", styles["center"]),
            ]
        )
    width = 178 * mm / len(columns)
    table = Table([cells], colWidths=[width] * len(columns))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _applicant_rows(dossier: Dossier) -> list[tuple[str, str]]:
    return [
        (_("Mr/Ms"), f"<b>{e(dossier.applicant_name)}</b>"),
        (_("Personal ID number"), e(dossier.applicant_national_id or "……")),
        (_("Address"), e(dossier.applicant_address or "……")),
        (
            _("Phone"),
            _("%(phone)s; Email: %(email)s")
            % {
                "phone": e(dossier.applicant_phone),
                "email": e(dossier.applicant_email or "……"),
            },
        ),
    ]


def _event_actor(dossier: Dossier, *actions: str) -> str:
    event = (
        DossierEvent.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None or event.actor is None:
        return ""
    return event.actor.full_name or str(event.actor)


def _days(days: Decimal) -> str:
    """10.00 → "10", 7.50 → "7,5" (Vietnamese decimal comma)."""
    return f"{days.normalize():f}".replace(".", ",")


def _money(amount: Decimal) -> str:
    return f"{amount:,.0f}".replace(",", ".") + " đồng"


# --- the forms ---------------------------------------------------------------------------


def _form_01(dossier: Dossier, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if dossier.received_at is None or not dossier.code:
        raise SlipNotAvailableError
    procedure = dossier.procedure
    agency = dossier.receiving_agency
    attachments: dict[int | None, int] = {}
    for attachment in dossier.attachments.all():
        attachments[attachment.required_document_id] = (
            attachments.get(attachment.required_document_id, 0) + 1
        )
    rows = [
        [
            str(index),
            e(document.name),
            str(document.originals),
            str(document.copies),
            _("%(count)s file(s)") % {"count": attachments.get(document.pk, 0)}
            if attachments.get(document.pk)
            else _("not submitted"),
        ]
        for index, document in enumerate(procedure.required_documents.all(), start=1)
    ]
    extra = attachments.get(None, 0)
    if extra:
        rows.append(
            [
                str(len(rows) + 1),
                _("Other documents"),
                "",
                "",
                _("%(count)s file(s)") % {"count": extra},
            ]
        )
    fees = list(procedure.fees.all())
    fee_text = (
        "; ".join(f"{e(fee.name)}: {_money(fee.amount)}" for fee in fees)
        if fees
        else _("None")
    )
    url = lookup_url(dossier)
    receiver = _event_actor(dossier, "intake", "receive")
    sequence = (dossier.code or "").rsplit("-", 1)[-1]
    received_day = timezone.localtime(dossier.received_at).date()

    def copy(label: str) -> list[Flowable]:
        story = _header(styles, agency, number=f"{dossier.code}/TNHS", day=received_day)
        story += _title(
            styles,
            _("Receipt of dossier and appointment for the result"),
            _("Dossier code: %(code)s") % {"code": f"<b>{e(dossier.code)}</b>"},
        )
        story.append(Paragraph(f"<i>{e(label)}</i>", styles["small"]))
        story.append(
            Paragraph(
                _("%(agency)s received the dossier of:") % {"agency": e(agency.name)},
                styles["body"],
            )
        )
        numbered = [
            *_applicant_rows(dossier),
            (_("Requested matter"), e(dossier.summary or procedure.name)),
            (_("Procedure"), e(f"{procedure.national_code} · {procedure.name}")),
            (_("Documents submitted"), ""),
        ]
        story += _numbered(styles, numbered)
        story.append(
            _grid(
                styles,
                [
                    _("No."),
                    _("Document"),
                    _("Originals"),
                    _("Copies"),
                    _("Received"),
                ],
                rows,
                [14 * mm, 86 * mm, 22 * mm, 20 * mm, 36 * mm],
            )
        )
        story.append(Spacer(1, 4))
        more = [
            (_("Number of sets"), "01"),
            (
                _("Legal processing time"),
                _("%(days)s working days")
                % {"days": _days(procedure.effective_processing_days)},
            ),
            (_("Received at"), f"<b>{moment(dossier.received_at)}</b>"),
            (_("Result returned at"), f"<b>{moment(dossier.appointment_at)}</b>"),
            (
                _("Place of return"),
                e(", ".join(part for part in (agency.name, agency.address) if part)),
            ),
            (_("Fees and charges"), fee_text),
        ]
        start = len(numbered) + 1
        story += [
            Paragraph(f"{index}. {label}: {value}", styles["body"])
            for index, (label, value) in enumerate(more, start=start)
        ]
        story.append(
            Paragraph(
                _(
                    "Entered in the dossier ledger, book no. %(book)s, entry no. %(entry)s"
                )
                % {"book": f"{received_day:%Y}", "entry": e(sequence)},
                styles["body"],
            )
        )
        story.append(Spacer(1, 6))
        qr = _qr_image(url, 28 * mm)
        lookup = Paragraph(
            _("Look the dossier up at %(url)s with its code and your phone number.")
            % {"url": e(url)},
            styles["small"],
        )
        box = Table([[qr, lookup]], colWidths=[32 * mm, 146 * mm])
        box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(box)
        story.append(Spacer(1, 6))
        story.append(
            _signatures(
                styles,
                [
                    (_("Submitter"), dossier.submitter_name or dossier.applicant_name),
                    (_("Receiving officer"), receiver),
                ],
            )
        )
        return story

    return [
        *copy(_("Copy 1: kept with the dossier")),
        PageBreak(),
        *copy(_("Copy 2: given to the submitter")),
    ]


def _latest(queryset: Any) -> Any:
    found = queryset.order_by("-id").first()
    if found is None:
        raise SlipNotAvailableError
    return found


def _form_02(dossier: Dossier, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    request: SupplementRequest = _latest(
        SupplementRequest.objects.filter(dossier=dossier)
        .select_related("requested_by")
        .prefetch_related("documents")
    )
    agency = dossier.receiving_agency
    story = _header(
        styles,
        agency,
        number=f"{dossier.code}/HDHS",
        day=timezone.localtime(request.requested_at).date(),
    )
    story += _title(styles, _("Request to supplement and complete the dossier"))
    story += _numbered(
        styles,
        [
            *_applicant_rows(dossier),
            (_("Requested matter"), e(dossier.summary or dossier.procedure.name)),
            (_("Dossier code"), f"<b>{e(dossier.code)}</b>"),
        ],
    )
    story.append(
        Paragraph(
            _("The dossier must be supplemented and completed as follows:"),
            styles["body"],
        )
    )
    rows = [
        [str(index), e(document.name), str(document.originals), str(document.copies)]
        for index, document in enumerate(request.documents.all(), start=1)
    ]
    if request.items_text:
        rows.append([str(len(rows) + 1), e(request.items_text), "", ""])
    story.append(
        _grid(
            styles,
            [_("No."), _("Document or item to complete"), _("Originals"), _("Copies")],
            rows,
            [14 * mm, 118 * mm, 23 * mm, 23 * mm],
        )
    )
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            "<b>{}:</b> {}".format(_("Reason"), e(request.reason)),
            styles["body"],
        )
    )
    officer = request.requested_by.full_name or str(request.requested_by)
    story.append(
        Paragraph(
            _(
                "If anything is unclear while completing the dossier, contact "
                "%(officer)s, phone %(phone)s, or see %(website)s."
            )
            % {
                "officer": e(officer),
                "phone": e(agency.hotline or settings.PORTAL_HOTLINE),
                "website": e(settings.PORTAL_BASE_URL),
            },
            styles["body"],
        )
    )
    story.append(Spacer(1, 8))
    story.append(_signatures(styles, [(_("Guiding officer"), officer)]))
    return story


def _form_03(dossier: Dossier, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if dossier.state != Dossier.State.REFUSED:
        raise SlipNotAvailableError
    agency = dossier.receiving_agency
    day = timezone.localtime(dossier.finished_at or timezone.now()).date()
    story = _header(styles, agency, number=f"{dossier.code}/TCHS", day=day)
    story += _title(styles, _("Notice of refusal to receive and process the dossier"))
    story.append(
        Paragraph(
            _("%(agency)s received the dossier of:") % {"agency": e(agency.name)},
            styles["body"],
        )
    )
    story += _numbered(
        styles,
        [
            *_applicant_rows(dossier),
            (_("Requested matter"), e(dossier.summary or dossier.procedure.name)),
            (_("Dossier code"), f"<b>{e(dossier.code)}</b>"),
        ],
    )
    story.append(
        Paragraph(
            _(
                "After examining the dossier, %(agency)s gives notice that it does not "
                "receive or process this dossier, for the following reason:"
            )
            % {"agency": e(agency.name)},
            styles["body"],
        )
    )
    story.append(Paragraph(f"<b>{e(dossier.reason)}</b>", styles["body"]))
    story.append(
        Paragraph(
            _(
                "For guidance, contact the one-stop counter, phone %(phone)s, or see "
                "%(website)s. We inform you accordingly."
            )
            % {
                "phone": e(agency.hotline or settings.PORTAL_HOTLINE),
                "website": e(settings.PORTAL_BASE_URL),
            },
            styles["body"],
        )
    )
    story.append(Spacer(1, 8))
    story.append(
        _signatures(
            styles,
            [
                (_("Submitter"), dossier.submitter_name or dossier.applicant_name),
                (_("Receiving officer"), _event_actor(dossier, "refuse")),
            ],
        )
    )
    return story


def _form_04(dossier: Dossier, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    apology: Apology = _latest(
        Apology.objects.filter(dossier=dossier).select_related(
            "signer", "responsible_agency"
        )
    )
    agency = apology.responsible_agency
    story = _header(
        styles,
        agency,
        number=f"{dossier.code}/XL",
        day=timezone.localtime(apology.created_at).date(),
    )
    story += _title(
        styles,
        _("Letter of apology and new appointment for the result"),
        _(
            "Re: apology for a dossier processed late and a new time to return the "
            "result"
        ),
    )
    story.append(
        Paragraph(
            "<b>{}:</b> {}".format(_("To"), e(dossier.applicant_name)), styles["center"]
        )
    )
    story.append(Spacer(1, 4))
    received = dossier.received_at or dossier.submitted_at
    story.append(
        Paragraph(
            _(
                "On %(date)s, %(centre)s received the dossier of Mr/Ms %(name)s "
                "(phone %(phone)s) for: %(matter)s."
            )
            % {
                "date": e(moment(received)),
                "centre": e(dossier.receiving_agency.name),
                "name": e(dossier.applicant_name),
                "phone": e(dossier.applicant_phone),
                "matter": e(dossier.summary or dossier.procedure.name),
            },
            styles["body"],
        )
    )
    story += _numbered(
        styles,
        [
            (_("Dossier code"), f"<b>{e(dossier.code)}</b>"),
            (_("Original appointment"), f"<b>{moment(apology.old_appointment)}</b>"),
            (
                _("Reason for the delay and unit at fault"),
                f"{e(apology.reason)} ({e(agency.name)})",
            ),
        ],
    )
    story.append(
        Paragraph(
            _(
                "%(agency)s sincerely apologises to you for this delay and the "
                "inconvenience it has caused."
            )
            % {"agency": e(agency.name)},
            styles["body"],
        )
    )
    place = ", ".join(
        part
        for part in (dossier.receiving_agency.name, dossier.receiving_agency.address)
        if part
    )
    story.append(
        Paragraph(
            _("The result will be returned at %(moment)s, at %(place)s.")
            % {
                "moment": f"<b>{moment(apology.new_appointment)}</b>",
                "place": e(place),
            },
            styles["body"],
        )
    )
    story.append(Spacer(1, 8))
    recipients = Paragraph(
        "<b><i>{}:</i></b><br/>- {};<br/>- {};<br/>- {}.".format(
            _("Recipients"),
            _("As above"),
            e(dossier.receiving_agency.name),
            _("Archive"),
        ),
        styles["small"],
    )
    signer = apology.signer.full_name or str(apology.signer)
    sign = [
        Paragraph(
            "<b>{}</b>".format(_("Head of the agency").upper()), styles["center"]
        ),
        Paragraph("<i>{}</i>".format(_("(Signature and full name)")), styles["center"]),
        Spacer(1, 18 * mm),
        Paragraph(f"<b>{e(signer)}</b>", styles["center"]),
    ]
    table = Table([[recipients, sign]], colWidths=[80 * mm, 98 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    return story


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.full_name or user)


def _form_05(dossier: Dossier, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not dossier.code:
        raise SlipNotAvailableError
    procedure = dossier.procedure
    story = _header(styles, dossier.receiving_agency, number=f"{dossier.code}/KSQT")
    story += _title(styles, _("Dossier process control sheet"))
    owner = _person(dossier.owner) if dossier.owner_id else dossier.applicant_name
    story += _numbered(
        styles,
        [
            (_("Dossier code"), f"<b>{e(dossier.code)}</b>"),
            (
                _("Submitter"),
                e(dossier.submitter_name or dossier.applicant_name)
                + (
                    f" ({e(dossier.submitter_phone)})"
                    if dossier.submitter_phone
                    else ""
                ),
            ),
            (_("Dossier owner"), f"{e(owner)} ({e(dossier.applicant_phone)})"),
            (_("Address"), e(dossier.applicant_address or "……")),
            (_("Requested matter"), e(dossier.summary or procedure.name)),
            (_("Received at"), moment(dossier.received_at)),
            (
                _("Legal processing time"),
                _("%(days)s working days")
                % {"days": _days(procedure.effective_processing_days)},
            ),
            (_("Appointment"), moment(dossier.appointment_at)),
            (
                _("Processing agency"),
                e(procedure.competent_agency.name),
            ),
        ],
    )
    story.append(Spacer(1, 4))
    events = (
        DossierEvent.objects.filter(dossier=dossier)
        .select_related(
            "actor",
            "handed_from_agency",
            "handed_to_agency",
            "handed_from_user",
            "handed_to_user",
        )
        .order_by("created_at", "id")
    )
    from dossiers.services.common import action_label  # noqa: PLC0415

    rows = []
    holder = dossier.receiving_agency  # who holds the dossier at each step
    for event in events:
        if event.handed_to_agency is not None:
            holder = event.handed_to_agency
        if event.handed_to_agency or event.handed_to_user:
            receiver = _person(event.handed_to_user) or holder.name
            people = "<br/>".join(
                (
                    _("Handed over by: %(who)s")
                    % {"who": e(_person(event.handed_from_user or event.actor))},
                    _("Received by: %(who)s") % {"who": e(receiver)},
                )
            )
        else:
            people = _("Done by: %(who)s") % {"who": e(_person(event.actor) or "……")}
        handover = f"{e(moment(event.created_at))}<br/>{people}"
        agency_text = e(holder.name)
        deadline = (
            _("Step deadline: %(moment)s") % {"moment": moment(event.step_deadline)}
            if event.step_deadline
            else ""
        )
        timeliness = (
            e(event.get_step_timeliness_display()) if event.step_timeliness else ""
        )
        result = "<br/>".join(part for part in (timeliness, deadline) if part)
        note = f"<b>{e(action_label(event.action))}</b>"
        if event.to_state:
            note += f" → {e(event.get_to_state_display())}"
        if event.reason:
            note += f"<br/>{e(event.reason)}"
        rows.append([agency_text, handover, result, note])
    story.append(
        _grid(
            styles,
            [
                _("Agency"),
                _("Time of hand-over"),
                _("Result (early / on time / late)"),
                _("Note"),
            ],
            rows,
            [36 * mm, 60 * mm, 40 * mm, 42 * mm],
        )
    )
    return story


BUILDERS: dict[int, tuple[Callable[..., list[Flowable]], str]] = {
    1: (_form_01, "mau-01-giay-tiep-nhan"),
    2: (_form_02, "mau-02-yeu-cau-bo-sung"),
    3: (_form_03, "mau-03-tu-choi"),
    4: (_form_04, "mau-04-xin-loi"),
    5: (_form_05, "mau-05-kiem-soat"),
}

TITLES: dict[int, Any] = {
    1: gettext_lazy("Receipt of dossier and appointment for the result"),
    2: gettext_lazy("Request to supplement and complete the dossier"),
    3: gettext_lazy("Notice of refusal to receive and process the dossier"),
    4: gettext_lazy("Letter of apology and new appointment for the result"),
    5: gettext_lazy("Dossier process control sheet"),
}


def slip_available(dossier: Dossier, form: int) -> bool:
    """Cheap check for links: whether the form has something to print."""
    if form == 1:
        return dossier.received_at is not None and bool(dossier.code)
    if form == 2:
        return dossier.supplement_count > 0
    if form == 3:
        return bool(dossier.state == Dossier.State.REFUSED)
    if form == 4:
        return Apology.objects.filter(dossier=dossier).exists()
    return form == 5 and bool(dossier.code)


def slip_filename(dossier: Dossier, form: int) -> str:
    return f"{BUILDERS[form][1]}-{dossier.code}.pdf"


def render_slip(*, dossier: Dossier, form: int) -> bytes:
    """The PDF bytes of Mẫu `form` for `dossier`; SlipNotAvailableError if nothing to print."""
    if form not in BUILDERS:
        raise SlipNotAvailableError
    _register_fonts()
    builder = BUILDERS[form][0]
    with translation.override("vi"):
        styles = _styles()
        story = builder(dossier, styles)
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=16 * mm,
            rightMargin=16 * mm,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
            title=_("Form %(number)s · %(title)s · %(code)s")
            % {"number": f"{form:02d}", "title": TITLES[form], "code": dossier.code},
            author=dossier.receiving_agency.name,
            subject=lookup_url(dossier),
            keywords=[dossier.code or ""],
            creator=str(settings.PORTAL_CENTRE_NAME),
        )
        document.build(story)
    return buffer.getvalue()
