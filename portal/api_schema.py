"""OpenAPI helpers shared by the apps' API views."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def paginated(
    serializer_class: type[serializers.BaseSerializer[Any]], name: str
) -> Any:
    """The page envelope of PageNumberPagination around `serializer_class`.

    drf-spectacular documents pagination only for generic list views; our list
    views are plain APIViews that paginate by hand, so their schema says so here.
    """
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
