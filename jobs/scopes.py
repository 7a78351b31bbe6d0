"""The fulfilment scopes of jobs: one registry entry each.

A scope declares whether this project creates jobs of it, which options completing it takes
and what completing it does (in the same transaction, in words for the page that asks
first). The Web API, the services, the create form and the admin read it: adding a scope
is one entry here and, if it does something on completion, its effect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm.actor import Actor
from crm.exceptions import ValidationFailed
from customers.models import Subscription
from jobs.models import FulfillmentScope as F


@dataclass(frozen=True)
class Scope:
    """What a fulfilment scope allows and does.

    ``options``: what ``jobs/all_scopes/complete`` takes for it besides the status
    (``scheduled_date``, ``performed_by``, ``performed_on``). ``on_complete(job, actor,
    now)`` runs when a job of the scope completes; ``completes`` says what that does, with
    ``{subscription}`` standing for the job's subscription number.
    """

    value: str
    creatable: bool = False
    options: frozenset[str] = frozenset()
    on_complete: Callable | None = None
    completes: str = ""
    completed: str = ""  # what was done, for the message after completion

    @property
    def label(self) -> str:
        return F(self.value).label

    def completion_text(self, job) -> str:
        """What completing ``job`` does, as a sentence, or ""."""
        return self._text(self.completes, job)

    def completed_text(self, job) -> str:
        """What completing ``job`` did, as a clause, or ""."""
        return self._text(self.completed, job)

    @staticmethod
    def _text(template: str, job) -> str:
        if not template or not job.subscription_id:
            return ""
        return template.format(subscription=job.subscription.number)


def deactivate_subscription(job, actor: Actor, now: datetime) -> None:
    """The subscription becomes NOT_EFFECTIVE, recording who and when (locked first: two
    jobs for one subscription cannot both deactivate it)."""
    subscription = Subscription.objects.select_for_update(no_key=True).get(pk=job.subscription_id)
    if subscription.life_cycle_state != Subscription.LifeCycleState.EFFECTIVE:
        raise ValidationFailed(
            "The subscription is no longer effective.",
            param="job_identifier",
            detail=f"{subscription.number} is {subscription.life_cycle_state}",
        )
    subscription.life_cycle_state = Subscription.LifeCycleState.NOT_EFFECTIVE
    subscription.deactivated_date = now
    subscription.deactivated_by = actor.user
    subscription.save(update_fields=["life_cycle_state", "deactivated_date", "deactivated_by"])


# Scopes that amend a subscription on a date: completing takes the date.
_SCHEDULED = frozenset({"scheduled_date"})

SCOPES: dict[str, Scope] = {
    scope.value: scope
    for scope in (
        Scope(F.GENERIC_PURPOSE),
        Scope(F.NEW_SUBSCRIPTION, options=frozenset({"performed_by", "performed_on"})),
        Scope(F.ACTIVATE_SUBSCRIPTION),
        Scope(
            F.DEACTIVATE_SUBSCRIPTION,
            creatable=True,
            on_complete=deactivate_subscription,
            completes="This deactivates subscription {subscription}.",
            completed="subscription {subscription} is no longer effective",
        ),
        Scope(F.CANCEL_SUBSCRIPTION, options=_SCHEDULED),
        Scope(F.ADD_SUBSCRIPTION_SERVICES),
        Scope(F.CANCEL_SUBSCRIPTION_SERVICES, options=_SCHEDULED),
        Scope(F.CHANGE_SUBSCRIPTION_LOCATION),
        Scope(F.SWAP_SUBSCRIPTION_INSTALLED_ITEMS),
        Scope(F.SWAP_SUBSCRIPTION_SERVICES, options=_SCHEDULED),
        Scope(F.REPLACE_PHYSICAL_GOODS),
        Scope(F.SUBSCRIPTION_MAINTAINANCE, options=_SCHEDULED),
    )
}
CREATABLE = frozenset(value for value, scope in SCOPES.items() if scope.creatable)


def scope_of(job_type) -> Scope:
    return SCOPES[job_type.fulfillment_scope]
