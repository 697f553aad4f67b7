"""Schemathesis over the OpenAPI schema: no 5xx, and documented responses match it.

Every operation of /api/schema/ gets MAX_EXAMPLES derandomized cases (so a run is
reproducible), as an anonymous caller, as a citizen with an API token and as a
clerk in a session verified with a second factor (with the CSRF cookie and
header). Path parameters alternate between generated values and real objects
(a dossier of the citizen received at the clerk's centre, a procedure, an
attachment), so the checks reach the handlers and not only the 404 branch.
"""

from __future__ import annotations

import gc
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import checks

from dossiers.documents import private_storage
from tests.dossiers.factories import PDF_BYTES, AttachmentFactory, DossierFactory

pytestmark = [pytest.mark.django_db, pytest.mark.staff_mfa]

MAX_EXAMPLES = 15
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


@dataclass
class Caller:
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def api_schema(settings_fixture_media) -> Any:
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application()
    )


@pytest.fixture
def settings_fixture_media(settings, tmp_path) -> Iterator[None]:
    """The raw WSGI handler closes the database connection after each request,
    which would end the test's transaction; Django's test client stops that in
    the same way."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_objects(procedure, citizen) -> dict[str, Any]:
    dossier = DossierFactory(procedure=procedure, owner=citizen, received=True)
    attachment = AttachmentFactory(dossier=dossier)
    private_storage().save(attachment.storage_name, ContentFile(PDF_BYTES))
    return {
        "reference": dossier.code,
        "code": procedure.national_code,
        "attachment_id": attachment.pk,
    }


@pytest.fixture
def callers(citizen, clerk, login_with_second_factor) -> dict[str, Caller]:
    token = Token.objects.create(user=citizen)
    browser = login_with_second_factor(Client(), clerk)
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret
    return {
        "anonymous": Caller(),
        "citizen": Caller(headers={"Authorization": f"Token {token.key}"}),
        "clerk": Caller(
            headers={"X-CSRFToken": csrf},
            cookies={
                "sessionid": browser.cookies["sessionid"].value,
                "csrftoken": csrf,
            },
        ),
    }


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation: Any, caller: Caller, real: dict[str, Any]) -> Callable[[], None]:
    @given(case=operation.as_strategy(), use_real=st.booleans())
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, use_real: bool) -> None:
        if use_real and case.path_parameters:
            for name in case.path_parameters:
                if name in real:
                    case.path_parameters[name] = real[name]
        case.call_and_validate(
            headers=dict(caller.headers), cookies=dict(caller.cookies), checks=CHECKS
        )

    return run


# The harness's WSGI client does not close streamed responses, so a downloaded
# file's handle is left to the garbage collector (gunicorn closes it).
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("role", ["anonymous", "citizen", "clerk"])
def test_every_operation_answers_without_5xx_and_as_documented(
    role, api_schema, callers, real_objects
):
    operations = _operations(api_schema)
    assert len(operations) >= 10
    failures = []
    for operation in operations:
        try:
            _fuzz(operation, callers[role], real_objects)()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {exc}")
    gc.collect()  # finalise the unclosed download handles while ignored (see above)
    assert failures == [], "\n\n".join(failures)
