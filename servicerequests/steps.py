"""The three steps a request is worked through before completion: the response, the
temporary resolution and the final resolution.

One registry, read by the models (their columns), the Web API parameters and objects, the
FilterSet (which step awaits acceptance), the services, the forms and the admin: each step
has a category, who recorded it and when, a description, and the customer's acceptance.
"""

from __future__ import annotations

from dataclasses import dataclass

from servicerequests.models.choices import LifeCycleState as S


@dataclass(frozen=True)
class StepKind:
    """One kind of step. ``name`` is the Web API object and the columns' prefix."""

    action: str  # the life cycle action that records it
    name: str
    by: str  # the column (and object key) of the user who recorded it
    accept_action: str
    state: str  # the state the step leads to, in which it awaits acceptance
    category_model: str
    label: str

    def column(self, part: str) -> str:
        return f"{self.name}_{part}"

    @property
    def category_kind(self) -> str:
        """The identifier kind of its categories (``response_category``)."""
        return self.column("category")

    @property
    def by_param(self) -> str:
        return f"{self.by}_identifier"

    @property
    def date_param(self) -> str:
        return self.column("date")


RESPONSE = StepKind(
    "respond",
    "response",
    "responded_by",
    "response_accept",
    S.RESPONDED,
    "ResponseCategory",
    "Response",
)
TEMPORARY_RESOLUTION = StepKind(
    "temporary_resolve",
    "temporary_resolution",
    "temporary_resolved_by",
    "temporary_resolution_accept",
    S.TEMPORARY_RESOLVED,
    "TemporaryResolutionCategory",
    "Temporary resolution",
)
FINAL_RESOLUTION = StepKind(
    "final_resolve",
    "final_resolution",
    "final_resolved_by",
    "final_resolution_accept",
    S.FINAL_RESOLVED,
    "FinalResolutionCategory",
    "Final resolution",
)
STEPS = (RESPONSE, TEMPORARY_RESOLUTION, FINAL_RESOLUTION)
BY_ACTION = {step.action: step for step in STEPS}
BY_NAME = {step.name: step for step in STEPS}
BY_ACCEPT = {step.accept_action: step for step in STEPS}
