"""The dossier API of design.md §8.

Views parse, call one selector or service, and map domain errors to HTTP: 400 with
field messages, 403 for a role that may not act, 404 for what the caller may not see,
409 for an impossible or concurrent transition, 413 for an oversized upload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Manager, QuerySet
from django.http import FileResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from accounts.models import Agency, User
from accounts.validators import normalize_phone
from dossiers import services
from dossiers.data_protection import client_ip, record_dossier_access
from dossiers.documents import private_storage
from dossiers.exceptions import (
    DossierPermissionError,
    DossierTransitionError,
    DossierValidationError,
    ScannerUnavailableError,
    UploadTooLargeError,
)
from dossiers.models import Attachment, Dossier, DossierAccess
from dossiers.permissions import CLERK, in_scope, membership_paths
from dossiers.selectors import (
    dossier_get_for_user,
    dossier_list_for_user,
    dossier_lookup,
)
from dossiers.serializers import (
    AttachmentSerializer,
    DocumentUploadSerializer,
    DossierCreateSerializer,
    DossierDetailSerializer,
    DossierListSerializer,
    LookupSerializer,
    TransitionSerializer,
)
from portal.api_schema import paginated
from procedures.models import Procedure, RequiredDocument


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy(
        "This action is not possible in the dossier's current state."
    )
    default_code = "conflict"


class ScannerUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("The virus scanner is unavailable.")
    default_code = "scanner_unavailable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The file is too large.")
    default_code = "too_large"


@contextmanager
def domain_errors() -> Iterator[None]:
    """Translate the services' domain errors into API errors."""
    try:
        yield
    except UploadTooLargeError as exc:
        raise PayloadTooLarge(detail=exc.errors) from exc
    except DossierValidationError as exc:
        raise exceptions.ValidationError(detail=exc.errors) from exc
    except ScannerUnavailableError as exc:
        raise ScannerUnavailable(detail=exc.message) from exc
    except DossierPermissionError as exc:
        raise exceptions.PermissionDenied(detail=exc.message) from exc
    except DossierTransitionError as exc:
        raise Conflict(detail=exc.message) from exc


def _user(request: Request) -> User:
    if not isinstance(request.user, User):
        raise exceptions.NotAuthenticated
    return request.user


def _get_dossier(
    request: Request, reference: str, *, with_history: bool = False
) -> Dossier:
    try:
        if reference.isascii() and reference.isdecimal():
            # Drafts have no code yet; the owner reaches them by id.
            dossier = Dossier.objects.with_related().get(pk=int(reference))
            return (
                dossier_get_for_user(
                    user=request.user, code=dossier.code, with_history=with_history
                )
                if dossier.code
                else _own_draft(request, dossier)
            )
        return dossier_get_for_user(
            user=request.user, code=reference, with_history=with_history
        )
    except Dossier.DoesNotExist as exc:
        raise exceptions.NotFound(_("No dossier with this code.")) from exc


def _own_draft(request: Request, dossier: Dossier) -> Dossier:
    if dossier.owner_id != request.user.pk:
        raise Dossier.DoesNotExist
    return dossier


def _detail(request: Request, dossier: Dossier, *, code: int = 200) -> Response:
    fresh = _get_dossier(request, dossier.code or str(dossier.pk), with_history=True)
    return Response(
        DossierDetailSerializer(fresh, context={"request": request}).data, status=code
    )


def _uploads_from(request: Request, procedure: Procedure) -> list[services.Upload]:
    documents = {
        document.pk: document for document in procedure.required_documents.all()
    }
    uploads: list[services.Upload] = []
    for key, files in request.FILES.lists():
        if key.startswith("document_"):
            suffix = key.removeprefix("document_")
            document = (
                documents.get(int(suffix))
                if suffix.isascii() and suffix.isdecimal()
                else None
            )
            if document is None:
                raise exceptions.ValidationError(
                    {key: [_("This document is not part of the procedure.")]}
                )
        elif key == "documents":
            document = None
        else:
            continue
        uploads.extend(
            services.Upload(
                file=upload, name=upload.name or "", required_document=document
            )
            for upload in files
        )
    return uploads


def _account_by_phone(raw: str, *, national_id: str) -> User | None:
    """The citizen account a counter dossier belongs to, when the clerk names one.

    A phone number alone proves nothing (anyone can sign up with someone else's
    number), so the account must also carry the applicant's personal ID number.
    """
    if not raw.strip():
        return None
    try:
        phone = normalize_phone(raw)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"owner_phone": list(exc.messages)}) from exc
    owner = User.objects.filter(phone=phone, is_active=True).first()
    if owner is None:
        raise exceptions.ValidationError(
            {"owner_phone": [_("No account uses this mobile number.")]}
        )
    if not national_id or owner.national_id != national_id:
        raise exceptions.ValidationError(
            {
                "owner_phone": [
                    _(
                        "This account's personal ID number does not match the "
                        "applicant's, so the dossier cannot be linked to it."
                    )
                ]
            }
        )
    return owner


DETAIL_EXAMPLE = OpenApiExample(
    "A received dossier",
    value={
        "reference": "000.00.01.H49-261130-0007",
        "code": "000.00.01.H49-261130-0007",
        "state": "received",
        "state_label": "Đã tiếp nhận",
        "national_status_code": 2,
        "appointment_at": "2026-12-14T17:00:00+07:00",
        "history": [
            {"action": "receive", "from_state": "submitted", "to_state": "received"}
        ],
    },
    response_only=True,
)


class DossierListCreateView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dossiers_list",
        summary="List the dossiers the caller may see",
        parameters=[
            OpenApiParameter("state", str, description="State, e.g. received"),
            OpenApiParameter("agency", str, description="Agency code"),
            OpenApiParameter(
                "overdue", bool, description="Only overdue (true) or not (false)"
            ),
        ],
        responses=paginated(DossierListSerializer, "PaginatedDossierList"),
    )
    def get(self, request: Request) -> Response:
        overdue_raw = request.query_params.get("overdue")
        overdue = (
            None if overdue_raw in (None, "") else overdue_raw.lower() in ("1", "true")
        )
        state = request.query_params.get("state") or None
        if state is not None and state not in Dossier.State.values:
            raise exceptions.ValidationError({"state": [_("Unknown state.")]})
        dossiers: QuerySet[Dossier] = dossier_list_for_user(
            user=request.user,
            state=state,
            agency=request.query_params.get("agency") or None,
            overdue=overdue,
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(dossiers, request, view=self)
        data = DossierListSerializer(page, many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        summary="Create a draft (citizen) or receive a dossier at the counter (clerk)",
        description=(
            "A clerk of the receiving centre creates a received dossier on the applicant's "
            "behalf in one step; anyone else creates an online draft. Multipart requests "
            "may carry files as `document_<required document id>` or `documents`."
        ),
        request={
            "application/json": DossierCreateSerializer,
            "multipart/form-data": DossierCreateSerializer,
        },
        responses={201: DossierDetailSerializer},
        examples=[
            OpenApiExample(
                "Draft",
                value={
                    "procedure": 12,
                    "receiving_agency": "000.00.01.H49",
                    "applicant_name": "Nguyễn Văn An",
                    "applicant_phone": "0912 345 678",
                    "applicant_national_id": "022090012345",
                },
                request_only=True,
            ),
            DETAIL_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = DossierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        procedure = (
            Procedure.objects.select_related("competent_agency")
            .filter(pk=data["procedure"])
            .first()
        )
        agency = Agency.objects.filter(code=data["receiving_agency"]).first()
        errors: dict[str, list[str]] = {}
        if procedure is None:
            errors["procedure"] = [_("No such procedure.")]
        if agency is None:
            errors["receiving_agency"] = [_("No such agency.")]
        if procedure is None or agency is None:
            raise exceptions.ValidationError(errors)
        applicant = services.Applicant(
            name=data["applicant_name"],
            phone=data["applicant_phone"],
            national_id=data["applicant_national_id"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            kind=data["applicant_type"],
        )
        submitter = services.Submitter(
            name=data["submitter_name"],
            phone=data["submitter_phone"],
            national_id=data["submitter_national_id"],
        )
        uploads = _uploads_from(request, procedure)
        user = _user(request)
        with domain_errors():
            if in_scope(user, agency, (CLERK,)):
                dossier = services.dossier_intake(
                    actor=user,
                    owner=_account_by_phone(
                        data["owner_phone"], national_id=data["applicant_national_id"]
                    ),
                    procedure=procedure,
                    receiving_agency=agency,
                    applicant=applicant,
                    submitter=submitter,
                    channel=data.get("channel") or Dossier.Channel.COUNTER,
                    summary=data["summary"],
                    uploads=uploads,
                    consent=data["consent"],
                    ip=client_ip(request),
                )
            elif membership_paths(user):
                raise DossierPermissionError(
                    _("Only clerks of this centre receive dossiers at the counter.")
                )
            else:
                dossier = services.dossier_create_draft(
                    owner=user,
                    procedure=procedure,
                    receiving_agency=agency,
                    applicant=applicant,
                    submitter=submitter,
                    summary=data["summary"],
                    uploads=uploads,
                )
        return _detail(request, dossier, code=status.HTTP_201_CREATED)


class DossierDetailView(APIView):
    @extend_schema(
        summary="One dossier with its state, national status code, appointment and history",
        responses={200: DossierDetailSerializer},
        examples=[DETAIL_EXAMPLE],
    )
    def get(self, request: Request, reference: str) -> Response:
        dossier = _get_dossier(request, reference, with_history=True)
        record_dossier_access(
            dossier=dossier,
            user=request.user,
            channel=DossierAccess.Channel.API,
            ip=client_ip(request),
        )
        return Response(
            DossierDetailSerializer(dossier, context={"request": request}).data
        )


class DossierDocumentsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Attach a document (PDF, JPEG or PNG, checked by content)",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    def post(self, request: Request, reference: str) -> Response:
        dossier = _get_dossier(request, reference)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document_id = serializer.validated_data.get("required_document")
        document = None
        if document_id is not None:
            document = RequiredDocument.objects.filter(
                pk=document_id, procedure_id=dossier.procedure_id
            ).first()
            if document is None:
                raise exceptions.ValidationError(
                    {
                        "required_document": [
                            _("This document is not part of the procedure.")
                        ]
                    }
                )
        upload = serializer.validated_data["file"]
        with domain_errors():
            attachment = services.dossier_attach_document(
                dossier=dossier,
                actor=_user(request),
                upload=services.Upload(
                    file=upload, name=upload.name or "", required_document=document
                ),
            )
        context = {"request": request, "dossier_ref": reference}
        return Response(
            AttachmentSerializer(attachment, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class DossierDocumentDownloadView(APIView):
    @extend_schema(
        summary="Download an attached document (only for those who may see the dossier)",
        # The stored type, checked by content at upload: PDF, JPEG or PNG.
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in Attachment.ContentType.values
        },
    )
    def get(self, request: Request, reference: str, attachment_id: int) -> FileResponse:
        dossier = _get_dossier(request, reference)
        attachment = Attachment.objects.filter(
            pk=attachment_id, dossier=dossier
        ).first()
        if attachment is None:
            raise exceptions.NotFound(_("No such document."))
        if not private_storage().exists(attachment.storage_name):
            raise exceptions.NotFound(
                _("This document was deleted at the end of its retention period.")
            )
        record_dossier_access(
            dossier=dossier, user=request.user, channel="api", ip=client_ip(request)
        )
        response = FileResponse(
            private_storage().open(attachment.storage_name, "rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


def _resolve(
    model_qs: QuerySet[Any] | Manager[Any], field: str, value: Any, message: str
) -> Any:
    if value in (None, ""):
        return None
    found = model_qs.filter(**{field: value}).first()
    if found is None:
        raise exceptions.ValidationError({field.split("__", maxsplit=1)[0]: [message]})
    return found


def _transition_handlers() -> dict[str, Callable[[Dossier, User, dict[str, Any]], Any]]:
    s = services

    def documents(dossier: Dossier, ids: list[int]) -> list[RequiredDocument]:
        found = list(
            RequiredDocument.objects.filter(
                procedure_id=dossier.procedure_id, pk__in=ids
            )
        )
        if len(found) != len(set(ids)):
            raise exceptions.ValidationError(
                {"items": [_("This document is not part of the procedure.")]}
            )
        return found

    return {
        "submit": lambda d, u, v: s.dossier_submit(
            dossier=d, actor=u, consent=v["consent"], ip=v["ip"]
        ),
        "receive": lambda d, u, v: s.dossier_receive(dossier=d, actor=u),
        "refuse": lambda d, u, v: s.dossier_refuse(
            dossier=d, actor=u, reason=v["reason"]
        ),
        "request_supplement": lambda d, u, v: s.dossier_request_supplement(
            dossier=d,
            actor=u,
            reason=v["reason"],
            documents=documents(d, v["items"]),
            items_text=v["items_text"],
        ),
        "supplement": lambda d, u, v: s.dossier_supplement(
            dossier=d, actor=u, note=v["note"]
        ),
        "assign": lambda d, u, v: s.dossier_assign(
            dossier=d,
            actor=u,
            agency=_resolve(Agency.objects, "code", v["agency"], _("No such agency.")),
            specialist=_resolve(
                User.objects, "pk", v["specialist"], _("No such user.")
            ),
        ),
        "propose": lambda d, u, v: s.dossier_propose(
            dossier=d,
            actor=u,
            granted=v["granted"],
            notes=v["notes"],
            number=v["number"],
        ),
        "send_back": lambda d, u, v: s.dossier_send_back(
            dossier=d, actor=u, reason=v["reason"]
        ),
        "approve": lambda d, u, v: s.dossier_approve(
            dossier=d,
            actor=u,
            number=v["number"],
            signer_name=v["signer_name"],
            signed_on=v["signed_on"],
            file=_resolve(d.attachments.all(), "pk", v["file"], _("No such document.")),
        ),
        "request_payment": lambda d, u, v: s.dossier_request_payment(
            dossier=d, actor=u, amount=v["amount"], note=v["note"]
        ),
        "confirm_payment": lambda d, u, v: s.dossier_confirm_payment(
            dossier=d, actor=u
        ),
        "stop": lambda d, u, v: s.dossier_stop(dossier=d, actor=u, reason=v["reason"]),
        "withdraw": lambda d, u, v: s.dossier_withdraw(
            dossier=d, actor=u, reason=v["reason"]
        ),
        "return_result": lambda d, u, v: s.dossier_return_result(
            dossier=d, actor=u, channel=v["channel"]
        ),
        "apologize": lambda d, u, v: s.dossier_apologize(
            dossier=d,
            actor=u,
            reason=v["reason"],
            new_appointment=v["new_appointment"],
            responsible_agency=_resolve(
                Agency.objects, "code", v["responsible_agency"], _("No such agency.")
            ),
        ),
    }


TRANSITION_HANDLERS = _transition_handlers()
TRANSITION_NAMES = sorted(TRANSITION_HANDLERS)


class DossierTransitionView(APIView):
    @extend_schema(
        summary="Run a transition of design.md §3",
        description=(
            "`name` is one of: " + ", ".join(TRANSITION_NAMES) + ". Refuse, send back, "
            "stop, withdraw, request a supplement and apologise need a `reason`; a "
            "supplement request lists `items` (required document ids) or `items_text`; "
            "`request_payment` needs `amount`; `return_result` needs `channel`; "
            "`apologize` needs `new_appointment`. 409 when the state does not allow it "
            "or another officer acted first; 403 when the role may not."
        ),
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=TRANSITION_NAMES)
        ],
        request=TransitionSerializer,
        responses={200: DossierDetailSerializer},
        examples=[
            OpenApiExample(
                "Refuse",
                value={"reason": "Thủ tục không thuộc thẩm quyền."},
                request_only=True,
            ),
            OpenApiExample(
                "Request a supplement",
                value={
                    "reason": "Thiếu tờ khai",
                    "items": [31],
                    "items_text": "Bản sao CCCD",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Apologise",
                value={
                    "reason": "Cần xác minh thêm",
                    "new_appointment": "2026-12-21T17:00:00+07:00",
                },
                request_only=True,
            ),
            DETAIL_EXAMPLE,
        ],
    )
    def post(self, request: Request, reference: str, name: str) -> Response:
        dossier = _get_dossier(request, reference)
        handler = TRANSITION_HANDLERS.get(name)
        if handler is None:
            raise exceptions.NotFound(_("Unknown transition."))
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {**serializer.validated_data, "ip": client_ip(request)}
        with domain_errors():
            handler(dossier, _user(request), values)
        return _detail(request, dossier)


class LookupCodeThrottle(SimpleRateThrottle):
    """Limits lookups of one dossier code from all addresses together, so that many
    machines cannot share out the guessing of the applicant's phone number."""

    scope = "lookup_code"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        code = (request.query_params.get("code") or "").strip().upper()
        if not code:
            return None
        digest = hashlib.sha256(code.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class DossierLookupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    # Per client address (the "lookup" scope) and per dossier code.
    throttle_classes = [ScopedRateThrottle, LookupCodeThrottle]
    throttle_scope = "lookup"

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(
            wait=wait,
            detail=_("Too many lookups. Please wait a while before trying again."),
        )

    @extend_schema(
        summary="Public lookup by code and phone (throttled, minimal fields)",
        parameters=[
            OpenApiParameter("code", str, required=True),
            OpenApiParameter(
                "phone", str, required=True, description="The applicant's mobile"
            ),
        ],
        responses={200: LookupSerializer},
        examples=[
            OpenApiExample(
                "Found",
                value={
                    "code": "000.00.01.H49-261130-0007",
                    "state": "received",
                    "state_label": "Đã tiếp nhận",
                    "appointment_at": "2026-12-14T17:00:00+07:00",
                    "agency": "Trung tâm Phục vụ hành chính công tỉnh",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        code = (request.query_params.get("code") or "").strip()
        phone = (request.query_params.get("phone") or "").strip()
        errors = {}
        if not code:
            errors["code"] = [_("Enter the dossier code.")]
        if not phone:
            errors["phone"] = [_("Enter the mobile number given with the dossier.")]
        if errors:
            raise exceptions.ValidationError(errors)
        dossier = dossier_lookup(code=code, phone=phone)
        if dossier is None:
            raise exceptions.NotFound(
                _("No dossier matches this code and phone number.")
            )
        data = {
            "code": dossier.code,
            "state": dossier.state,
            "state_label": str(dossier.get_state_display()),
            "appointment_at": dossier.appointment_at,
            "agency": dossier.current_agency.name,
        }
        return Response(LookupSerializer(data).data)


urlpatterns = [
    path("dossiers/", DossierListCreateView.as_view(), name="api-dossiers"),
    path("dossiers/<str:reference>/", DossierDetailView.as_view(), name="api-dossier"),
    path(
        "dossiers/<str:reference>/documents/",
        DossierDocumentsView.as_view(),
        name="api-dossier-documents",
    ),
    path(
        "dossiers/<str:reference>/documents/<int:attachment_id>/",
        DossierDocumentDownloadView.as_view(),
        name="api-dossier-document",
    ),
    path(
        "dossiers/<str:reference>/transitions/<str:name>/",
        DossierTransitionView.as_view(),
        name="api-dossier-transition",
    ),
    path("lookup/", DossierLookupView.as_view(), name="api-lookup"),
]
