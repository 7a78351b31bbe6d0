"""Search (contract section 13, servicerequests.search): the caller's e-mail and phone as
typed or by their beginning, and a full-text index on the description.

PostgreSQL only, and not in the model's state (see customers.0002_search_indexes). The
expressions are exactly what the search's queries compare: ``UPPER(column)`` for Django's
``iexact`` / ``istartswith`` (a B-tree with ``text_pattern_ops`` answers both ``=`` and
``LIKE 'prefix%'``; a trigram index answered them too, but on a million e-mails that share
"example.com" its posting lists took 200 ms), and ``to_tsvector('simple',
COALESCE(description, ''))`` for its ``search`` lookup with the ``simple`` configuration.
ANALYZE then gives the planner the expressions' statistics: without them it guessed that an
e-mail matches 1% of the rows and walked the whole table newest first (10 s).
"""

from django.db import migrations

TABLE = "servicerequests_servicerequest"
INDEXES = {
    "sr_caller_email_idx": "btree (upper(caller_email::text) text_pattern_ops)",
    "sr_caller_phone_idx": "btree (upper(caller_phone::text) text_pattern_ops)",
    "sr_description_fts_idx": (
        "gin (to_tsvector('simple'::regconfig, COALESCE(description, ''::text)))"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING {columns}")
        schema_editor.execute(f"ANALYZE {TABLE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_search_indexes"),
        ("servicerequests", "0006_paused_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
