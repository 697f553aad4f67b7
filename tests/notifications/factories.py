from __future__ import annotations

import importlib

from notifications.models import SmsTemplate

SEED = importlib.import_module("notifications.migrations.0002_seed_templates")


def seed_templates() -> None:
    """Put the migration's nine templates back.

    Transactional tests (the integration suite) empty every table, data migrations
    included, so tests that need the seeded wording restore it themselves.
    """
    for event, (body, counter, online, post) in SEED.TEMPLATES.items():
        SmsTemplate.objects.update_or_create(
            event=event,
            defaults={
                "body": body,
                "counter": counter,
                "online": online,
                "post": post,
                "accented": False,
            },
        )
