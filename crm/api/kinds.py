"""Identifier kinds of the organisation: users, units, groups, privacy levels."""

from crm.api.identifiers import IdentifierKind, register
from crm.models import Group, PrivacyLevel, Unit, User

register(
    IdentifierKind(
        "user",
        "user",
        {"id": "id", "username": "username__iexact"},
        queryset=lambda ctx: User.objects.filter(is_active=True),
    )
)
register(
    IdentifierKind(
        "unit",
        "unit",
        {"id": "id", "name": "name", "alternative_code": "alternative_code"},
        queryset=lambda ctx: Unit.objects.select_related("group__community"),
    )
)
register(
    IdentifierKind(
        "group",
        "group",
        {"id": "id", "name": "name", "alternative_code": "alternative_code"},
        queryset=lambda ctx: Group.objects.select_related("community"),
    )
)
register(
    IdentifierKind(
        "privacy_level",
        "privacy level",
        {"id": "id", "number": "number", "name": "name"},
        queryset=lambda ctx: PrivacyLevel.objects.all(),
        converters={"number": int},
    )
)
