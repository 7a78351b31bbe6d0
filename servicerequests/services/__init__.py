"""Every write to a service request. Each is atomic, locks the row, checks the life cycle
table, writes an event row with what changed field by field, and returns the request; a
refused write changes nothing.

``create`` and ``update`` raise and change a request; ``actions`` holds one service per
life cycle action (``ACTIONS`` by name); ``transitions`` the guards and the walk along the
table; ``sets``, ``fields`` and ``common`` what those share. Callers import from here.
"""

from servicerequests.services.actions import (
    ACTIONS,
    service_request_cancel,
    service_request_complete,
    service_request_final_resolution_accept,
    service_request_final_resolve,
    service_request_respond,
    service_request_response_accept,
    service_request_temporary_resolution_accept,
    service_request_temporary_resolve,
)
from servicerequests.services.create import service_request_create
from servicerequests.services.inputs import SetChanges, Step
from servicerequests.services.reopen import reopen_blocker, service_request_reopen
from servicerequests.services.transitions import action_blocker
from servicerequests.services.update import service_request_update

__all__ = [
    "ACTIONS",
    "SetChanges",
    "Step",
    "action_blocker",
    "reopen_blocker",
    "service_request_cancel",
    "service_request_complete",
    "service_request_create",
    "service_request_final_resolution_accept",
    "service_request_final_resolve",
    "service_request_reopen",
    "service_request_respond",
    "service_request_response_accept",
    "service_request_temporary_resolution_accept",
    "service_request_temporary_resolve",
    "service_request_update",
]
