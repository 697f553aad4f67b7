"""Celery application: Redis broker, tasks discovered in every app.

Tasks use Celery's DjangoTask base, so services can call `task.delay_on_commit(...)`:
nothing is enqueued until the surrounding transaction commits.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import portal.celery_signals  # noqa: E402, F401  (request ids into tasks)
