import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import Agency, Membership, User
from dossiers import selectors
from dossiers.models import Dossier

pytestmark = pytest.mark.django_db

SPECIALIST = "chuyenvien@demo.quangninh.vn"
LEADER = "lanhdao@demo.quangninh.vn"


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_every_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Agency.objects.get(code="000.00.00.H49").kind == Agency.Kind.PROVINCE
    assert Agency.objects.filter(kind=Agency.Kind.ONE_STOP_CENTRE).exists()
    assert Agency.objects.filter(kind=Agency.Kind.COMMUNE).count() >= 3
    assert set(Membership.objects.values_list("role", flat=True)) == set(
        Membership.Role.values
    )
    output = capsys.readouterr().out
    assert "congdan@demo.quangninh.vn" in output
    assert User.objects.filter(email="congdan@demo.quangninh.vn").count() == 1


def _queue_codes(client, user: User, queue: str) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("dossiers:staff-console"), {"queue": queue})
    assert response.status_code == 200
    codes = [dossier.code for dossier in response.context["page"].object_list]
    assert all(code in response.text for code in codes)
    return codes


def test_main_specialist_and_leader_find_work_in_their_queues(settings, client):
    """The README's logins: chuyenvien@ holds dossiers, lanhdao@ has some to sign."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    specialist = User.objects.get(email=SPECIALIST)
    leader = User.objects.get(email=LEADER)
    for user, role in ((specialist, "specialist"), (leader, "leader")):
        assert list(user.memberships.values_list("agency__code", "role")) == [
            (accounts_demo.MAIN_DEPARTMENT, role)
        ]

    assigned = selectors.queue_assigned_to_me(user=specialist)
    assert assigned.exists()
    assert {d.assigned_specialist_id for d in assigned} == {specialist.pk}
    assert _queue_codes(client, specialist, "assigned-to-me")

    awaiting = selectors.queue_to_approve(user=leader)
    assert awaiting.exists()
    assert {d.current_agency.code for d in awaiting} == {accounts_demo.MAIN_DEPARTMENT}
    assert _queue_codes(client, leader, "awaiting-approval")
    # The leader signed results of the department too.
    assert Dossier.objects.filter(result__approved_by=leader).exists()


def test_seed_demo_moves_a_demo_login_and_drops_its_old_membership(monkeypatch):
    """A database seeded when chuyenvien@ and lanhdao@ were Sở Tư pháp's: seeding
    again leaves each with its new membership only, not both."""
    old_staff = tuple(
        (email, name, phone, "000.00.15.H49", role)
        if email in (SPECIALIST, LEADER)
        else (email, name, phone, code, role)
        for email, name, phone, code, role in accounts_demo.STAFF
    )
    with monkeypatch.context() as patch:
        patch.setattr(accounts_demo, "STAFF", old_staff)
        accounts_demo.seed()
    assert Membership.objects.filter(agency__code="000.00.15.H49").count() == 2
    memberships = Membership.objects.count()

    accounts_demo.seed()

    assert not Membership.objects.filter(agency__code="000.00.15.H49").exists()
    assert Membership.objects.count() == memberships
    for email, _name, _phone, code, role in accounts_demo.STAFF:
        assert list(
            Membership.objects.filter(user__email=email).values_list(
                "agency__code", "role"
            )
        ) == [(code, role)]
