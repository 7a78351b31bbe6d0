"""The demo service request configuration: statuses, categories, types, the matrix."""

from __future__ import annotations

from crm.demo.base import upsert
from crm.demo.service_levels import load_calendars
from products.models import Product
from servicerequests import models as sm

S = sm.LifeCycleState


SR_STATUSES = [  # name, alternative code, state, default for its state
    ("Pending", "PEN", S.PENDING, True),
    ("Waiting for Customer", "WFC", S.PENDING, False),
    # Contract section 8: a PENDING status that pauses the service-level clock.
    ("On Hold", "HLD", S.PENDING, False),
    ("Responded", "RES", S.RESPONDED, True),
    ("Temporary Resolved", "TRS", S.TEMPORARY_RESOLVED, True),
    ("Final Resolved", "FRS", S.FINAL_RESOLVED, True),
    ("Completed", "COM", S.COMPLETED, True),
    ("Cancel", "CAN", S.CANCELLED, True),
]


SR_CATEGORIES = [  # model, name, code, requires customer acceptance
    (sm.ServiceRequestCategory, "Technical Issue", "TECH", False),
    (sm.ServiceRequestCategory, "Billing Enquiry", "BILL", False),
    (sm.ServiceRequestCategory, "Complaint", "COMP", True),
    (sm.ResponseCategory, "Acknowledged", "ACK", False),
    (sm.ResponseCategory, "Needs Confirmation", "CONF", True),
    (sm.TemporaryResolutionCategory, "Temporary Fix", "TFIX", False),
    (sm.TemporaryResolutionCategory, "Workaround Applied", "WORK", True),
    (sm.FinalResolutionCategory, "Resolved", "RSLV", False),
    (sm.FinalResolutionCategory, "Resolved Pending Confirmation", "RPC", True),
]


SR_REASONS = [
    (
        "1A6C2C6E0D8B4F0B9A1E2D3C4B5A6978",
        "Cancellation Reason A",
        "CRA",
        "The customer withdrew the request",
    ),
    (
        "FB4A0B28CF194EF7819B0888B64B4210",
        "Cancellation Reason B",
        "CRB",
        "A second cancellation reason for testing",
    ),
    ("5E7D9C1B3A2F4E6D8C0B1A2F3E4D5C6B", "Cancellation Reason C", "CRC", "Raised by mistake"),
]
# name, alternative code, description, estimated (value, unit), warning (value, unit), email,
# business calendar (section 8), completion targets per priority


SR_TYPES = [
    (
        "Technical Support",
        "TS",
        "Faults and technical questions",
        (3, "DAYS"),
        (1, "DAYS"),
        False,
        None,
        True,
    ),
    (
        "Customer Complaint",
        "CC",
        "Complaints about the service",
        (5, "DAYS"),
        (12, "HOURS"),
        True,
        None,
        True,
    ),
    (
        "On-site Repair",
        "OSR",
        "Repairs at the customer's premises",
        (8, "HOURS"),
        (2, "HOURS"),
        False,
        "Office hours",
        False,
    ),
]
PAUSING = {"On Hold"}


LEVELS = ["1", "2", "3"]
# Completion target per priority for each type, in hours.


TARGET_HOURS = {"P1": 4, "P2": 24, "P3": 72, "P4": 120, "P5": 240}


SERVICE_ROW_ID = "12073204AEAF56BB11E900D26C7CCAA8"  # seed 003's services/list row


def load_priority_matrix() -> None:
    for impact in LEVELS:
        for urgency in LEVELS:
            priority = f"P{int(impact) + int(urgency) - 1}"
            upsert(
                sm.PriorityRule,
                {"impact_level": f"IMPACT{impact}", "urgency_level": f"URGENCY{urgency}"},
                {"priority": priority},
            )


def _allow_statuses(sr_type, statuses) -> None:
    for name, _alt, _state, default in SR_STATUSES:
        upsert(
            sm.ServiceRequestTypeStatus,
            {"type": sr_type, "status": statuses[name]},
            {"is_default": default},
        )


def _allow_products(sr_type, products, service_row_id: str | None) -> None:
    upsert(
        sm.ServiceRequestTypeService,
        {"type": sr_type, "product": products["Material Delivery"]},
        id=service_row_id,
    )
    upsert(sm.ServiceRequestTypePhysicalGood, {"type": sr_type, "product": products["Decoders 1"]})


def _allow_reasons(sr_type, reasons) -> None:
    for index, reason in enumerate(reasons):
        upsert(
            sm.ServiceRequestTypeCancellationReason,
            {"type": sr_type, "reason": reason},
            {"is_default": index == 0},
        )


def load_service_request_config(products: dict[str, Product]) -> None:
    statuses = {
        name: upsert(
            sm.ServiceRequestStatus,
            {"name": name},
            {
                "alternative_code": alt,
                "life_cycle_state": state,
                "clock_effect": "PAUSE" if name in PAUSING else "RUN",
            },
        )
        for name, alt, state, _default in SR_STATUSES
    }
    categories = [
        upsert(model, {"name": name}, {"code": code, "requires_customer_acceptance": accept})
        for model, name, code, accept in SR_CATEGORIES
    ]
    reasons = [
        upsert(
            sm.CancellationReason,
            {"name": name},
            {"alternative_code": alt, "description": description},
            id=id,
        )
        for id, name, alt, description in SR_REASONS
    ]
    load_priority_matrix()
    calendars = load_calendars()
    for index, row in enumerate(SR_TYPES):
        name, alt, description, estimated, warning, email, calendar, targets = row
        sr_type = upsert(
            sm.ServiceRequestType,
            {"name": name},
            {
                "alternative_code": alt,
                "description": description,
                "estimated_completion_value": estimated[0],
                "estimated_completion_uot": estimated[1],
                "warning_period_value": warning[0],
                "warning_period_uot": warning[1],
                "email_customer_on_status_change": email,
                "calendar": calendars.get(calendar),
                "at_risk_percentage": 75,
            },
        )
        _allow_statuses(sr_type, statuses)
        sr_type.categories.set([c for c in categories if isinstance(c, sm.ServiceRequestCategory)])
        _allow_products(sr_type, products, SERVICE_ROW_ID if index == 0 else None)
        _allow_reasons(sr_type, reasons)
        if not targets:
            sm.CompletionTarget.objects.filter(type=sr_type).delete()
            continue
        for priority, hours in TARGET_HOURS.items():
            upsert(
                sm.CompletionTarget,
                {"type": sr_type, "priority": priority},
                {"time_period_value": hours, "time_period_uot": "HOURS"},
            )


# -- job configuration --------------------------------------------------------------------------
