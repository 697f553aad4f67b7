"""POST /api/v1/ratings/{token}/: rate a returned dossier with the link's token."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from feedback import services
from feedback.exceptions import FeedbackError, FeedbackValidationError
from feedback.models import Rating, RatingValue, TimeAnswer, VisitsAnswer


class RatingInputSerializer(serializers.Serializer[Any]):
    value = serializers.ChoiceField(choices=RatingValue.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    time_answer = serializers.ChoiceField(
        choices=TimeAnswer.choices, required=False, allow_blank=True, default=""
    )
    visits_answer = serializers.ChoiceField(
        choices=VisitsAnswer.choices, required=False, allow_blank=True, default=""
    )
    staff_attitude = serializers.ChoiceField(
        choices=RatingValue.choices, required=False, allow_blank=True, default=""
    )
    ease_of_use = serializers.ChoiceField(
        choices=RatingValue.choices, required=False, allow_blank=True, default=""
    )
    overall = serializers.ChoiceField(
        choices=RatingValue.choices, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["value"] == RatingValue.DISSATISFIED and not attrs["reason"].strip():
            raise serializers.ValidationError(
                {"reason": [_("Please tell us why you are not satisfied.")]}
            )
        return attrs


class RatingOutputSerializer(serializers.ModelSerializer[Rating]):
    dossier_code = serializers.CharField(source="dossier.code")
    follow_up_due = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["dossier_code", "value", "reason", "created_at", "follow_up_due"]

    def get_follow_up_due(self, rating: Rating) -> str | None:
        follow_up = getattr(rating, "follow_up", None)
        return follow_up.deadline.isoformat() if follow_up is not None else None


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()


class RatingCreateView(APIView):
    """Rate a returned dossier once, with the token from the SMS link.

    No login: the token is the credential (single use, expiring). Messages are in
    Vietnamese unless the request asks for English (Accept-Language: en).
    """

    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (AnonRateThrottle,)

    @extend_schema(
        operation_id="ratings_create",
        request=RatingInputSerializer,
        responses={
            201: RatingOutputSerializer,
            400: OpenApiResponse(description="Invalid answers (field messages)."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown token."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Already rated, or the result is not returned yet.",
            ),
            410: OpenApiResponse(ErrorSerializer, description="Used or expired link."),
        },
        examples=[
            OpenApiExample(
                "Very satisfied",
                value={"value": "very_satisfied", "ease_of_use": "satisfied"},
                request_only=True,
            ),
            OpenApiExample(
                "Not satisfied",
                value={
                    "value": "dissatisfied",
                    "reason": "Phải đi lại ba lần mới nộp được hồ sơ.",
                    "visits_answer": "more",
                    "staff_attitude": "satisfied",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Recorded",
                value={
                    "dossier_code": "000.00.01.H49-261130-0007",
                    "value": "dissatisfied",
                    "reason": "Phải đi lại ba lần mới nộp được hồ sơ.",
                    "created_at": "2026-12-01T09:12:00+07:00",
                    "follow_up_due": "2026-12-08T09:12:00+07:00",
                },
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Link already used",
                value={
                    "detail": "Đường dẫn đánh giá này đã được sử dụng.",
                    "code": "used_link",
                },
                response_only=True,
                status_codes=["410"],
            ),
        ],
    )
    def post(self, request: Request, token: str) -> Response:
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            rating = services.rating_submit_with_token(
                token=token, answers=services.RatingAnswers(**serializer.validated_data)
            )
        except FeedbackValidationError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        except FeedbackError as error:
            return Response(
                {"detail": error.message, "code": error.code}, status=error.status
            )
        return Response(
            RatingOutputSerializer(rating).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("ratings/<str:token>/", RatingCreateView.as_view(), name="api-rating-create"),
]
