"""The five ``*_set`` collections of a job: what each stores, what the job type allows in
it, and how create and update change them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from crm import audit
from crm.exceptions import EntityNotFound, InvalidIdentifier, ValidationFailed
from jobs import lifecycle
from jobs.models import (
    Job,
    JobExpense,
    JobPhysicalGood,
    JobRequestedActivityService,
    JobRequestedExpense,
    JobRequestedPhysicalGood,
    JobType,
)
from jobs.services.inputs import ActivityItem, ExpenseItem, GoodItem, Item, RowRef, SetChange


@dataclass(frozen=True)
class SetSpec:
    """How one ``*_set`` of the job object is stored and what the type allows in it."""

    name: str
    related: str  # the Job's related name
    model: type
    allowed: str  # the JobType's related name of allowed items
    editable: frozenset[str]  # states in which an update may change it
    requested: bool  # requested sets get the type's mandatory items and keep them
    unique: bool  # at most one row per product


SETS: dict[str, SetSpec] = {
    spec.name: spec
    for spec in (
        SetSpec(
            "requested_physical_goods_set",
            "requested_physical_goods",
            JobRequestedPhysicalGood,
            "allowed_physical_goods",
            lifecycle.REQUESTED_EDITABLE,
            requested=True,
            unique=True,
        ),
        SetSpec(
            "requested_expenses_set",
            "requested_expenses",
            JobRequestedExpense,
            "allowed_expenses",
            lifecycle.REQUESTED_EDITABLE,
            requested=True,
            unique=True,
        ),
        SetSpec(
            "requested_activity_services_set",
            "requested_activity_services",
            JobRequestedActivityService,
            "allowed_activity_services",
            lifecycle.REQUESTED_EDITABLE,
            requested=True,
            unique=False,
        ),
        SetSpec(
            "physical_goods_set",
            "physical_goods",
            JobPhysicalGood,
            "allowed_physical_goods",
            lifecycle.PROVIDED_EDITABLE,
            requested=False,
            unique=False,
        ),
        SetSpec(
            "expenses_set",
            "expenses",
            JobExpense,
            "allowed_expenses",
            lifecycle.PROVIDED_EDITABLE,
            requested=False,
            unique=False,
        ),
    )
}


def _rows_in_words(job: Job, spec: SetSpec) -> str | None:
    rows = getattr(job, spec.related).select_related("product").order_by("product__code")
    text = ", ".join(
        f"{row.product.code} x{row.quantity}" if hasattr(row, "quantity") else row.product.code
        for row in rows
    )
    return text or None


def tracked_sets(set_changes) -> tuple[audit.Tracked, ...]:
    """The sets an update changes, for the audit trail (read only when they change)."""
    return tuple(
        audit.Tracked(
            name,
            name.removesuffix("_set").replace("_", " ").capitalize(),
            lambda job, spec=SETS[name]: _rows_in_words(job, spec),
            "none",
        )
        for name in set_changes
    )


def _key(obj) -> tuple:
    """What matches an item (given, stored or allowed) against the type's allowed items:
    its activity type (activity services only) and its product."""
    if isinstance(obj, GoodItem | ExpenseItem | ActivityItem):
        activity_type = getattr(obj, "activity_type", None)
        return (activity_type.pk if activity_type else None, obj.product.pk)
    return (getattr(obj, "activity_type_id", None), obj.product_id)


def _allowed(job_type: JobType, spec: SetSpec) -> dict[tuple, Any]:
    """The type's allowed items for ``spec``, by key (one query)."""
    return {_key(row): row for row in getattr(job_type, spec.allowed).all()}


def _check_allowed(allowed: dict, item: Item, path: str) -> None:
    if _key(item) not in allowed:
        raise ValidationFailed(
            "The job type does not allow this item.",
            param=path,
            detail=f"{item.product.code} is not allowed by the job type here",
        )


def _mandatory_items(allowed: dict, spec: SetSpec) -> list[Item]:
    """The type's mandatory items for a requested set, as items to add."""
    items: list[Item] = []
    for row in allowed.values():
        if not (spec.requested and row.mandatory):
            continue
        if spec.model is JobRequestedActivityService:
            items.append(ActivityItem(activity_type=row.activity_type, product=row.product))
        elif spec.model is JobRequestedPhysicalGood:
            items.append(GoodItem(product=row.product))
        else:
            items.append(ExpenseItem(product=row.product))
    return items


def new_row(job: Job, spec: SetSpec, item: Item):
    return spec.model(job=job, **{f.name: getattr(item, f.name) for f in fields(item)})


def prepare_items(job_type: JobType, spec: SetSpec, items: Sequence[Item]) -> list[Item]:
    """Validate a create's set and complete it with the type's mandatory items."""
    allowed = _allowed(job_type, spec)
    seen: set[tuple] = set()
    for index, item in enumerate(items):
        path = f"{spec.name}[{index}]"
        _check_allowed(allowed, item, path)
        if spec.unique and _key(item) in seen:
            raise _duplicate(item, path)
        seen.add(_key(item))
    extra = [item for item in _mandatory_items(allowed, spec) if _key(item) not in seen]
    return [*items, *extra]


def _duplicate(item: Item, path: str) -> ValidationFailed:
    return ValidationFailed(
        "The job already has this item.",
        param=path,
        detail=f"{item.product.code} is in the set already; remove it first",
    )


def _find_row(rows: list, ref: RowRef):
    """The one row of ``rows`` that ``ref`` identifies."""
    if ref.id is not None:
        found = [row for row in rows if row.pk == ref.id.upper()]
    else:
        found = [row for row in rows if row.product_id == ref.product.pk]
    if not found:
        raise EntityNotFound(
            "No item of the job matches the identifier.", param=ref.path, detail="no such item"
        )
    if len(found) > 1:
        raise InvalidIdentifier(
            "The identifier matches several items of the job.",
            param=ref.path,
            detail="several items have this product; use the id",
        )
    return found[0]


class SetEditor:
    """Applies one update set's changes to a job, in order."""

    def __init__(self, job: Job, spec: SetSpec):
        self.job, self.spec = job, spec
        self.allowed = _allowed(job.type, spec)
        self.rows = list(getattr(job, spec.related).all())

    def apply(self, change: SetChange) -> None:
        getattr(self, change.action.lower())(change)

    def add(self, change: SetChange) -> None:
        _check_allowed(self.allowed, change.item, change.path)
        if self.spec.unique and any(_key(r) == _key(change.item) for r in self.rows):
            raise _duplicate(change.item, change.path)
        row = new_row(self.job, self.spec, change.item)
        row.save()
        self.rows.append(row)

    def remove(self, change: SetChange) -> None:
        row = _find_row(self.rows, change.row)
        allowed = self.allowed.get(_key(row))
        if self.spec.requested and allowed is not None and allowed.mandatory:
            return  # mandatory items are added automatically: removing one keeps it (seed 004)
        row.delete()
        self.rows.remove(row)

    def update(self, change: SetChange) -> None:
        row = _find_row(self.rows, change.row)
        _check_allowed(self.allowed, change.item, change.path)
        for f in fields(change.item):
            setattr(row, f.name, getattr(change.item, f.name))
        row.save()
