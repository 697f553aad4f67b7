"""Authenticate with an email address or a Vietnamese mobile number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User
from accounts.validators import normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username or kwargs.get("email") or kwargs.get("phone")
        if not identifier or password is None:
            return None
        user = self._find(identifier.strip())
        if user is None:
            User().set_password(password)  # equalise timing with the found case
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _find(identifier: str) -> User | None:
        if "@" in identifier:
            return User.objects.filter(email__iexact=identifier).first()
        try:
            phone = normalize_phone(identifier)
        except ValidationError:
            return None
        return User.objects.filter(phone=phone).first()
