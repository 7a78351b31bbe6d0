"""What the customer does with an acceptance link: accept or decline the step it names.

Both lock the link row, then the request, and check the link under those locks: of two
concurrent clicks, the second waits for the first to commit, then reads ``used_at`` set and
is refused. Accepting goes through the same service as the Web API's ``*_accept`` methods,
with the caller as ``accepted_by`` and ``accepted_via`` EMAIL_LINK; declining leaves the
request where it is, records the customer's reason on its timeline and tells the assignee
(or, unassigned, the owning group).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from acceptance import links
from acceptance.models import AcceptanceLink, Outcome
from crm.actor import Actor
from crm.db import atomic_retry
from crm.exceptions import InvalidLifeCycleState, ValidationFailed
from crm.lifecycle import lock
from crm.models import Notification
from crm.notify import active_members, notify
from servicerequests.models import AcceptedVia, ServiceRequest
from servicerequests.services import ACTIONS
from servicerequests.services.common import lock_request, record_event
from servicerequests.steps import BY_NAME

# The customer has no user: the event rows and notifications name no staff actor.
CUSTOMER = Actor(user=None, unit=None)


class LinkRefused(Exception):
    """The link may not be used now; ``state`` is why (acceptance.links)."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def _locked(link_id: str, now: datetime) -> tuple[AcceptanceLink, ServiceRequest]:
    """The link and its request, both locked (in that order, as every use takes them), and
    refused unless the link is open."""
    link = lock(AcceptanceLink, link_id)
    sr = lock_request(link.service_request)
    state = links.state_of(link, sr, now)
    if state != links.OPEN:
        raise LinkRefused(state)
    return link, sr


def _use(link: AcceptanceLink, outcome: str, now: datetime, comment: str = "") -> None:
    link.used_at, link.outcome, link.comment = now, outcome, comment
    link.save(update_fields=["used_at", "outcome", "comment"])


@atomic_retry
def acceptance_link_accept(*, link_id: str, now: datetime | None = None) -> AcceptanceLink:
    """The caller accepts the step through the link (exactly as ``*_accept`` records it)."""
    now = now or timezone.now()
    link, sr = _locked(link_id, now)
    step = BY_NAME[link.step]
    try:
        ACTIONS[step.accept_action](
            service_request=sr,
            actor=CUSTOMER,
            accepted_by=sr.caller,
            via=AcceptedVia.EMAIL_LINK,
            event_note=f"Accepted by the customer ({sr.caller.name}) through the e-mail link.",
        )
    except (InvalidLifeCycleState, ValidationFailed) as error:
        # The request moved on in a way the link cannot follow (the table refuses it).
        raise LinkRefused(links.NOT_CURRENT) from error
    _use(link, Outcome.ACCEPTED, now)
    return link


@atomic_retry
def acceptance_link_decline(
    *, link_id: str, comment: str = "", now: datetime | None = None
) -> AcceptanceLink:
    """The caller declines the step: an event with their reason, a notification, and the
    request stays where it is."""
    now = now or timezone.now()
    link, sr = _locked(link_id, now)
    step, comment = BY_NAME[link.step], (comment or "").strip()[:2000]
    said = f": {comment}" if comment else " (no reason given)."
    record_event(
        sr,
        CUSTOMER,
        "customer_declined",
        (sr.life_cycle_state, sr.status_id),
        now,
        note=f"The customer ({sr.caller.name}) declined the {step.label.lower()}{said}",
    )
    _use(link, Outcome.DECLINED, now, comment)
    _tell_declined(sr, step, link, comment)
    return link


def _tell_declined(sr: ServiceRequest, step, link: AcceptanceLink, comment: str) -> None:
    """The assignee must act on a decline; nobody has it, so its group must (contract 12).
    ``notify`` keeps those who may see the request."""
    if sr.assigned_to_user_id is not None:
        users = [sr.assigned_to_user_id]
    else:
        users = active_members([sr.owned_by_group_id]).get(sr.owned_by_group_id, [])
    said = f": {comment}" if comment else "."
    notify(
        kind=Notification.Kind.DECLINED,
        users=list(users),
        record=sr,
        message=f"{sr.number}: the customer declined the {step.label.lower()}{said}",
        key=f"DECLINED:{sr.pk}:{link.pk}",
    )
