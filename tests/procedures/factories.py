from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from procedures.models import Fee, Field, Procedure, RequiredDocument
from tests.accounts.factories import AgencyFactory


class FieldFactory(DjangoModelFactory[Field]):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"G{n:02d}-TEST")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    national_code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    level = Procedure.Level.PROVINCE
    # Codes from 000.90.00 up never collide with the `agencies` fixture's.
    competent_agency = factory.SubFactory(
        AgencyFactory,
        code=factory.Sequence(lambda n: f"000.{90 + n // 100 % 10}.{n % 100:02d}.H49"),
    )
    processing_days = Decimal("5")
    online_level = Procedure.OnlineLevel.PARTIAL
    status = Procedure.Status.PUBLISHED


class RequiredDocumentFactory(DjangoModelFactory[RequiredDocument]):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    originals = 1


class FeeFactory(DjangoModelFactory[Fee]):
    class Meta:
        model = Fee

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Lệ phí"
    amount = Decimal("50000")
