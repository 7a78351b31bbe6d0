"""Identifier kinds of the organisation: users, units, groups, privacy levels."""

from crm.api.identifiers import NAMED, IdentifierKind, register
from crm.models import Group, PrivacyLevel, Unit, User


def _joined(model, *related: str):
    """Every row, with what it is shown with joined as it is found (no visibility rule)."""
    return lambda ctx: model.objects.select_related(*related)


register(
    IdentifierKind(
        "user",
        "user",
        {"id": "id", "username": "username__iexact"},
        queryset=lambda ctx: User.objects.filter(is_active=True),
    )
)
register(IdentifierKind("unit", "unit", NAMED, queryset=_joined(Unit, "group__community")))
register(IdentifierKind("group", "group", NAMED, queryset=_joined(Group, "community")))
register(
    IdentifierKind(
        "privacy_level",
        "privacy level",
        {"id": "id", "number": "number", "name": "name"},
        queryset=lambda ctx: PrivacyLevel.objects.all(),
        converters={"number": int},
    )
)
