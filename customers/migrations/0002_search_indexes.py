"""Search (contract section 13): PostgreSQL's trigram extension, and trigram indexes on the
names and numbers a search looks in (servicerequests.search, jobs.search).

The indexes are on ``UPPER(column)``, which is what Django's ``iexact`` and ``icontains``
compare on PostgreSQL. They exist only on PostgreSQL and are not in the models' state, so
SQLite (which searches without them) never meets a GIN index when it rebuilds a table.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "contact_name_trgm_idx": (
        "customers_contact",
        "upper(first_name::text) gin_trgm_ops, upper(last_name::text) gin_trgm_ops, "
        "upper(company_name::text) gin_trgm_ops",
    ),
    "account_search_trgm_idx": (
        "customers_accountsreceivable",
        "upper(number::text) gin_trgm_ops, upper(name::text) gin_trgm_ops",
    ),
    "subscription_number_trgm_idx": (
        "customers_subscription",
        "upper(number::text) gin_trgm_ops",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, columns) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({columns})"
            )
            # The expressions' statistics: without them the planner guesses (see
            # servicerequests.0007_search_indexes).
            schema_editor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
