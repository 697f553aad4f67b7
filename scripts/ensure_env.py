"""Write a local .env on first run (random secret key, debug on) so a newcomer
configures nothing. An existing .env is left untouched."""

from __future__ import annotations

import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    target = ROOT / ".env"
    if target.exists():
        return
    target.write_text(
        "# Written by `make run` for local development. Never use in production.\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        "DJANGO_DEBUG=true\n"
        "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1\n"
        "SMS_BACKEND=notifications.gateways.ConsoleGateway\n"
        "# Demo staff log in without an authenticator app; production keeps it on.\n"
        "STAFF_MFA_REQUIRED=false\n",
        encoding="utf-8",
    )
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
