"""Index for the staff console's newest-first list of all dossiers.

Built CONCURRENTLY: on a production table of millions of dossiers a plain CREATE
INDEX would block every submission and transition while it runs.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0004_consent_access_log_and_retention"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="dossier",
            index=models.Index(fields=["created_at", "id"], name="dossier_created_id"),
        ),
    ]
