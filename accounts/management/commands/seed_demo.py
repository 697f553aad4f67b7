"""Load the demo province: agencies, staff, a citizen; later steps add more.

Refuses to run when DEBUG is off (production), unless --allow-production is given
for a staging copy.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_PASSWORD

# Each step is "module.function"; a step returns (login, description) pairs to print.
DEMO_STEPS: tuple[str, ...] = (
    "accounts.demo.seed",
    "procedures.demo.seed",
    "dossiers.demo.seed",
    "feedback.demo.seed",
    "dashboard.demo.seed",  # last: recounts what the steps above wrote
)


def _load(dotted: str) -> Callable[[], Any]:
    module_name, function_name = dotted.rsplit(".", 1)
    function: Callable[[], Any] = getattr(import_module(module_name), function_name)
    return function


class Command(BaseCommand):
    help = "Load the Quảng Ninh demo: agencies, staff for every role and a citizen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off (a staging copy, never real data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo refuses to run in production (DJANGO_DEBUG is off)."
            )
        logins: list[tuple[str, str]] = []
        for step in DEMO_STEPS:
            result = _load(step)()
            if result:
                logins.extend(result)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        for login, description in logins:
            self.stdout.write(f"  {login:<40} {description}")
        if getattr(settings, "STAFF_MFA_REQUIRED", False):
            self.stdout.write(
                "Staff accounts must set up an authenticator app at first login "
                "(STAFF_MFA_REQUIRED is on). To try the staff pages without one, set "
                "STAFF_MFA_REQUIRED=false in .env (local development only) and restart."
            )
