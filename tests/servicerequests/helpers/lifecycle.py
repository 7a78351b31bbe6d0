"""The life cycle actions in tests: a valid body for each action, the transitions the table
allows, and calling an action, refusing one (nothing changes) and reading the state reached."""

from __future__ import annotations

from tests.servicerequests.helpers.api import (
    OWNER,
    S,
    assert_error,
    call,
    final_obj,
    response_obj,
    temporary_obj,
)
from tests.servicerequests.helpers.rows import snapshot

# A valid body for each action: refusals below come from the state, not the parameters.
ACTIONS = {
    "respond": {"status_identifier": {"name": "Responded"}, "response": response_obj()},
    "temporary_resolve": {"temporary_resolution": temporary_obj()},
    "final_resolve": {
        "status_identifier": {"name": "Final Resolved"},
        "final_resolution": final_obj(),
    },
    "complete": {"status_identifier": {"name": "Completed"}},
    "cancel": {},
    "response_accept": {"accepted_by_identifier": OWNER},
    "temporary_resolution_accept": {"accepted_by_identifier": OWNER},
    "final_resolution_accept": {},
}
# (state, action) -> the state after it; acceptances leave the state as it is.
ALLOWED = {
    (S.PENDING, "respond"): S.RESPONDED,
    (S.PENDING, "cancel"): S.CANCELLED,
    (S.RESPONDED, "temporary_resolve"): S.TEMPORARY_RESOLVED,
    (S.RESPONDED, "final_resolve"): S.FINAL_RESOLVED,
    (S.RESPONDED, "response_accept"): S.RESPONDED,
    (S.TEMPORARY_RESOLVED, "final_resolve"): S.FINAL_RESOLVED,
    (S.TEMPORARY_RESOLVED, "temporary_resolution_accept"): S.TEMPORARY_RESOLVED,
    (S.FINAL_RESOLVED, "complete"): S.COMPLETED,
    (S.FINAL_RESOLVED, "final_resolution_accept"): S.FINAL_RESOLVED,
}


def act(api, action: str, number: str, /, **body):
    return call(api, action, number, **{**ACTIONS[action], **body})


def assert_refused(api, action: str, number: str, status: int, code: str, param, /, **body):
    before = snapshot(number)
    assert_error(call(api, action, number, **body), status, code, param)
    assert snapshot(number) == before


def state_of(response) -> tuple[str, str]:
    assert response.status_code == 200, response.body
    return response.data["life_cycle_state"], response.data["status"]["name"]


def state_of_data(data: dict) -> tuple[str, str]:
    return data["life_cycle_state"], data["status"]["name"]
