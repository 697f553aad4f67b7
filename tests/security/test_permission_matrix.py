"""A permission matrix over every named URL of the project.

Each route is requested as an anonymous visitor, a citizen who owns nothing, a
staff member of other agencies and (for object-scoped routes) staff of the right
agency, all staff sessions verified with a second factor. Nobody ever gets a
5xx; anonymous visitors never see a private page; staff of another agency and
other citizens get 404 for a dossier that is not theirs, so codes cannot be
probed. ROUTES must name every route: a new route fails the test until it is
classified here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership, User
from dossiers.documents import private_storage
from dossiers.models import Dossier
from feedback.models import Feedback
from feedback.services.items import FeedbackInput, feedback_submit
from tests.accounts.factories import MembershipFactory
from tests.conftest import AgencyTree
from tests.dossiers.factories import PDF_BYTES, AttachmentFactory, DossierFactory

pytestmark = [pytest.mark.django_db, pytest.mark.staff_mfa]

PUBLIC = "public"  # anyone; any non-5xx answer
PRIVATE = "private"  # needs a login; anonymous gets a login redirect, 401/403/404
DOSSIER = "dossier"  # private and scoped to one dossier: strangers get 404
FEEDBACK = "feedback"  # private and scoped to one feedback item: strangers get 404
OWNER = "owner"  # the dossier's owner only: everyone else, staff too, gets 404

UNKNOWN_TOKEN = "x" * 43


@dataclass(frozen=True)
class Route:
    kind: str
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda objects: {}
    method: str = "get"


def _dossier(objects: dict[str, Any]) -> dict[str, Any]:
    return {"reference": objects["dossier"].code}


ROUTES: dict[str, Route] = {
    "home": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "readyz": Route(PUBLIC),
    "metrics": Route(PUBLIC),
    "set_language": Route(PUBLIC, method="post"),
    "account_login": Route(PUBLIC),
    "account_logout": Route(PUBLIC),
    "account_inactive": Route(PUBLIC),
    "account_signup": Route(PUBLIC),
    "account_reauthenticate": Route(PRIVATE),
    "account_request_reauthentication_code": Route(PRIVATE),
    "account_confirm_reauthentication_code": Route(PRIVATE),
    "account_email": Route(PRIVATE),
    "account_email_verification_sent": Route(PUBLIC),
    "account_change_password": Route(PRIVATE),
    "account_set_password": Route(PRIVATE),
    "account_reset_password": Route(PUBLIC),
    "account_confirm_login_code": Route(PUBLIC),
    "account_confirm_email": Route(PUBLIC, lambda o: {"key": UNKNOWN_TOKEN}),
    "account_verify_phone": Route(PUBLIC),
    "account_change_phone": Route(PRIVATE),
    "account_reset_password_from_key_done": Route(PUBLIC),
    "account_reset_password_from_key": Route(
        PUBLIC, lambda o: {"uidb36": "zz", "key": "set-password"}
    ),
    "account_reset_password_done": Route(PUBLIC),
    "mfa_index": Route(PRIVATE),
    "mfa_authenticate": Route(PUBLIC),
    "mfa_reauthenticate": Route(PRIVATE),
    "mfa_activate_totp": Route(PRIVATE),
    "mfa_deactivate_totp": Route(PRIVATE),
    "mfa_view_recovery_codes": Route(PRIVATE),
    "mfa_generate_recovery_codes": Route(PRIVATE),
    "mfa_download_recovery_codes": Route(PRIVATE),
    "procedures:catalogue": Route(PUBLIC),
    "procedures:detail": Route(
        PUBLIC, lambda o: {"code": o["dossier"].procedure.national_code}
    ),
    "procedures:document-template": Route(
        PUBLIC,
        lambda o: {
            "code": o["dossier"].procedure.national_code,
            "document_id": o["document"].pk,
        },
    ),
    "notifications:sms-callback": Route(PUBLIC, method="post"),
    "feedback:follow_up_view": Route(PUBLIC, lambda o: {"token": UNKNOWN_TOKEN}),
    "feedback:rate_link": Route(PUBLIC, lambda o: {"token": UNKNOWN_TOKEN}),
    "feedback:rate_dossier": Route(OWNER, lambda o: {"code": o["dossier"].code}),
    "feedback:kiosk": Route(PUBLIC),
    "feedback:kiosk_start": Route(DOSSIER, lambda o: {"code": o["dossier"].code}),
    "feedback:follow_up_list": Route(PRIVATE),
    "feedback:follow_up_detail": Route(PRIVATE, lambda o: {"pk": 2_000_000_000}),
    "feedback:feedback_public": Route(PUBLIC),
    "feedback:feedback_create": Route(PUBLIC),
    "feedback:feedback_track": Route(PUBLIC, lambda o: {"token": UNKNOWN_TOKEN}),
    "feedback:feedback_staff_list": Route(PRIVATE),
    "feedback:feedback_staff_detail": Route(
        FEEDBACK, lambda o: {"pk": o["feedback"].pk}
    ),
    "feedback:feedback_staff_action": Route(
        FEEDBACK, lambda o: {"pk": o["feedback"].pk, "action": "classify"}, "post"
    ),
    # Citizen pages (dossiers/urls_citizen.py).
    "dossiers:submit": Route(
        PRIVATE, lambda o: {"code": o["dossier"].procedure.national_code}
    ),
    "dossiers:draft-details": Route(OWNER, lambda o: {"pk": o["draft"].pk}),
    "dossiers:draft-documents": Route(OWNER, lambda o: {"pk": o["draft"].pk}),
    "dossiers:draft-review": Route(OWNER, lambda o: {"pk": o["draft"].pk}),
    "dossiers:draft-delete": Route(OWNER, lambda o: {"pk": o["draft"].pk}),
    "dossiers:my-dossiers": Route(PRIVATE),
    "dossiers:my-dossier": Route(OWNER, lambda o: {"code": o["dossier"].code}),
    "dossiers:submitted": Route(OWNER, lambda o: {"code": o["dossier"].code}),
    "dossiers:supplement": Route(OWNER, lambda o: {"code": o["dossier"].code}),
    "dossiers:withdraw": Route(OWNER, lambda o: {"code": o["dossier"].code}),
    "dossiers:lookup": Route(PUBLIC),
    # Staff pages (dossiers/urls_staff.py) and the printed slips.
    "dossiers:staff-console": Route(PRIVATE),
    "dossiers:staff-intake": Route(PRIVATE),
    "dossiers:staff-dossier": Route(DOSSIER, lambda o: {"code": o["dossier"].code}),
    "dossiers:staff-receipt": Route(DOSSIER, lambda o: {"code": o["dossier"].code}),
    "dossiers:staff-action": Route(
        DOSSIER, lambda o: {"code": o["dossier"].code, "action": "assign"}, "post"
    ),
    "dossiers:staff-attachment": Route(
        DOSSIER,
        lambda o: {"code": o["dossier"].code, "attachment_id": o["attachment"].pk},
    ),
    "dossiers:slip": Route(DOSSIER, lambda o: {"code": o["dossier"].code, "form": 1}),
    # Managers' dashboards and the public statistics.
    "dashboard:index": Route(PRIVATE),
    "dashboard:dossiers": Route(PRIVATE),
    "dashboard:report": Route(PRIVATE),
    "dashboard:ledger": Route(PRIVATE),
    "dashboard:public": Route(PUBLIC),
    "api-stats": Route(PRIVATE),
    # Personal data download.
    "personal-data-download": Route(PRIVATE),
    "api-schema": Route(PUBLIC),
    "api-docs": Route(PUBLIC),
    "api-token": Route(PUBLIC, method="post"),
    "api-procedures": Route(PUBLIC),
    "api-procedure": Route(
        PUBLIC, lambda o: {"code": o["dossier"].procedure.national_code}
    ),
    "api-dossiers": Route(PRIVATE),
    "api-dossier": Route(DOSSIER, _dossier),
    "api-dossier-documents": Route(DOSSIER, _dossier, "post"),
    "api-dossier-document": Route(
        DOSSIER, lambda o: {**_dossier(o), "attachment_id": o["attachment"].pk}
    ),
    "api-dossier-transition": Route(
        DOSSIER, lambda o: {**_dossier(o), "name": "refuse"}, "post"
    ),
    "api-lookup": Route(PUBLIC),
    "api-rating-create": Route(PUBLIC, lambda o: {"token": UNKNOWN_TOKEN}, "post"),
}


def _named_routes(
    patterns: list[Any], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _all_route_names() -> set[str]:
    return {name for name, _ in _named_routes(get_resolver().url_patterns)}


def _admin_urls() -> list[str]:
    """Every admin route, with an object id of 1 where it needs one."""
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    candidates: list[dict[str, Any]] = [{}, {"object_id": "1"}, {"id": "1"}]
    candidates += [{"content_type_id": 1, "object_id": 1}, {"file_format": "json"}]
    candidates += [{"app_label": label} for label in labels]
    urls = []
    for name in sorted(n for n in _all_route_names() if n.startswith("admin:")):
        for kwargs in candidates:
            try:
                urls.append(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:
                continue
        else:
            pytest.fail(f"cannot build a URL for {name}")
    return urls


@pytest.fixture
def objects(
    agencies: AgencyTree, citizen: User, procedure, settings, tmp_path
) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    dossier = DossierFactory(procedure=procedure, owner=citizen, received=True)
    attachment = AttachmentFactory(dossier=dossier)
    private_storage().save(attachment.storage_name, ContentFile(PDF_BYTES))
    feedback, _token = feedback_submit(
        data=FeedbackInput(
            subject=Feedback.Subject.values[0],
            title="Chậm trả kết quả",
            content="Hồ sơ quá hạn nhưng chưa có thư xin lỗi.",
            contact_name="Nguyễn Văn An",
            contact_phone="0912345678",
            agency=agencies.justice,
        ),
        author=None,
    )
    return {
        "dossier": dossier,
        "draft": DossierFactory(procedure=procedure, owner=citizen),
        "attachment": attachment,
        "document": procedure.required_documents.first(),
        "feedback": feedback,
    }


@pytest.fixture
def clients(agencies, stranger, login_with_second_factor) -> dict[str, Client]:
    right = MembershipFactory(agency=agencies.centre, role=Membership.Role.CLERK).user
    MembershipFactory(user=right, agency=agencies.justice, role=Membership.Role.LEADER)
    other = MembershipFactory(agency=agencies.commune, role=Membership.Role.CLERK).user
    MembershipFactory(
        user=other, agency=agencies.construction, role=Membership.Role.LEADER
    )
    citizen_client = Client()
    citizen_client.force_login(stranger)
    return {
        "anonymous": Client(),
        "citizen": citizen_client,
        "other_staff": login_with_second_factor(Client(), other),
        "right_staff": login_with_second_factor(Client(), right),
    }


def test_every_route_is_classified():
    names = {name for name in _all_route_names() if not name.startswith("admin:")}
    assert names - set(ROUTES) == set(), "classify the new routes in ROUTES"
    assert set(ROUTES) - names == set(), "remove the routes that no longer exist"


def _request(client: Client, route: Route, url: str):
    if route.method == "post":
        response = client.post(url, {}, content_type="application/json")
    else:
        response = client.get(url)
    if response.streaming:
        # Reading a download to the end closes its file, as a WSGI server would.
        b"".join(response.streaming_content)
    return response


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_staff", "right_staff"])
def test_the_matrix(role, clients, objects):
    client = clients[role]
    problems = []
    for name, route in ROUTES.items():
        url = reverse(name, kwargs=route.kwargs(objects))
        response = _request(client, route, url)
        status = response.status_code
        if status >= 500:
            problems.append(f"{name} {url}: {status}")
        private = route.kind != PUBLIC
        if (
            role == "anonymous"
            and private
            and not (_is_login_redirect(response) or status in (401, 403, 404))
        ):
            problems.append(f"{name}: anonymous got {status}")
        scoped = route.kind in (DOSSIER, FEEDBACK, OWNER)
        strangers = (
            "citizen",
            "other_staff",
            *(("right_staff",) if route.kind == OWNER else ()),
        )
        if role in strangers and scoped and status != 404:
            problems.append(f"{name}: {role} got {status}, not 404")
        if (
            role == "right_staff"
            and route.kind in (DOSSIER, FEEDBACK)
            and status == 404
        ):
            problems.append(f"{name}: the right staff member got 404")
    assert problems == []


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_staff"])
def test_the_admin_site_is_closed_to_all_but_admin_users(role, clients):
    client = clients[role]
    problems = []
    for url in _admin_urls():
        response = client.get(url)
        allowed = url in (reverse("admin:login"), reverse("admin:logout"))
        if allowed:
            assert response.status_code < 500
            continue
        if not (
            response.status_code == 302 and "/admin/login/" in response["Location"]
        ):
            problems.append(f"{url}: {response.status_code}")
    assert problems == []
    assert len(_admin_urls()) > 20


def test_the_owner_sees_their_dossier_and_nobody_else_does(clients, objects, citizen):
    owner = Client()
    owner.force_login(citizen)
    url = reverse("api-dossier", kwargs=_dossier(objects))
    assert owner.get(url).status_code == 200
    assert clients["right_staff"].get(url).status_code == 200
    assert clients["other_staff"].get(url).status_code == 404
    assert clients["citizen"].get(url).status_code == 404
    assert isinstance(objects["dossier"], Dossier)
