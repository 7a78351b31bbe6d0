"""Transactions that survive the database's own conflict resolution.

PostgreSQL aborts one of two transactions that wait for each other (deadlock, SQLSTATE
40P01) or that cannot be serialised (40001). Either is a race the loser may simply run again:
``run_atomic`` retries the whole transaction a bounded number of times, and if it keeps
losing, answers ``INVALID_LIFE_CYCLE_STATE`` (409), the contract's code for a lost race,
never a 500. Retrying is only possible for the outermost transaction: inside another one the
work runs once and the outer transaction's owner retries.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction

from crm.exceptions import InvalidLifeCycleState

logger = logging.getLogger(__name__)

T = TypeVar("T")
# deadlock_detected, serialization_failure
CONFLICTS = frozenset({"40P01", "40001"})
ATTEMPTS = 4


def is_conflict(error: BaseException) -> bool:
    """Whether the database aborted the transaction to resolve a conflict with another."""
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) in CONFLICTS


def run_atomic(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """``work()`` in a transaction; retried when the database aborts it for a conflict."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if not is_conflict(error):
                raise
            logger.warning("lost a race (attempt %s of %s): %s", attempt, attempts, error)
            # A short random pause, so the two losers do not meet again at once.
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise InvalidLifeCycleState(
        "Another change to the same records was made at the same moment; try again.",
        detail=f"the database aborted this change {attempts} times to resolve a conflict",
    )


def atomic_retry(function: Callable[..., T]) -> Callable[..., T]:
    """Decorator for services: ``@transaction.atomic`` plus ``run_atomic``'s retry."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs) -> T:
        return run_atomic(lambda: function(*args, **kwargs))

    return wrapper
