"""What the service request services take besides model instances."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from customers.models import Contact


@dataclass
class Step:
    """A response or resolution as given: category, who, when, and optionally acceptance."""

    category: Any
    by: Any
    date: datetime
    description: str | None = None
    accepted_by: Contact | None = None


@dataclass
class SetChanges:
    """Changes to the three sets; rows to remove are already found within the request."""

    # Each added item carries the path of its parameter, so an error names the right item.
    add_services: list = field(default_factory=list)  # (path, product)
    remove_services: list = field(default_factory=list)
    add_goods: list = field(default_factory=list)  # (path, product, serial number or None)
    remove_goods: list = field(default_factory=list)
    add_related: list = field(default_factory=list)  # (path, service request, description)
    update_related: list = field(default_factory=list)  # (relation, description)
    remove_related: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(bool(value) for value in vars(self).values())
