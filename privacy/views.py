"""The citizen's download of their personal data: /tai-khoan/du-lieu-ca-nhan/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from privacy.export import personal_data_json, personal_data_zip


@login_required
@require_GET
def personal_data_download(request: HttpRequest) -> HttpResponse:
    """A ZIP (data.json and the files) or, with ?format=json, the JSON alone."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "json":
        response = HttpResponse(
            personal_data_json(user=user), content_type="application/json"
        )
        filename = f"du-lieu-ca-nhan-{stamp}.json"
    else:
        response = HttpResponse(
            personal_data_zip(user=user), content_type="application/zip"
        )
        filename = f"du-lieu-ca-nhan-{stamp}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
