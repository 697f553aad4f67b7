"""The admin shows dossiers and their trail but changes nothing."""

from __future__ import annotations

import pytest

from dossiers import services
from dossiers.models import DossierEvent

pytestmark = pytest.mark.django_db


def test_admin_lists_dossiers_and_events_read_only(admin_client, make_dossier, clerk):
    dossier = make_dossier(submitted=True)
    services.dossier_receive(dossier=dossier, actor=clerk)
    event = DossierEvent.objects.get()
    assert dossier.code in admin_client.get("/admin/dossiers/dossier/").content.decode()
    assert (
        admin_client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/admin/dossiers/dossierevent/").status_code == 200
    assert admin_client.get("/admin/dossiers/dossier/add/").status_code == 403
    delete = admin_client.post(
        f"/admin/dossiers/dossierevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    change = admin_client.post(
        f"/admin/dossiers/dossierevent/{event.pk}/change/", {"reason": "rewritten"}
    )
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.reason == ""
