"""Public pages of the catalogue: the searchable list, a procedure's page and its
form templates."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.db_router import use_replica
from procedures.forms import CatalogueSearchForm
from procedures.models import Procedure, RequiredDocument
from procedures.search import tokens
from procedures.selectors import (
    CatalogueFilterError,
    procedure_current,
    procedure_search,
)

PAGE_SIZE = 20
# What a result in the list shows (procedures/catalogue.html); the long texts of a
# procedure (steps, legal basis, ...) stay in the database.
LIST_COLUMNS = (
    "national_code",
    "name",
    "level",
    "processing_days",
    "local_processing_days",
    "online_level",
    "field__name",
    "competent_agency__name",
)
# Beyond this offset the page is past the end of any catalogue: no rows query (and
# no OFFSET out of PostgreSQL's bigint range), the count decides.
_MAX_OFFSET = 2**31


class CountInPagePaginator(Paginator[Procedure]):
    """Reads the total with the page's rows, as COUNT(*) OVER (), in one query.

    For a text search PostgreSQL ranks every match to sort them, so counting them in
    the same scan costs little, where the separate COUNT(*) a Paginator makes would
    match (and for a typo, fuzzy-match) every row again. The count stays exact. Only
    a page past the end, which has no row to carry the total, costs a COUNT(*).
    """

    def page(self, number: Any) -> Page[Procedure]:
        rows: list[Procedure] = []
        try:
            offset = (int(number) - 1) * self.per_page
        except (TypeError, ValueError):
            offset = -1
        if 0 <= offset < _MAX_OFFSET:
            queryset: QuerySet[Procedure] = self.object_list  # type: ignore[assignment]
            rows = list(
                queryset.annotate(catalogue_total=Window(Count("*")))[
                    offset : offset + self.per_page
                ]
            )
            if rows:
                self.__dict__["count"] = rows[0].catalogue_total  # type: ignore[attr-defined]
            elif offset == 0:
                self.__dict__["count"] = 0
        number = self.validate_number(number)
        return Page(rows, number, self)


def _page(
    paginator: Paginator[Procedure], number: str | None
) -> tuple[Page[Procedure] | None, str]:
    """The requested page; past the end is an empty page, nonsense is an error."""
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return None, _("The page number must be a whole number.")
    except EmptyPage:
        if int(number or 0) < 1:
            return None, _("The page number must be a whole number.")
        return None, ""


@require_GET
@use_replica()
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None)
    status = 200
    page = None
    error = ""
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        criteria = form.cleaned_data if form.is_bound else {}
        try:
            results = procedure_search(
                q=criteria.get("q", ""),
                field=criteria.get("field", ""),
                agency=criteria.get("agency", ""),
                level=criteria.get("level", ""),
                online=criteria.get("online", ""),
            )
        except CatalogueFilterError as failure:
            error, status = failure.message, 400
        else:
            results = results.only(*LIST_COLUMNS)
            # A text search ranks all its matches anyway: count them in the same
            # query. The plain list reads 20 rows by index; its COUNT(*) is cheap.
            paginator_class = (
                CountInPagePaginator if tokens(criteria.get("q", "")) else Paginator
            )
            page, error = _page(
                paginator_class(results, PAGE_SIZE), request.GET.get("page")
            )
            status = 400 if error else 200
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/catalogue.html",
        {"form": form, "page": page, "error": error, "query": query.urlencode()},
        status=status,
    )


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_current(national_code=code)
    if procedure is None:
        raise Http404
    return render(request, "procedures/detail.html", {"procedure": procedure})


@require_GET
def document_template(
    request: HttpRequest, code: str, document_id: int
) -> FileResponse:
    """A form template (mẫu đơn, tờ khai) of a published procedure."""
    document = get_object_or_404(
        RequiredDocument.objects.select_related("procedure"),
        pk=document_id,
        procedure__national_code=code,
        procedure__status=Procedure.Status.PUBLISHED,
    )
    if not document.template:
        raise Http404
    try:
        handle = document.template.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    filename = Path(document.template.name or "form").name
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
