"""Rules of the configuration both apps share: the life cycle state of a status, and what a
type needs of its allowed statuses before its records can go through their life cycle.

The apps' models are passed in (``records_model``, ``allowed_model``, the states' choices):
``crm`` stands under the apps and imports none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils.text import get_text_list

from crm.exceptions import ValidationFailed

# -- the life cycle state of a status ---------------------------------------------------------


def quoted_list(labels: Iterable[str], last_word: str = "and") -> str:
    """“A”, “B” and “C”: names as a sentence shows them."""
    return get_text_list([f"“{label}”" for label in labels], last_word)


def state_label(model: type[Model], state: str) -> str:
    """The human label of ``state`` among the choices of ``model.life_cycle_state``."""
    return dict(model._meta.get_field("life_cycle_state").flatchoices).get(state, state)


def check_status_state_change(
    *,
    status: Model,
    new_state: str,
    records_model: type[Model],
    allowed_model: type[Model],
) -> None:
    """Refuse to move ``status`` (as stored) to ``new_state`` when that would make data wrong.

    The state of a status is copied onto every record (request or job) in that status, so it
    may change only while no record uses the status. It is also copied onto the type rows
    that allow the status, where one default per state is a unique constraint: a type whose
    default for the old state is this status must not already have a default for the new one.
    Raises ``ValidationFailed`` (``param="life_cycle_state"``) with a message for the admin.
    """
    if records_model._default_manager.filter(status=status).exists():
        plural = records_model._meta.verbose_name_plural
        raise ValidationFailed(
            f"This status is used by {plural}, which hold its life cycle state; changing it "
            "would make them wrong. Add a new status for the other state instead.",
            param="life_cycle_state",
        )
    clashes = (
        allowed_model._default_manager.filter(
            type__in=allowed_model._default_manager.filter(status=status, is_default=True).values(
                "type"
            ),
            life_cycle_state=new_state,
            is_default=True,
        )
        .exclude(status=status)
        .select_related("type")
    )
    names = sorted({str(row.type) for row in clashes})
    if names:
        raise ValidationFailed(
            f"This status is a default of {quoted_list(names)}, which already have a default "
            f"status for {state_label(type(status), new_state)}; make this status a "
            "non-default first.",
            param="life_cycle_state",
        )


@transaction.atomic
def status_change_state(
    *,
    status: Model,
    new_state: str,
    records_model: type[Model],
    allowed_model: type[Model],
) -> Model:
    """Move ``status`` to ``new_state`` together with the type rows that allow it.

    The status row is locked first, so two admins changing the same status take turns and the
    second one checks against what the first one saved. Returns ``status`` with its new state;
    its other fields are neither saved nor reloaded (the caller may be saving them).
    """
    locked = type(status)._default_manager.select_for_update().get(pk=status.pk)
    if locked.life_cycle_state != new_state:
        check_status_state_change(
            status=locked,
            new_state=new_state,
            records_model=records_model,
            allowed_model=allowed_model,
        )
        type(status)._default_manager.filter(pk=status.pk).update(life_cycle_state=new_state)
        allowed_model._default_manager.filter(status=status).update(life_cycle_state=new_state)
    status.life_cycle_state = new_state
    return status


# -- what a type needs of its allowed statuses --------------------------------------------------


@dataclass(frozen=True)
class StateNeed:
    """Records of a type cannot ``cannot`` (e.g. "be completed") unless the type allows a
    status of one of ``states``. An optional need (``required=False``) is a choice an admin
    may make on purpose; ``instead`` then says what records do without it ("go from response
    straight to final resolution")."""

    states: tuple[str, ...]
    cannot: str
    required: bool = True
    instead: str = ""


@dataclass(frozen=True)
class AllowedState:
    """What a type allows of one life cycle state: whether one status is its default, and the
    names of its allowed statuses (empty when only the flags were read, as in a list)."""

    has_default: bool
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Readiness:
    """Whether records of a type can go through their life cycle, and if not, why."""

    records: str  # what the type's records are called, plural: "requests"
    labels: dict[str, str]  # state -> label, in life cycle order
    allowed: dict[str, AllowedState]
    unmet: tuple[StateNeed, ...]

    @property
    def without_default(self) -> list[str]:
        """States with allowed statuses but no default, in life cycle order."""
        return [s for s in self.labels if s in self.allowed and not self.allowed[s].has_default]

    @property
    def missing(self) -> tuple[StateNeed, ...]:
        return tuple(need for need in self.unmet if need.required)

    @property
    def ready(self) -> bool:
        return not self.missing and not self.without_default

    def states_label(self, states: Iterable[str]) -> str:
        return " or ".join(self.labels.get(state, state) for state in states)

    def summary(self) -> str:
        """One line for a list: "Ready" or what is missing."""
        if self.ready:
            return "Ready"
        problems = []
        if self.missing:
            states = ", ".join(self.states_label(need.states) for need in self.missing)
            problems.append(f"no status for {states}")
        if self.without_default:
            states = ", ".join(self.labels[state] for state in self.without_default)
            problems.append(f"no default for {states}")
        return "Not ready: " + "; ".join(problems)

    def warnings(self) -> list[str]:
        """What records of the type cannot do, one sentence per missing state."""
        records = self.records.capitalize()
        if not self.allowed:
            first = self.missing[0].cannot if self.missing else "go through their life cycle"
            states = get_text_list(list(self.labels.values()), "and")
            return [
                f"{records} of this type cannot {first} yet: it allows no status. Add allowed "
                f"statuses for its life cycle states: {states}."
            ]
        return [
            f"{records} of this type cannot {need.cannot}: no status of the "
            f"{self.states_label(need.states)} state is allowed."
            for need in self.missing
        ]

    def notes(self) -> list[str]:
        """The optional states left out: what records do instead, and how to change it."""
        if not self.allowed:
            return []
        return [
            f"{self.records.capitalize()} of this type {need.instead}: no status of the "
            f"{self.states_label(need.states)} state is allowed (add one to let them "
            f"{need.cannot})."
            for need in self.unmet
            if not need.required
        ]


def missing_default_message(label: str, names: Iterable[str]) -> str:
    """The error for a state whose allowed statuses have no default: records moved to the
    state without a status given (by the Web API, by a staff page) get the default."""
    return f"No default status for the {label} state: mark {quoted_list(names, 'or')} as default."


def allowed_states(rows: Iterable[tuple[str, bool, str]]) -> dict[str, AllowedState]:
    """Group allowed status rows, ``(state, is_default, status name)``, by state."""
    names: dict[str, list[str]] = {}
    defaults: set[str] = set()
    for state, is_default, name in rows:
        names.setdefault(state, []).append(name)
        if is_default:
            defaults.add(state)
    return {state: AllowedState(state in defaults, tuple(found)) for state, found in names.items()}


def type_readiness(
    allowed: dict[str, AllowedState],
    *,
    needs: Iterable[StateNeed],
    labels: dict[str, str],
    records: str,
) -> Readiness:
    """What a type misses, given what it allows (see ``allowed_states``).

    A need whose states all belong to a need already unmet says nothing new ("cannot be
    submitted" after "cannot be created"), so it is left out.
    """
    unmet: list[StateNeed] = []
    covered: set[str] = set()
    for need in needs:
        if any(state in allowed for state in need.states):
            continue
        if not set(need.states) <= covered:
            unmet.append(need)
        covered.update(need.states)
    return Readiness(records=records, labels=labels, allowed=allowed, unmet=tuple(unmet))
