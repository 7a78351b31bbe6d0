"""Helpers shared by the service request tests (the Web API, pages, query count and service
level tests): calling the API, rows straight in the database, writes and the life cycle.

Import them from here: ``from tests.servicerequests.helpers import make_sr``.
"""

from __future__ import annotations

from tests.servicerequests.helpers.api import (
    ACCOUNT,
    ADMIN,
    ALL_FIELDS,
    OWNER,
    RELATIVE,
    SR,
    STRANGER,
    WHEN,
    S,
    assert_error,
    call,
    create,
    create_body,
    final_obj,
    numbers,
    response_obj,
    show,
    temporary_obj,
)
from tests.servicerequests.helpers.lifecycle import (
    ACTIONS,
    ALLOWED,
    act,
    assert_refused,
    state_of,
    state_of_data,
)
from tests.servicerequests.helpers.rows import (
    FORWARD,
    STATUS_OF,
    STEP_MODELS,
    events,
    make_job,
    make_sr,
    snapshot,
    totals,
)
from tests.servicerequests.helpers.writes import (
    D1,
    MD,
    START,
    assert_create_refused,
    assert_update_refused,
    post_create,
    update,
)

__all__ = [
    "ACCOUNT",
    "ACTIONS",
    "ADMIN",
    "ALLOWED",
    "ALL_FIELDS",
    "D1",
    "FORWARD",
    "MD",
    "OWNER",
    "RELATIVE",
    "SR",
    "START",
    "STATUS_OF",
    "STEP_MODELS",
    "STRANGER",
    "WHEN",
    "S",
    "act",
    "assert_create_refused",
    "assert_error",
    "assert_refused",
    "assert_update_refused",
    "call",
    "create",
    "create_body",
    "events",
    "final_obj",
    "make_job",
    "make_sr",
    "numbers",
    "post_create",
    "response_obj",
    "show",
    "snapshot",
    "state_of",
    "state_of_data",
    "temporary_obj",
    "totals",
    "update",
]
