"""What the job services take besides model instances: small frozen dataclasses.

``path`` members name the Web API parameter an error is about (``requested_expenses_set[0]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crm.models import Unit, User
from jobs.models import ActivityType, BillingTermScheme, PricePlan
from products.models import Product


@dataclass(frozen=True)
class Assignment:
    """``assigned_to``: a user, a unit or both; a user alone works in their default unit."""

    user: User | None = None
    unit: Unit | None = None


@dataclass(frozen=True)
class BillingTermsInput:
    """``billing_terms`` as given. On updates a ``None`` member keeps the stored value."""

    billing_term_scheme: BillingTermScheme | None = None
    price_plan: PricePlan | None = None
    agreement_date: datetime | None = None


@dataclass(frozen=True)
class GoodItem:
    """A physical good to request or provide."""

    product: Product
    quantity: int = 1
    notes: str | None = None


@dataclass(frozen=True)
class ExpenseItem:
    """An expense to request or apply."""

    product: Product


@dataclass(frozen=True)
class ActivityItem:
    """A requested activity service: what kind of activity delivers which service."""

    activity_type: ActivityType
    product: Product


Item = GoodItem | ExpenseItem | ActivityItem


@dataclass(frozen=True)
class RowRef:
    """An existing row of a set, by ``id`` or by its product."""

    path: str
    id: str | None = None
    product: Product | None = None


@dataclass(frozen=True)
class SetChange:
    """One element of an update set: ``ADD`` carries ``item``; ``REMOVE`` carries ``row``;
    ``UPDATE`` both (the row and its new values)."""

    action: str
    path: str
    item: Item | None = None
    row: RowRef | None = None
