"""GET /api/v1/stats/: the indicators of design.md §7 for a manager's scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import selectors
from dashboard.forms import PeriodForm


class StockSerializer(serializers.Serializer[Any]):
    within = serializers.IntegerField()
    overdue = serializers.IntegerField()
    paused_supplement = serializers.IntegerField()
    paused_payment = serializers.IntegerField()


class Indicator766Serializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField(source="label")
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    threshold = serializers.DecimalField(max_digits=6, decimal_places=2)
    note = serializers.CharField()


class SatisfactionSerializer(serializers.Serializer[Any]):
    very_satisfied = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    index = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class StatsSerializer(serializers.Serializer[Any]):
    period_from = serializers.DateField(source="filters.first")
    period_to = serializers.DateField(source="filters.last")
    agency = serializers.CharField(
        source="filters.agency.code", allow_null=True, default=None
    )
    field = serializers.CharField(
        source="filters.field.code", allow_null=True, default=None
    )
    received = serializers.IntegerField()
    received_by_channel = serializers.DictField(child=serializers.IntegerField())
    online_share = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True
    )
    refused = serializers.IntegerField()
    carried_over = serializers.IntegerField(allow_null=True)
    finished = serializers.IntegerField()
    finished_early = serializers.IntegerField()
    finished_on_time = serializers.IntegerField()
    finished_late = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True
    )
    withdrawn = serializers.IntegerField()
    stopped = serializers.IntegerField()
    returned = serializers.IntegerField()
    open_at_period_end = StockSerializer(source="stock", allow_null=True)
    average_processing_days = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True
    )
    average_legal_days = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True
    )
    satisfaction = SatisfactionSerializer()
    indicators_766 = Indicator766Serializer(many=True)


class StatsView(APIView):
    @extend_schema(
        summary=str(_("Indicators for a period and scope (managers)")),
        parameters=[
            OpenApiParameter(
                "from", str, description="YYYY-MM-DD (default: 1 January)"
            ),
            OpenApiParameter("to", str, description="YYYY-MM-DD (default: today)"),
            OpenApiParameter("agency", str, description="Agency code; its subtree"),
            OpenApiParameter("field", str, description="Field code"),
            OpenApiParameter("procedure", int, description="Procedure id"),
        ],
        responses={
            200: StatsSerializer,
            400: OpenApiResponse(description="Bad dates or unknown filters"),
            404: OpenApiResponse(description="Not a manager, or agency outside scope"),
        },
    )
    def get(self, request: Request) -> Response:
        if not selectors.manager_paths(user=request.user):
            raise Http404
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            errors = {
                ("from" if name == "from_" else name): messages
                for name, messages in form.errors.items()
            }
            return Response(errors, status=400)
        data = form.cleaned_data
        try:
            filters = selectors.filters_for_user(
                user=request.user,
                first=data["first"],
                last=data["last"],
                agency=data["agency"],
                field=data["field"],
                procedure=data["procedure"],
            )
        except selectors.NotInScope as exc:
            raise Http404 from exc
        return Response(StatsSerializer(selectors.indicators(filters=filters)).data)


urlpatterns = [path("stats/", StatsView.as_view(), name="api-stats")]
