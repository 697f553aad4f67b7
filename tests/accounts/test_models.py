import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Agency, Membership, User
from accounts.selectors import agency_scope_for_user, user_has_role_in, user_roles
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_clean_stores_phone_in_plus84_form_and_blank_email_as_null():
    user = User(phone="0912 345 678", email="", full_name="Trần Thị Bình")
    user.set_password("x-Secret-2026")
    user.full_clean()
    assert user.phone == "+84912345678"
    assert user.email is None


def test_user_needs_an_email_or_a_phone():
    with pytest.raises(ValidationError):
        User(full_name="Không Liên Lạc").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(full_name="Không Liên Lạc")


def test_database_refuses_a_phone_not_in_plus84_form():
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.filter(pk=UserFactory().pk).update(phone="0912345678")


def test_two_users_may_both_have_no_email_but_not_the_same_phone():
    User.objects.create_user(phone="0912000111", password="x")
    User.objects.create_user(phone="0912000222", password="x")
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create_user(phone="+84912000111", password="x")


def test_agency_code_must_follow_qcvn_102():
    agency = Agency(code="H49 centre", name="Sai mã", kind=Agency.Kind.DEPARTMENT)
    with pytest.raises(ValidationError) as excinfo:
        agency.full_clean()
    assert "code" in excinfo.value.message_dict
    Agency(code="000.00.00.H49", name="Đúng", kind=Agency.Kind.PROVINCE).full_clean()


def test_agency_tree_paths_follow_moves(agencies):
    ward = AgencyFactory(parent=agencies.commune, kind=Agency.Kind.COMMUNE)
    assert set(agencies.province.subtree()) >= {agencies.centre, agencies.commune, ward}
    assert list(ward.ancestors().order_by("path")) == [
        agencies.province,
        agencies.commune,
    ]
    agencies.commune.parent = agencies.justice
    agencies.commune.save()
    ward.refresh_from_db()
    assert ward.path.startswith(agencies.justice.path)
    assert ward in agencies.justice.subtree()


def test_agency_cannot_become_its_own_ancestor(agencies):
    agencies.province.parent = agencies.commune
    with pytest.raises(ValidationError):
        agencies.province.full_clean()


def test_scope_covers_the_subtree_of_each_membership(agencies, manager, specialist):
    assert set(agency_scope_for_user(user=manager)) == set(Agency.objects.all())
    assert set(agency_scope_for_user(user=specialist)) == {agencies.justice}
    assert not agency_scope_for_user(
        user=specialist, roles=[Membership.Role.LEADER]
    ).exists()


def test_citizen_has_no_scope_and_no_roles(citizen):
    assert not agency_scope_for_user(user=citizen).exists()
    assert user_roles(user=citizen) == set()


def test_role_in_an_ancestor_counts_for_a_child(agencies, manager, clerk):
    assert user_has_role_in(user=manager, agency=agencies.commune, roles=["manager"])
    assert not user_has_role_in(user=clerk, agency=agencies.justice, roles=["clerk"])
    assert user_has_role_in(user=clerk, agency=agencies.centre, roles=["clerk"])


def test_membership_is_unique_per_user_agency_role(agencies):
    membership = MembershipFactory(agency=agencies.justice)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Membership.objects.create(
            user=membership.user, agency=agencies.justice, role=membership.role
        )
