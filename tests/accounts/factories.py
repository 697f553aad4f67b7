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

    # 000.50-89: never the codes tests spell out (the `agencies` fixture's 000.00.x
    # and 000.31.x, 000.40.x, 000.99.x) nor tests.procedures' 000.90-99, whatever
    # the sequence has reached in this worker.
    code = factory.Sequence(lambda n: f"000.{50 + n // 100 % 40:02d}.{n % 100:02d}.H49")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = Agency.Kind.DEPARTMENT


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.CLERK
