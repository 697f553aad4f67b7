"""A Django process with a `default` (primary) and a `replica` alias, driven by the
replica routing test over stdin/stdout: one JSON command per line in, one JSON answer
per line out. Run as `python -m tests.portal.replica_child` with DATABASE_URL and
DATABASE_REPLICA_URL in the environment.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Agency  # noqa: E402
from portal.db_router import replica_health, use_replica  # noqa: E402


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


@use_replica()
def _find(code: str) -> dict[str, Any]:
    """A read through the decorator: where it went and what it saw."""
    queryset = Agency.objects.filter(code=code)
    alias = queryset.db
    return {"alias": alias, "found": queryset.exists(), "recovery": _in_recovery(alias)}


def _create(code: str, *, inside: bool) -> dict[str, Any]:
    if inside:
        with use_replica():
            agency = Agency.objects.create(code=code, name=code, kind="department")
    else:
        agency = Agency.objects.create(code=code, name=code, kind="department")
    return {"alias": agency._state.db, "recovery": _in_recovery(agency._state.db)}


def _page(path: str) -> dict[str, Any]:
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="vi")
    return {"status": response.status_code}


def _metrics() -> dict[str, Any]:
    response = Client().get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {os.environ['METRICS_TOKEN']}"
    )
    lines = response.content.decode().splitlines()
    return {
        "status": response.status_code,
        "replica": [line for line in lines if line.startswith("portal_db_replica")],
    }


def handle(command: dict[str, Any]) -> dict[str, Any]:
    name = command["do"]
    if name == "find":
        return _find(command["code"])
    if name == "create":
        return _create(command["code"], inside=command.get("inside", False))
    if name == "page":
        return _page(command["path"])
    if name == "metrics":
        return _metrics()
    if name == "health":
        health = replica_health(refresh=command.get("refresh", False))
        return {"usable": health.usable, "lag": health.lag, "reason": health.reason}
    raise ValueError(name)


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)  # noqa: T201 - the protocol
    for line in sys.stdin:
        try:
            answer = {"ok": True, **handle(json.loads(line))}
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails
            answer = {
                "ok": False,
                "error": repr(error),
                "trace": traceback.format_exc(),
            }
        print(json.dumps(answer), flush=True)  # noqa: T201 - the protocol


if __name__ == "__main__":
    main()
