"""Per-number rate limit for SMS, shared by every worker through Redis."""

from __future__ import annotations

import logging
import time

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=2)
    return _clients[url]


def seconds_until_allowed(phone: str, *, now: float | None = None) -> float:
    """Count one message to `phone`; 0 when it may go now, else seconds to wait.

    A fixed one-minute window: at most SMS_RATE_LIMIT_PER_MINUTE messages per number.
    If Redis is unreachable the limit is not enforced (a courtesy limit must not stop
    notices); the error is logged.
    """
    limit = settings.SMS_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return 0.0
    current = time.time() if now is None else now
    window = int(current // 60)
    key = f"sms:rate:{phone}:{window}"
    try:
        pipe = _client().pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count = int(pipe.execute()[0])
    except redis.RedisError:
        logger.warning("SMS rate limit not checked: Redis unavailable", exc_info=True)
        return 0.0
    if count <= limit:
        return 0.0
    return (window + 1) * 60 - current
