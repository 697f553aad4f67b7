from __future__ import annotations

import importlib

from notifications.models import SmsTemplate

SEED = importlib.import_module("notifications.migrations.0002_seed_templates")
FEEDBACK_SEED = importlib.import_module(
    "notifications.migrations.0003_feedback_answered_event"
)


def seed_templates() -> None:
    """Put the migrations' templates back (the nine dossier events and the answer
    to a citizen's feedback).

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
    SmsTemplate.objects.get_or_create(
        event="feedback_answered", defaults={"body": FEEDBACK_SEED.BODY}
    )
