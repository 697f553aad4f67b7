"""The choices of the public catalogue's field and agency filters, cached.

Which fields and agencies have a published procedure changes when an administrator
edits the catalogue, a few times a day at most, but the catalogue page needs the
lists on every request. They are kept in the shared Django cache (Redis) under a
version token: saving or deleting a field, an agency or a procedure replaces the
token once the transaction commits (signals connected in `ProceduresConfig.ready`),
so every web process reads the new lists on its next request. Bulk writes that send
no signals (`bulk_create`, `QuerySet.update`, raw SQL) must call
`bump_catalogue_choices_version()` themselves; `CHOICES_TIMEOUT` bounds how long
anything missed could stay visible.

The lists are read from the primary database, never the replica: a replica that lags
behind the commit that bumped the token would otherwise store the old lists under
the new token until the next change.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef
from redis.exceptions import RedisError

from accounts.models import Agency
from procedures.models import Field, Procedure

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "procedures:catalogue-choices-version"
CHOICES_CACHE_KEY = "procedures:catalogue-choices:{database}:{version}"
CHOICES_TIMEOUT = 15 * 60  # seconds; a backstop, invalidation is by version token


@dataclass(frozen=True)
class CatalogueChoices:
    """(code, name) of the fields and agencies with a published procedure, by name."""

    fields: tuple[tuple[str, str], ...]
    agencies: tuple[tuple[str, str], ...]


def _load() -> CatalogueChoices:
    # EXISTS semi-joins: one index probe per field or agency, not a DISTINCT over
    # every published procedure.
    published = Procedure.objects.using(DEFAULT_DB_ALIAS).published()
    fields = (
        Field.objects.using(DEFAULT_DB_ALIAS)
        .filter(Exists(published.filter(field=OuterRef("pk"))))
        .order_by("name", "code")
        .values_list("code", "name")
    )
    agencies = (
        Agency.objects.using(DEFAULT_DB_ALIAS)
        .filter(Exists(published.filter(competent_agency=OuterRef("pk"))))
        .order_by("name", "code")
        .values_list("code", "name")
    )
    return CatalogueChoices(fields=tuple(fields), agencies=tuple(agencies))


def _current_version() -> str:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_CACHE_KEY)
    return str(version)


def catalogue_choices() -> CatalogueChoices:
    """The filter choices; two queries on the primary when the version is new, none
    otherwise. Without the cache they are read from the database every time."""
    try:
        # The token is read before the database: lists read after a concurrent
        # change are stored under the old token, which nobody asks for any more.
        key = CHOICES_CACHE_KEY.format(
            database=settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"],
            version=_current_version(),
        )
        choices = cache.get(key)
    except (RedisError, OSError):
        logger.warning("Cache unreachable; reading the catalogue filters afresh.")
        return _load()
    if isinstance(choices, CatalogueChoices):
        return choices
    choices = _load()
    try:
        cache.set(key, choices, timeout=CHOICES_TIMEOUT)
    except (RedisError, OSError):
        logger.warning("Cache unreachable; catalogue filters not stored.")
    return choices


def bump_catalogue_choices_version() -> None:
    """Invalidate the cached filter choices of every process, now."""
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except (RedisError, OSError):
        logger.warning(
            "Cache unreachable; catalogue filters may stay stale for up to %d s.",
            CHOICES_TIMEOUT,
        )


def invalidate_on_commit(**kwargs: Any) -> None:
    """Signal receiver: bump the version once the write is committed (at once
    outside a transaction). `using` is the database the write went to."""
    transaction.on_commit(
        bump_catalogue_choices_version, using=kwargs.get("using") or DEFAULT_DB_ALIAS
    )
