"""Requests the report tests count: every state, sla status, age bucket, key and null key,
one of them hidden from the agent by its privacy level and one by its group."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crm.models import PrivacyLevel
from servicerequests import models as sm
from servicerequests.selectors import service_request_list
from tests.factories import GroupFactory, make_service_request

API_FILTERS = {
    "type_identifier": "type",
    "owned_by_group_identifier": "group",
    "life_cycle_state": "state",
    "open_only": "open",
}


def status(name: str) -> sm.ServiceRequestStatus:
    return sm.ServiceRequestStatus.objects.get(name=name)


def _specs(demo, now) -> list[dict]:
    """One request each; comments: sla status, age bucket."""
    back_office = GroupFactory(name="Back Office")
    restricted = PrivacyLevel.objects.get(name="Restricted")
    complaint = sm.ServiceRequestType.objects.get(name="Customer Complaint")
    billing = sm.ServiceRequestCategory.objects.get(code="BILL")
    h, d = timedelta(hours=1), timedelta(days=1)
    return [
        # ON_TRACK, 0-1d, the agent's, Main Group.
        {"status": "Pending", "priority": "P1", "assigned_to_user": demo["agent"],
         "owned_by_group": demo["group"], "start_date": now - 2 * h,
         "expected_completion_date": now + 2 * d},
        # BREACHED, 1-3d.
        {"status": "Pending", "priority": "P2", "start_date": now - 2 * d,
         "expected_completion_date": now - h},
        # AT_RISK, 3-7d, the admin's.
        {"status": "Responded", "priority": "P2", "assigned_to_user": demo["admin"],
         "start_date": now - 5 * d, "expected_completion_date": now + h,
         "sla_at_risk_date": now - h},
        # Paused ON_TRACK (judged at its pause), 7-30d, Restricted: hidden from the agent.
        {"status": "On Hold", "start_date": now - 10 * d, "sla_paused_since": now - 3 * h,
         "expected_completion_date": now + d, "sla_at_risk_date": now + 12 * h,
         "privacy_level": restricted},
        # Paused, BREACHED at its pause.
        {"status": "On Hold", "start_date": now - 2 * d, "sla_paused_since": now - 3 * h,
         "expected_completion_date": now - 4 * h},
        # No target: no service level; 30d+, another group: hidden from the agent.
        {"status": "Temporary Resolved", "start_date": now - 40 * d, "category": billing,
         "owned_by_group": back_office, "assigned_to_user": demo["agent"]},
        # MET (a future start: 0-1d), a complaint.
        {"status": "Final Resolved", "type": complaint, "start_date": now + d,
         "expected_completion_date": now - d, "sla_stopped_at": now - 2 * d},
        # MISSED, completed: not open.
        {"status": "Completed", "start_date": now - 9 * d, "expected_completion_date": now - 3 * d,
         "sla_stopped_at": now - 2 * d, "completed_date": now - 2 * d, "priority": "P1"},
        # Cancelled: no service level, not open.
        {"status": "Cancel", "start_date": now - 4 * d, "expected_completion_date": now + d,
         "cancelled_date": now - d, "sla_stopped_at": now - d},
    ]  # fmt: skip


def dataset(demo) -> list[sm.ServiceRequest]:
    """The requests above, created now."""
    now = timezone.now()
    rows = []
    for spec in _specs(demo, now):
        spec = {**spec, "status": status(spec["status"])}
        rows.append(make_service_request(**spec))
    return rows


def listed(user, filters: dict) -> int:
    """How many requests the matching list shows."""
    return len(service_request_list(user=user, filters=filters))
