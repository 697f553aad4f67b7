"""The token endpoint of the API (design.md §8); staff are refused (accounts.api_auth)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import staff_token_message
from accounts.mfa import is_staff_account, staff_mfa_required
from accounts.models import User


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(
        help_text="Email address or mobile number", max_length=254
    )
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class ObtainTokenView(APIView):
    """`POST {username, password}` → `{token}`, for citizens and service accounts."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="Obtain an API token (citizens and service accounts; never staff)",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()})
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credentials = serializer.validated_data
        adapter = get_adapter(request._request)
        try:
            # allauth's authenticate() consumes the login_failed rate limit per IP
            # and per account, exactly as the login form does.
            user = adapter.authenticate(
                request._request,
                username=credentials["username"],
                password=credentials["password"],
            )
        except DjangoValidationError as exc:
            raise exceptions.Throttled(detail=str(exc.messages[0])) from exc
        if not isinstance(user, User):
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "The email address, mobile number or password is not correct."
                        )
                    ]
                }
            )
        if staff_mfa_required() and is_staff_account(user=user):
            raise exceptions.PermissionDenied(staff_token_message())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
