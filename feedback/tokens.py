"""Short random tokens for links sent by SMS; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

# 12 URL-safe characters carry 72 bits: far beyond guessing, short in an SMS.
TOKEN_BYTES = 9
MAX_TOKEN_LENGTH = 64


def new_token() -> tuple[str, str]:
    """(token to send, hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
