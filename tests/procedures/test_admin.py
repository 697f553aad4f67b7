"""Catalogue administration: versions are read-only once published; amendments
go through a draft; actions publish and withdraw with an audit row."""

from __future__ import annotations

import pytest

from procedures.models import Procedure, ProcedureEvent
from tests.procedures.factories import ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/procedures/procedure/"


def action(admin_client, name, *procedures):
    return admin_client.post(
        CHANGELIST,
        {"action": name, "_selected_action": [p.pk for p in procedures]},
        follow=True,
    )


def test_the_changelist_and_a_published_version_render_read_only(
    admin_client, agencies
):
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    assert admin_client.get(CHANGELIST).status_code == 200
    page = admin_client.get(f"{CHANGELIST}{procedure.pk}/change/")
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # no editable input
    response = admin_client.post(
        f"{CHANGELIST}{procedure.pk}/change/", {"name": "Khác"}
    )
    assert response.status_code == 403
    assert Procedure.objects.get(pk=procedure.pk).name == "Đăng ký khai sinh"


def test_amend_action_then_publish_action(admin_client, admin_user, agencies):
    current = ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    RequiredDocumentFactory(procedure=current, name="Tờ khai")
    action(admin_client, "draft_amendment", current)
    draft = Procedure.objects.get(national_code="1.001193", version=2)
    assert draft.status == Procedure.Status.DRAFT
    assert [d.name for d in draft.required_documents.all()] == ["Tờ khai"]
    page = admin_client.get(f"{CHANGELIST}{draft.pk}/change/")
    assert 'name="name"' in page.content.decode()  # drafts are editable
    action(admin_client, "publish", draft)
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (current.status, draft.status) == ("superseded", "published")
    assert ProcedureEvent.objects.filter(actor=admin_user, action="published").exists()


def test_withdraw_action(admin_client, agencies):
    procedure = ProcedureFactory()
    action(admin_client, "withdraw", procedure)
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.WITHDRAWN


def test_publishing_a_published_version_is_refused_with_a_message(
    admin_client, agencies
):
    procedure = ProcedureFactory()
    page = action(admin_client, "publish", procedure)
    assert page.status_code == 200
    assert "Chỉ bản nháp mới có thể được công bố." in page.content.decode()


def test_export_selected_as_excel(admin_client, agencies):
    procedure = ProcedureFactory()
    RequiredDocumentFactory(procedure=procedure)
    response = admin_client.post(
        CHANGELIST, {"action": "export_excel", "_selected_action": [procedure.pk]}
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_staff_without_permission_cannot_import(client, clerk, agencies):
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get(f"{CHANGELIST}import/").status_code == 403
