"""Retention: personal data of finished dossiers is anonymised once the procedure's
retention period (Procedure.retention_years, default DATA_RETENTION_YEARS) has passed
since the dossier ended (returned, refused, withdrawn or stopped).

What stays, for statistics and the control sheet: the dossier's code, procedure,
agencies, states, dates and counters; its events (append-only, protected by a trigger;
they name staff actors, never the applicant's fields, and since this module exists
document events carry the required document's name rather than the uploaded file's
name); attachment rows reduced to type and size. What goes: the applicant's and
submitter's name, numbers and addresses, the owner link, the free-text summary, the
uploaded files, and the phone and body of every SMS sent about the dossier.

Idempotent: anonymised dossiers carry `anonymised_at` and are skipped; files still on
disk for anonymised dossiers (a crash between commit and deletion) are deleted on the
next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.documents import private_storage
from dossiers.models import Attachment, Dossier, DossierState
from notifications.models import SmsMessage
from procedures.models import Procedure

logger = logging.getLogger(__name__)

ANONYMISED_NAME = "[anonymised]"
ENDED_STATES = (
    DossierState.RETURNED,
    DossierState.REFUSED,
    DossierState.WITHDRAWN,
    DossierState.STOPPED,
)
_BATCH = 500


@dataclass
class PurgeCounts:
    dossiers: int = 0
    files: int = 0
    sms: int = 0


def _years_ago(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def dossiers_expired(*, now: dt.datetime) -> QuerySet[Dossier]:
    """Ended dossiers past their procedure's retention period, not yet anonymised."""
    default_years: int = settings.DATA_RETENTION_YEARS
    years_in_use: set[int] = {
        years
        for years in Procedure.objects.exclude(retention_years=None).values_list(
            "retention_years", flat=True
        )
        if years is not None
    }
    condition = Q(
        procedure__retention_years=None, ended__lt=_years_ago(now, default_years)
    )
    for years in years_in_use:
        condition |= Q(
            procedure__retention_years=years, ended__lt=_years_ago(now, years)
        )
    expired: QuerySet[Dossier] = (
        Dossier.objects.filter(state__in=ENDED_STATES, anonymised_at=None)
        .annotate(ended=Coalesce("returned_at", "finished_at"))
        .filter(ended__isnull=False)
        .filter(condition)
    )
    return expired


def _anonymise(ids: list[int], *, now: dt.datetime) -> int:
    with transaction.atomic():
        Dossier.objects.filter(pk__in=ids).update(
            owner=None,
            applicant_name=ANONYMISED_NAME,
            applicant_phone="",
            applicant_national_id="",
            applicant_email="",
            applicant_address="",
            submitter_name="",
            submitter_phone="",
            submitter_national_id="",
            summary="",
            anonymised_at=now,
        )
        Attachment.objects.filter(dossier_id__in=ids).update(original_name="document")
        return SmsMessage.objects.filter(dossier_id__in=ids).update(phone="", body="")


def _delete_files(*, dry_run: bool) -> int:
    storage = private_storage()
    deleted = 0
    attachments = Attachment.objects.filter(dossier__anonymised_at__isnull=False)
    for storage_name in attachments.values_list("storage_name", flat=True).iterator():
        if storage.exists(storage_name):
            if not dry_run:
                storage.delete(storage_name)
            deleted += 1
    return deleted


def personal_data_purge_expired(
    *, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeCounts:
    """Anonymise expired dossiers and delete their files; counts what was (or, with
    dry_run, would be) changed."""
    now = now or timezone.now()
    counts = PurgeCounts()
    expired_ids = list(dossiers_expired(now=now).values_list("pk", flat=True))
    counts.dossiers = len(expired_ids)
    if dry_run:
        counts.sms = SmsMessage.objects.filter(dossier_id__in=expired_ids).count()
        storage = private_storage()
        counts.files = sum(
            1
            for name in Attachment.objects.filter(
                Q(dossier_id__in=expired_ids) | Q(dossier__anonymised_at__isnull=False)
            ).values_list("storage_name", flat=True)
            if storage.exists(name)
        )
        return counts
    for start in range(0, len(expired_ids), _BATCH):
        counts.sms += _anonymise(expired_ids[start : start + _BATCH], now=now)
    counts.files = _delete_files(dry_run=False)
    logger.info(
        "retention purge: %s dossiers anonymised, %s files deleted, %s SMS anonymised",
        counts.dossiers,
        counts.files,
        counts.sms,
    )
    return counts
