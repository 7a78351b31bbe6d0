"""An optional read replica (``DATABASE_REPLICA_URL``, README "Scaling out").

The heavy reads that may trail the primary by the replication lag read from the database
alias ``replica``: the reports (``reports/*`` Web API methods), the dashboard, search (the
Web API's searches and the header search) and the CSV exports. Everything else, every write
and every read of lists and ``show``, stays on the primary: a client that just created a
request must find it in its list.

The routing is explicit, at those entry points, not guessed from the model: they run inside
``reading_from_replica()``, which sets a context variable the router reads; an export,
whose rows stream after the view returned, pins its queryset with ``.using(read_alias())``
instead. With no replica configured, ``read_alias()`` is ``default`` and nothing changes.
A read inside a transaction of the primary stays there too, so that it sees that
transaction's own writes (and the test suite's transactions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading = ContextVar("crm_reading_from_replica", default=False)


def replica_configured() -> bool:
    """Whether the alias ``replica`` exists (settings, from ``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


def read_alias() -> str:
    """Where a replica-tolerant read goes now: the replica when there is one and the
    primary holds no open transaction of this thread (its writes are not on the replica)."""
    if replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Within the block, reads the router places go to ``read_alias()``; yields it."""
    token = _reading.set(True)
    try:
        yield read_alias()
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside ``reading_from_replica()`` go to the replica (when
    configured); writes always go to the primary, and only the primary is migrated."""

    def db_for_read(self, model, **hints):
        return read_alias() if _reading.get() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from one may point at the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
