"""Make the audit trail append-only in the database itself: any UPDATE or DELETE of a
dossier event raises, whoever the client is (the app, psql, a script).

TRUNCATE (used by test teardown and by a deliberate purge) is a separate privilege
and is not affected.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION dossiers_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossiers_dossierevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER dossiers_event_append_only
    BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS dossiers_event_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS dossiers_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
