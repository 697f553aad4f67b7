"""API shapes for dossiers (design.md §8): input validation only, no saves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.models import Attachment, Dossier, DossierEvent
from dossiers.presenters import applicant_view
from dossiers.selectors import dossier_access_log_for_owner


class AgencyBriefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureBriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    national_code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    required_document = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )  # type: ignore[var-annotated]
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = (
            "id",
            "required_document",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        )

    def get_download_url(self, attachment: Attachment) -> str:
        request = self.context.get("request")
        path = (
            f"/api/v1/dossiers/{self.context['dossier_ref']}/documents/{attachment.pk}/"
        )
        return request.build_absolute_uri(path) if request is not None else path


class EventSerializer(serializers.ModelSerializer[DossierEvent]):
    actor = serializers.SerializerMethodField()
    handed_from_agency = AgencyBriefSerializer(allow_null=True)
    handed_to_agency = AgencyBriefSerializer(allow_null=True)

    class Meta:
        model = DossierEvent
        fields = (
            "created_at",
            "action",
            "from_state",
            "to_state",
            "actor",
            "reason",
            "handed_from_agency",
            "handed_to_agency",
            "step_deadline",
            "step_timeliness",
        )

    def get_actor(self, event: DossierEvent) -> str:
        return event.actor.full_name if event.actor is not None else ""


class DossierListSerializer(serializers.ModelSerializer[Dossier]):
    reference = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")
    national_status_code = serializers.IntegerField(allow_null=True)
    procedure = ProcedureBriefSerializer()
    receiving_agency = AgencyBriefSerializer()
    current_agency = AgencyBriefSerializer()

    class Meta:
        model = Dossier
        fields = (
            "reference",
            "code",
            "state",
            "state_label",
            "national_status_code",
            "channel",
            "applicant_name",
            "summary",
            "procedure",
            "receiving_agency",
            "current_agency",
            "submitted_at",
            "received_at",
            "appointment_at",
            "deadline_status",
        )

    def get_reference(self, dossier: Dossier) -> str:
        """The code, or the id while the dossier is a draft (drafts have no code)."""
        return dossier.code or str(dossier.pk)


class AccessSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    staff = serializers.CharField()
    agency = serializers.CharField(allow_blank=True)
    channel = serializers.CharField()


class DossierDetailSerializer(DossierListSerializer):
    """Personal numbers are masked for staff who do not handle the dossier
    (dossiers.presenters); the owner also gets the log of staff who opened it."""

    attachments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    personal_data_masked = serializers.SerializerMethodField()
    access_log = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields: tuple[str, ...] = (  # type: ignore[assignment]
            *DossierListSerializer.Meta.fields,
            "applicant_type",
            "applicant_phone",
            "applicant_national_id",
            "applicant_email",
            "applicant_address",
            "submitter_name",
            "original_appointment_at",
            "finished_at",
            "returned_at",
            "return_channel",
            "supplement_count",
            "reason",
            "timeliness",
            "attachments",
            "history",
            "personal_data_masked",
            "access_log",
        )

    def _viewer(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None) or AnonymousUser()

    def to_representation(self, instance: Dossier) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data.update(applicant_view(instance, self._viewer()).as_api_fields())
        return data

    def get_personal_data_masked(self, dossier: Dossier) -> bool:
        return applicant_view(dossier, self._viewer()).masked

    @extend_schema_field(AccessSerializer(many=True, allow_null=True))
    def get_access_log(self, dossier: Dossier) -> list[dict[str, Any]] | None:
        """Who on the staff opened the dossier: for its owner only (null otherwise)."""
        entries = dossier_access_log_for_owner(dossier=dossier, user=self._viewer())
        if entries is None:
            return None
        return AccessSerializer(entries, many=True).data  # type: ignore[return-value]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, dossier: Dossier) -> list[dict[str, Any]]:
        context = {**self.context, "dossier_ref": dossier.code or dossier.pk}
        return AttachmentSerializer(  # type: ignore[return-value]
            dossier.attachments.all(), many=True, context=context
        ).data

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, dossier: Dossier) -> list[dict[str, Any]]:
        return EventSerializer(dossier.events.all(), many=True).data  # type: ignore[return-value]


CONSENT_HELP = _(
    "The applicant's consent to the processing of their personal data (required to "
    "submit and for counter intake; see dossiers.data_protection.CONSENT_TEXT)."
)


class DossierCreateSerializer(serializers.Serializer[Any]):
    procedure = serializers.IntegerField(help_text=_("Id of the procedure version."))
    receiving_agency = serializers.CharField(
        help_text=_("Code of the receiving centre.")
    )
    channel = serializers.ChoiceField(
        choices=Dossier.Channel.choices,
        required=False,
        help_text=_("Counter intake only: 1 at the counter, 3 by post."),
    )
    applicant_type = serializers.ChoiceField(
        choices=Dossier.ApplicantType.choices, default=Dossier.ApplicantType.CITIZEN
    )
    applicant_name = serializers.CharField(max_length=255)
    applicant_phone = serializers.CharField(max_length=20)
    applicant_national_id = serializers.CharField(
        max_length=20, required=False, default=""
    )
    applicant_email = serializers.EmailField(required=False, default="")
    applicant_address = serializers.CharField(
        max_length=255, required=False, default=""
    )
    submitter_name = serializers.CharField(max_length=255, required=False, default="")
    submitter_phone = serializers.CharField(max_length=20, required=False, default="")
    submitter_national_id = serializers.CharField(
        max_length=20, required=False, default=""
    )
    summary = serializers.CharField(max_length=500, required=False, default="")
    consent = serializers.BooleanField(
        required=False, default=False, help_text=CONSENT_HELP
    )
    owner_phone = serializers.CharField(
        max_length=20,
        required=False,
        default="",
        help_text=_(
            "Counter intake only: the mobile number of the applicant's account, so the "
            "dossier shows in their list."
        ),
    )


class DocumentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    required_document = serializers.IntegerField(required=False, allow_null=True)


class TransitionSerializer(serializers.Serializer[Any]):
    """Every field any transition takes; each transition reads the ones it needs."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(
        required=False, default=False, help_text=CONSENT_HELP
    )
    items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text=_("request_supplement: ids of the required documents to complete."),
    )
    items_text = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    agency = serializers.CharField(required=False, allow_blank=True, default="")
    specialist = serializers.IntegerField(required=False, allow_null=True, default=None)
    granted = serializers.BooleanField(required=False, default=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    number = serializers.CharField(required=False, allow_blank=True, default="")
    signer_name = serializers.CharField(required=False, allow_blank=True, default="")
    signed_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.IntegerField(required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=0, required=False, allow_null=True, default=None
    )
    channel = serializers.ChoiceField(
        choices=Dossier.ReturnChannel.choices,
        required=False,
        allow_blank=True,
        default="",
    )
    new_appointment = serializers.DateTimeField(
        required=False, allow_null=True, default=None
    )
    responsible_agency = serializers.CharField(
        required=False, allow_blank=True, default=""
    )


class LookupSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    agency = serializers.CharField()
