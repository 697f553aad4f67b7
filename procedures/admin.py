"""Catalogue administration. Published and superseded versions are read-only:
a change is an amendment (a new draft version, then publish), so that dossiers
filed under a version never see it rewritten."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from procedures import catalogue_io
from procedures.forms import ImportForm
from procedures.models import Fee, Field, Procedure, ProcedureEvent, RequiredDocument
from procedures.services import (
    procedure_draft_amendment,
    procedure_next_version,
    procedure_publish,
    procedure_withdraw,
)


def _editable(obj: Procedure | None) -> bool:
    return obj is None or obj.status == Procedure.Status.DRAFT


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["code", "name", "sector"]
    search_fields = ["code", "name"]


class VersionedInline:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class RequiredDocumentInline(
    VersionedInline, admin.TabularInline[RequiredDocument, Procedure]
):
    model = RequiredDocument
    extra = 0
    fields = [
        "position",
        "code",
        "name",
        "mandatory",
        "originals",
        "copies",
        "note",
        "template",
    ]


class FeeInline(VersionedInline, admin.TabularInline[Fee, Procedure]):
    model = Fee
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = [
        "national_code",
        "version",
        "name",
        "field",
        "level",
        "online_level",
        "status",
    ]
    list_filter = ["status", "level", "online_level", "field"]
    search_fields = ["national_code", "local_code", "name"]
    list_select_related = ["field"]
    autocomplete_fields = ["field", "competent_agency"]
    filter_horizontal = ["receiving_agencies"]
    readonly_fields = ["version", "status", "created_at", "updated_at"]
    inlines = [RequiredDocumentInline, FeeInline]
    actions = ["publish", "withdraw", "draft_amendment", "export_json", "export_excel"]
    change_list_template = "admin/procedures/procedure/change_list.html"

    def has_change_permission(
        self, request: HttpRequest, obj: Procedure | None = None
    ) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: Procedure | None = None
    ) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Procedure, form: Any, change: bool
    ) -> None:
        if not change:
            obj.version = procedure_next_version(national_code=obj.national_code)
            obj.status = Procedure.Status.DRAFT
        super().save_model(request, obj, form, change)
        if not change:
            ProcedureEvent.objects.create(
                procedure=obj,
                action=ProcedureEvent.Action.CREATED,
                actor=_actor(request),
            )

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Procedure],
        service: Any,
        done: str,
    ) -> None:
        count = 0
        for procedure in queryset:
            try:
                service(procedure=procedure, actor=_actor(request))
            except ValidationError as error:
                self.message_user(
                    request, f"{procedure}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Publish the selected drafts"), permissions=["change"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        self._each(
            request, queryset, procedure_publish, _("%(count)d version(s) published.")
        )

    @admin.action(
        description=gettext_lazy("Withdraw the selected versions"),
        permissions=["change"],
    )
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        self._each(
            request, queryset, procedure_withdraw, _("%(count)d version(s) withdrawn.")
        )

    @admin.action(
        description=gettext_lazy("Amend: start a new draft version"),
        permissions=["add"],
    )
    def draft_amendment(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> None:
        self._each(
            request,
            queryset,
            procedure_draft_amendment,
            _("%(count)d draft version(s) created; edit them, then publish."),
        )

    @admin.action(description=gettext_lazy("Export the selected versions (JSON)"))
    def export_json(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        return _download(catalogue_io.export_json(_prefetched(queryset)), "json")

    @admin.action(description=gettext_lazy("Export the selected versions (Excel)"))
    def export_excel(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        return _download(catalogue_io.export_excel(_prefetched(queryset)), "xlsx")

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procedures_procedure_import",
            ),
            path(
                "export/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="procedures_procedure_export",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > catalogue_io.MAX_IMPORT_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                report = catalogue_io.import_file(
                    upload.name, upload.read(), actor=_actor(request)
                )
                if report.ok:
                    self.message_user(
                        request,
                        _(
                            "Import done: %(created)d new, %(amended)d amended, %(unchanged)d unchanged."
                        )
                        % {
                            "created": len(report.created),
                            "amended": len(report.amended),
                            "unchanged": len(report.unchanged),
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:procedures_procedure_changelist")
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import procedures"),
            "form": form,
            "report": report,
        }
        status = 400 if report is not None or form.errors else 200
        return TemplateResponse(
            request, "admin/procedures/procedure/import.html", context, status=status
        )

    def export_view(self, request: HttpRequest, file_format: str) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        procedures = catalogue_io.export_queryset()
        if file_format == "json":
            return _download(catalogue_io.export_json(procedures), "json")
        if file_format == "xlsx":
            return _download(catalogue_io.export_excel(procedures), "xlsx")
        return render(request, "errors/404.html", status=404)


def _prefetched(queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return (
        queryset.select_related("field", "competent_agency")
        .prefetch_related("receiving_agencies", "required_documents", "fees")
        .order_by("national_code", "version")
    )


CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content: bytes, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = (
        f'attachment; filename="thu-tuc-hanh-chinh.{extension}"'
    )
    return response


@admin.register(ProcedureEvent)
class ProcedureEventAdmin(admin.ModelAdmin[ProcedureEvent]):
    list_display = ["created_at", "national_code", "version", "action", "actor", "note"]
    list_filter = ["action"]
    search_fields = ["national_code", "procedure__name"]
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
