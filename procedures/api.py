"""GET /api/v1/procedures/ and /api/v1/procedures/{code}/ (design.md §8)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Agency
from portal.api_schema import paginated
from procedures.models import Fee, Field, Procedure, RequiredDocument
from procedures.selectors import (
    MAX_QUERY_LENGTH,
    ONLINE_ANY,
    CatalogueFilterError,
    procedure_current,
    procedure_search,
)

MAX_PAGE = 100_000


class FeeSerializer(serializers.ModelSerializer[Fee]):
    class Meta:
        model = Fee
        fields = ["name", "amount", "note"]


class RequiredDocumentSerializer(serializers.ModelSerializer[RequiredDocument]):
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredDocument
        fields = [
            "code",
            "name",
            "mandatory",
            "originals",
            "copies",
            "note",
            "template_url",
        ]

    def get_template_url(self, document: RequiredDocument) -> str | None:
        if not document.template:
            return None
        from django.urls import reverse  # noqa: PLC0415

        path = reverse(
            "procedures:document-template",
            args=[document.procedure.national_code, document.pk],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class FieldSerializer(serializers.ModelSerializer[Field]):
    class Meta:
        model = Field
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class ProcedureListSerializer(serializers.ModelSerializer[Procedure]):
    field = FieldSerializer()
    competent_agency = AgencySerializer()
    effective_processing_days = serializers.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        model = Procedure
        fields = [
            "national_code",
            "version",
            "name",
            "field",
            "level",
            "competent_agency",
            "processing_days",
            "local_processing_days",
            "effective_processing_days",
            "online_level",
        ]


class ProcedureDetailSerializer(ProcedureListSerializer):
    required_documents = RequiredDocumentSerializer(many=True)
    fees = FeeSerializer(many=True)
    receiving_agencies = AgencySerializer(many=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "local_code",
            "receiving_agencies",
            "steps",
            "method",
            "target_group",
            "conditions",
            "legal_basis",
            "result",
            "fee_note",
            "resolved_on_site",
            "supplement_policy",
            "published_on",
            "effective_from",
            "publishing_decision",
            "required_documents",
            "fees",
        ]


class CataloguePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    _past_end_count = 0

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> Any:
        number = request.query_params.get(self.page_query_param, "1")
        if not number.isdigit() or not 1 <= int(number) <= MAX_PAGE:
            raise ValidationError(
                {
                    "page": [
                        _("The page number must be a whole number from 1 to %(max)d.")
                        % {"max": MAX_PAGE}
                    ]
                }
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            # Past the last page: an empty page, not an error.
            self.page = None
            self.request = request
            self._past_end_count = queryset.count()
            return []

    def get_paginated_response(self, data: Any) -> Response:
        if self.page is None:
            return Response(
                {
                    "count": self._past_end_count,
                    "next": None,
                    "previous": None,
                    "results": [],
                }
            )
        return super().get_paginated_response(data)


FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=f"Words of the name (accents optional, any order, a typo tolerated) or a national code such as 1.001193; at most {MAX_QUERY_LENGTH} characters.",
    ),
    OpenApiParameter(
        "field", OpenApiTypes.STR, description="Field code, e.g. G03-GD10."
    ),
    OpenApiParameter(
        "agency",
        OpenApiTypes.STR,
        description="Agency code (competent or receiving), e.g. 000.00.15.H49.",
    ),
    OpenApiParameter("level", OpenApiTypes.STR, enum=list(Procedure.Level.values)),
    OpenApiParameter(
        "online",
        OpenApiTypes.STR,
        enum=[*Procedure.OnlineLevel.values, ONLINE_ANY],
        description="Online service level; `any` means full or partial.",
    ),
    OpenApiParameter(
        "page",
        OpenApiTypes.INT,
        description=f"1 to {MAX_PAGE}; past the last page gives an empty page.",
    ),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="At most 100."),
]


class ProcedureListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_list",
        parameters=FILTER_PARAMETERS,
        responses={200: paginated(ProcedureListSerializer, "PaginatedProcedureList")},
        summary="Search the catalogue of published procedures, best match first",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            queryset = procedure_search(
                q=params.get("q", ""),
                field=params.get("field", ""),
                agency=params.get("agency", ""),
                level=params.get("level", ""),
                online=params.get("online", ""),
            )
        except CatalogueFilterError as error:
            raise ValidationError({error.parameter: [error.message]}) from error
        paginator = CataloguePagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = ProcedureListSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class ProcedureDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_retrieve",
        responses={200: ProcedureDetailSerializer},
        summary="The published version of a procedure with its documents and fees",
    )
    def get(self, request: Request, code: str) -> Response:
        procedure = procedure_current(national_code=code)
        if procedure is None:
            raise Http404
        return Response(
            ProcedureDetailSerializer(procedure, context={"request": request}).data
        )
