from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import Agency, Membership, User


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("Secret#2026")


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H49")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = Agency.Kind.DEPARTMENT


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.CLERK
