import pytest
from django.core.management import CommandError, call_command

from accounts.models import Agency, Membership, User

pytestmark = pytest.mark.django_db


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
