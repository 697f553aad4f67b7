from django.conf import settings

from portal.celery import app


def test_every_periodic_job_is_scheduled_and_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {"dossiers-mark-deadlines", "sms-outbox-sweep"} <= set(schedule)
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a task"
