"""PostgreSQL sequences behind SR00000001 / JOB000001 numbers (see crm.numbering)."""

from django.db import migrations

COUNTERS = ["service_request", "job"]


def create_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for counter in COUNTERS:
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS crm_number_{counter}_seq")


def drop_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for counter in COUNTERS:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS crm_number_{counter}_seq")


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(create_sequences, drop_sequences)]
