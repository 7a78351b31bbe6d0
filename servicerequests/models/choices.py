"""The choices of service requests: life cycle states, urgency, impact and priority."""

from django.db import models


class LifeCycleState(models.TextChoices):
    PENDING = "PENDING"
    RESPONDED = "RESPONDED"
    TEMPORARY_RESOLVED = "TEMPORARY_RESOLVED", "Temporary resolved"
    FINAL_RESOLVED = "FINAL_RESOLVED", "Final resolved"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


# Plain strings: they end up in a partial index condition inside a migration.
OPEN_STATES = (
    LifeCycleState.PENDING.value,
    LifeCycleState.RESPONDED.value,
    LifeCycleState.TEMPORARY_RESOLVED.value,
    LifeCycleState.FINAL_RESOLVED.value,
)


class AcceptedVia(models.TextChoices):
    """How a step's acceptance was recorded: by staff (pages, Web API) or by the customer
    through the link mailed to them (contract section 12)."""

    STAFF = "STAFF", "Staff"
    EMAIL_LINK = "EMAIL_LINK", "E-mail link"


class UrgencyLevel(models.TextChoices):
    URGENCY1 = "URGENCY1"
    URGENCY2 = "URGENCY2"
    URGENCY3 = "URGENCY3"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"
    CUSTOM4 = "CUSTOM4"
    CUSTOM5 = "CUSTOM5"


class ImpactLevel(models.TextChoices):
    IMPACT1 = "IMPACT1"
    IMPACT2 = "IMPACT2"
    IMPACT3 = "IMPACT3"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"
    CUSTOM4 = "CUSTOM4"
    CUSTOM5 = "CUSTOM5"


class Priority(models.TextChoices):
    """P1 is the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


class ClockEffect(models.TextChoices):
    """What a status does to the service-level clock (contract section 8)."""

    RUN = "RUN", "Runs the clock"
    PAUSE = "PAUSE", "Pauses the clock"
    STOP = "STOP", "Stops the clock"


# The states whose statuses may run or pause the clock; the others always stop it.
CLOCK_STATES = (
    LifeCycleState.PENDING.value,
    LifeCycleState.RESPONDED.value,
    LifeCycleState.TEMPORARY_RESOLVED.value,
)
