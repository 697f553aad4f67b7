"""Factories for dossiers; states are traits: DossierFactory(received=True)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dossiers.models import Attachment, Dossier, DossierState, Result
from procedures.models import Field, Procedure, RequiredDocument
from tests.accounts.factories import AgencyFactory

S = DossierState
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
    b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    # SOF0: 8-bit, 1 x 1 pixels, 3 components (the dimensions are checked)
    + b"\xff\xc0\x00\x11\x08\x00\x01\x00\x01\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    + b"\x00" * 64
    + b"\xff\xd9"
)


class FieldFactory(DjangoModelFactory[Field]):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"G{n:02d}-TP{n:02d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    national_code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Cấp phiếu lý lịch tư pháp {n}")
    field = factory.SubFactory(FieldFactory)
    competent_agency = factory.SubFactory(AgencyFactory)
    level = Procedure.Level.PROVINCE
    processing_days = Decimal(10)
    online_level = Procedure.OnlineLevel.FULL
    status = Procedure.Status.PUBLISHED
    supplement_policy = Procedure.SupplementPolicy.RESTART

    @factory.post_generation
    def receiving_agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.receiving_agencies.set(extracted)


class RequiredDocumentFactory(DjangoModelFactory[RequiredDocument]):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = factory.Sequence(lambda n: f"Tờ khai {n}")
    mandatory = True


def _received_at(o):
    return timezone.now() - dt.timedelta(hours=1)


class DossierFactory(DjangoModelFactory[Dossier]):
    """A dossier in any state. Traits: submitted, received, appraising,
    pending_approval, supplement_requested, awaiting_payment, refused, withdrawn,
    stopped, ready, returned."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            state=S.SUBMITTED,
            code=factory.Sequence(lambda n: f"000.00.01.H49-260101-{n:04d}"),
            submitted_at=factory.LazyFunction(
                lambda: timezone.now() - dt.timedelta(hours=2)
            ),
        )
        received = factory.Trait(
            submitted=True,
            state=S.RECEIVED,
            received_at=factory.LazyAttribute(_received_at),
            appointment_at=factory.LazyFunction(
                lambda: timezone.now() + dt.timedelta(days=10)
            ),
            original_appointment_at=factory.SelfAttribute("appointment_at"),
            deadline_status=Dossier.DeadlineStatus.WITHIN,
        )
        appraising = factory.Trait(
            received=True,
            state=S.APPRAISING,
            current_agency=factory.SelfAttribute("procedure.competent_agency"),
        )
        pending_approval = factory.Trait(appraising=True, state=S.PENDING_APPROVAL)
        supplement_requested = factory.Trait(
            appraising=True,
            state=S.SUPPLEMENT_REQUESTED,
            paused_from_state=S.APPRAISING,
            supplement_count=1,
        )
        awaiting_payment = factory.Trait(
            appraising=True, state=S.AWAITING_PAYMENT, paused_from_state=S.APPRAISING
        )
        refused = factory.Trait(
            submitted=True,
            state=S.REFUSED,
            reason="Không thuộc thẩm quyền",
            finished_at=factory.LazyFunction(timezone.now),
        )
        withdrawn = factory.Trait(
            received=True,
            state=S.WITHDRAWN,
            reason="Xin rút",
            finished_at=factory.LazyFunction(timezone.now),
        )
        stopped = factory.Trait(
            appraising=True,
            state=S.STOPPED,
            reason="Không đủ điều kiện",
            finished_at=factory.LazyFunction(timezone.now),
        )
        ready = factory.Trait(
            appraising=True,
            state=S.READY,
            finished_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            ready=True,
            state=S.RETURNED,
            returned_at=factory.LazyFunction(timezone.now),
            return_channel=Dossier.ReturnChannel.COUNTER,
        )

    procedure = factory.SubFactory(ProcedureFactory)
    receiving_agency = factory.LazyAttribute(
        lambda o: o.procedure.receiving_agencies.first() or o.procedure.competent_agency
    )
    current_agency = factory.SelfAttribute("receiving_agency")
    channel = Dossier.Channel.ONLINE
    applicant_name = "Nguyễn Văn An"
    applicant_phone = factory.Sequence(lambda n: f"+8498{n:07d}")
    applicant_national_id = "022090012345"
    summary = "Cấp phiếu lý lịch tư pháp"

    @factory.post_generation
    def with_documents(self, create, extracted, **kwargs):
        """Attach a (fake-stored) file to every mandatory document."""
        if create and (extracted or self.state != S.DRAFT):
            for document in self.procedure.required_documents.filter(mandatory=True):
                AttachmentFactory(dossier=self, required_document=document)

    @factory.post_generation
    def with_result(self, create, extracted, **kwargs):
        if create and self.state in (S.PENDING_APPROVAL, S.READY, S.RETURNED):
            Result.objects.create(
                dossier=self,
                number="12/QĐ-STP",
                granted=True,
                proposed_by_id=self.owner_id or _any_user_id(),
            )


def _any_user_id() -> int:
    from tests.accounts.factories import UserFactory  # noqa: PLC0415

    return UserFactory().pk


class AttachmentFactory(DjangoModelFactory[Attachment]):
    class Meta:
        model = Attachment

    dossier = factory.SubFactory(DossierFactory)
    original_name = "to-khai.pdf"
    storage_name = factory.LazyFunction(lambda: f"test/{uuid.uuid4().hex}.pdf")
    content_type = Attachment.ContentType.PDF
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    uploaded_by = factory.LazyAttribute(lambda o: o.dossier.owner or _user())


def _user():
    from tests.accounts.factories import UserFactory  # noqa: PLC0415

    return UserFactory()
