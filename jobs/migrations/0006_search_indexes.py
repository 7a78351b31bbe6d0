"""Search (contract section 13, jobs.search): a subscription's jobs newest first, and the
contact e-mail and phone as typed or by their beginning.

The e-mail and phone indexes are PostgreSQL only and not in the model's state (see
customers.0002_search_indexes); their expressions are ``UPPER(column)`` with
``text_pattern_ops``, which answers Django's ``iexact`` and ``istartswith`` (see
servicerequests.0007_search_indexes for why not trigrams), followed by ANALYZE for the
expressions' statistics.
"""

from django.db import migrations, models

TABLE = "jobs_job"
INDEXES = {
    "job_contact_email_idx": "upper(contact_email::text) text_pattern_ops",
    "job_contact_phone_idx": "upper(contact_phone::text) text_pattern_ops",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING btree ({columns})"
            )
        schema_editor.execute(f"ANALYZE {TABLE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_search_indexes"),
        ("jobs", "0005_type_help_and_names"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="job",
            index=models.Index(
                fields=["subscription", "-created_date"], name="job_subscription_idx"
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
