"""The queue counts of the staff pages' sidebar, which must agree with the rows the queues list.

Counting every queue on every page costs a capped ``COUNT`` per queue (14 today), so the counts
are cached per user for ``COUNT_SECONDS``. A cache alone made the sidebar disagree with the
table for those seconds after every action ("Take it", and My queue still said 0). Two things
make them agree:

- Every write of a request or a job bumps one version, after its transaction commits
  (``changed()``, called where every service write records its event row, crm.audit), and the
  cached counts live under that version. The version is global, not per user: a write moves
  rows between other people's queues too (someone's take empties everyone's Unassigned), and
  knowing whose counts a write changed would cost more than counting again. With writes
  often, the cache hits less, never more than the 15 seconds-old truth.
- The queue on the screen is counted live (``current``): its rows also change with time
  (Overdue, At risk) and with writes of other processes while Redis is down, which no version
  bump reaches.

Redis may be down: the cache fails open (crm.cache), the version then reads as missing and
every page counts afresh, which is slower, never wrong.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

from crm.registry import QUEUE_SECTIONS

COUNT_CAP = 100  # counts stop at 99+: counting a whole queue of a million rows is not free
COUNT_SECONDS = 15
VERSION_KEY = "nav-counts-version"


def changed() -> None:
    """A request or a job was written: once the transaction commits, cached counts are old.
    After commit, so that a page counting meanwhile cannot cache what is being undone."""
    transaction.on_commit(_bump)


def _bump() -> None:
    # A new random value, not incr: nothing to initialise, and any change invalidates.
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def version() -> str:
    """Changes after every committed write: a cache key with it in is never older than that."""
    return cache.get(VERSION_KEY) or "0"


def _key(user) -> str:
    return f"nav-counts:{version()}:{user.pk}"


def counts(user, current=None) -> dict:
    """Each queue's rows for ``user`` by ``"<url name>:<slug>"``, up to ``COUNT_CAP``; the
    queue ``current`` (the one the page lists) counted now."""
    key = _key(user)
    found = cache.get(key)
    if found is None:  # every queue counted now, ``current`` with them
        found = {
            _name(section, queue): section.count(user, queue, COUNT_CAP)
            for section in QUEUE_SECTIONS
            if user.has_perm(section.permission)
            for queue in section.queues.values()
        }
        cache.set(key, found, COUNT_SECONDS)
        return found
    return {**found, **_live(user, current)}


def _name(section, queue) -> str:
    return f"{section.url_name}:{queue.slug}"


def _section_of(queue):
    if queue is None:
        return None
    return next((s for s in QUEUE_SECTIONS if any(q is queue for q in s.queues.values())), None)


def name_of(queue) -> str:
    """``"<url name>:<slug>"`` of a registered queue, "" for None or an unknown one."""
    section = _section_of(queue)
    return _name(section, queue) if section else ""


def _live(user, current) -> dict:
    """``current`` counted now, if it is one of the user's queues."""
    section = _section_of(current)
    if section is None or not user.has_perm(section.permission):
        return {}
    return {_name(section, current): section.count(user, current, COUNT_CAP)}
