"""Read replica routing: opt-in, by context, with a fallback to the primary.

Only reads that are wrapped in :func:`use_replica` may go to the ``replica`` database
alias (configured by ``DATABASE_REPLICA_URL``); every other query - and every write,
inside or outside the block - goes to ``default``, the primary. Routing follows an
explicit context rather than the model because the same tables (dossiers, ratings)
are read both by a clerk who must see what she just saved and by a dashboard that
may be a few seconds behind.

Use it around reads that tolerate a little staleness: the dashboards and the public
statistics pages::

    from portal.db_router import use_replica

    @use_replica()                    # a whole read-only view or selector
    def dashboard_view(request): ...

    with use_replica():               # or a block; evaluate querysets inside it
        rows = list(selectors.satisfaction_results(...))

Querysets are lazy: one created inside the block but evaluated after it (in a
template rendered by the caller) runs on the primary. Wrap the function that renders,
or evaluate the queryset inside the block.

The replica is used only while it is healthy. A probe on the replica - at most once
every ``DATABASE_REPLICA_CHECK_SECONDS`` per process - measures its lag as
``now() - pg_last_xact_replay_timestamp()``; a standby that has replayed everything it
received counts as zero lag (an idle primary writes no transactions, so the last
replay timestamp ages without the replica being behind, and right after a start no
transaction has been replayed at all). A replica that refuses the connection, times
out (``DATABASE_REPLICA_CONNECT_TIMEOUT``) or lags more than
``DATABASE_REPLICA_MAX_LAG_SECONDS`` is skipped: reads go to the primary and nothing
fails. When the replica dies between two probes, the decorated function is run again
once on the primary (use the decorator form around functions that only read; a
``with`` block cannot be replayed, so there the error is raised and the next probe
marks the replica down).

Inside a transaction on the primary (``transaction.atomic``) reads stay on the primary,
so code never misses its own uncommitted writes; sessions, tokens, users and roles are
always read on the primary (``PRIMARY_ONLY_APPS`` / ``PRIMARY_ONLY_MODELS``).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA_DB_ALIAS = "replica"

# Who is asking and what they may do is always read fresh, even inside use_replica():
# a session created a moment ago on the primary must not look logged out, a role just
# revoked must not still open a page.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "contenttypes", "admin", "authtoken", "account", "mfa"}
)
PRIMARY_ONLY_MODELS = frozenset({"accounts.User", "accounts.Membership"})

P = ParamSpec("P")
R = TypeVar("R")

_wanted: ContextVar[bool] = ContextVar("portal_use_replica", default=False)
# Set by the router when a read inside the current block went to the replica.
_used: ContextVar[list[bool] | None] = ContextVar("portal_replica_used", default=None)

# The replica's lag in seconds: 0 when it has replayed all it received; None when it
# cannot tell (WAL received but no transaction replayed since start).
_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT NULL
         AND pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass
class _Health:
    usable: bool = False
    checked_at: float = float("-inf")
    lag: float | None = None
    reason: str = "not checked"


_health = _Health()
_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


def _probe() -> _Health:
    """Ask the replica for its lag; any database error counts as 'down'."""
    max_lag = float(getattr(settings, "DATABASE_REPLICA_MAX_LAG_SECONDS", 30))
    connection = connections[REPLICA_DB_ALIAS]
    now = time.monotonic()
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute(_LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError as error:
        _close_quietly()
        return _Health(False, now, None, f"unreachable: {error}".strip()[:200])
    lag = None if row is None or row[0] is None else float(row[0])
    if lag is None:
        return _Health(False, now, None, "no transaction replayed yet")
    if lag > max_lag:
        return _Health(False, now, lag, f"lagging {lag:.1f} s (> {max_lag:g} s)")
    return _Health(True, now, lag, "ok")


def _close_quietly() -> None:
    try:
        connections[REPLICA_DB_ALIAS].close()
    except DatabaseError:
        logger.debug("closing the broken replica connection failed", exc_info=True)


def replica_health(*, refresh: bool = False) -> _Health:
    """The replica's cached health, probed again when older than the check interval."""
    interval = float(getattr(settings, "DATABASE_REPLICA_CHECK_SECONDS", 5))
    with _lock:
        current = _health
        if refresh or time.monotonic() - current.checked_at >= interval:
            was_usable = current.usable
            fresh = _probe()
            current.usable, current.checked_at = fresh.usable, fresh.checked_at
            current.lag, current.reason = fresh.lag, fresh.reason
            if was_usable != fresh.usable:
                logger.warning(
                    "read replica %s: %s",
                    "back in use" if fresh.usable else "skipped",
                    fresh.reason,
                )
        return _Health(current.usable, current.checked_at, current.lag, current.reason)


def mark_replica_down(reason: str) -> None:
    """Stop using the replica until the next probe (after the check interval)."""
    with _lock:
        _health.usable, _health.checked_at, _health.reason = (
            False,
            time.monotonic(),
            reason,
        )
    _close_quietly()
    logger.warning("read replica skipped: %s", reason)


def reset_replica_health() -> None:
    """Forget the cached probe (tests, or after reconfiguring)."""
    with _lock:
        _health.usable, _health.checked_at = False, float("-inf")
        _health.lag, _health.reason = None, "not checked"


class _UseReplica:
    """Context manager and decorator; see the module docstring."""

    def __enter__(self) -> None:
        self._tokens = (_wanted.set(True), _used.set([]))

    def __exit__(self, *exc_info: object) -> None:
        wanted, used = self._tokens
        _used.reset(used)
        _wanted.reset(wanted)

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with _routing(True) as used:
                try:
                    return function(*args, **kwargs)
                except DatabaseError as error:
                    if not used:
                        raise
                    mark_replica_down(f"query failed: {error}".strip()[:200])
            with _routing(False):
                return function(*args, **kwargs)

        return wrapper


@contextmanager
def _routing(wanted: bool) -> Iterator[list[bool]]:
    used: list[bool] = []
    tokens = (_wanted.set(wanted), _used.set(used))
    try:
        yield used
    finally:
        _used.reset(tokens[1])
        _wanted.reset(tokens[0])


def use_replica() -> _UseReplica:
    """Let reads inside this block or function go to the replica when it is healthy."""
    return _UseReplica()


def replica_wanted() -> bool:
    return _wanted.get()


class ReplicaRouter:
    """Reads in a `use_replica()` context → replica (if healthy); all else → primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _wanted.get() or not replica_configured():
            return None
        if (
            model._meta.app_label in PRIMARY_ONLY_APPS
            or model._meta.label in PRIMARY_ONLY_MODELS
        ):
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if not replica_health().usable:
            return None
        used = _used.get()
        if used is not None:
            used.append(True)
        return REPLICA_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary through WAL; never migrate it directly.
        return db != REPLICA_DB_ALIAS
