"""Who performs a write: a user acting for a unit (the token's unit, or the user's default)."""

from dataclasses import dataclass

from crm.models import Unit, User


@dataclass(frozen=True)
class Actor:
    user: User
    unit: Unit | None

    @classmethod
    def of(cls, user: User, unit: Unit | None = None) -> "Actor":
        return cls(user=user, unit=unit if unit is not None else user.default_unit)
