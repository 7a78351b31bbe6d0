"""The organisation: communities, groups, units, privacy levels, users and roles."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.models import Group as AuthGroup
from django.db import models
from django.db.models.functions import Lower

from crm.ids import HexIdField
from crm.models.base import Entity, Named, NamedEntity, nullable_fk


class Community(Named, Entity):
    """The top of the organisation: groups belong to a community."""

    description = models.TextField(blank=True, default="")

    class Meta(Named.Meta):
        verbose_name_plural = "communities"


class Group(NamedEntity):
    """A group of users that can own service requests and jobs (``owned_by_group``).

    Records owned by a group are visible to its members and to users with the
    ``crm.view_all_groups`` permission. Not to be confused with Django's permission groups,
    which this project calls roles.
    """

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="groups")


class Unit(NamedEntity):
    """A unit of a group; every token acts for one unit (shown in ``log_information``)."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="units")


class PrivacyLevel(Entity):
    """A privacy level; a record at level N is visible to users whose clearance is >= N."""

    name = models.CharField(max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.name} ({self.number})"


class User(AbstractUser):
    """A person who signs in to the staff pages or calls the Web API.

    The profile CRM.COM keeps for a user lives here: person name, units (with a default one
    for tokens issued without a unit), group memberships and clearance.
    """

    id = HexIdField()
    person_name = models.CharField(max_length=150, blank=True, default="")
    default_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="users")
    crm_groups = models.ManyToManyField(
        Group, blank=True, related_name="members", verbose_name="groups (CRM)"
    )
    clearance = nullable_fk(
        PrivacyLevel,
        help_text="Highest privacy level this user may see. Empty: only unrestricted records.",
    )

    objects = UserManager()

    class Meta:
        permissions = [("view_all_groups", "Can see records owned by any group")]
        ordering = ["username"]
        constraints = [models.UniqueConstraint(Lower("username"), name="crm_user_username_ci_uniq")]

    def __str__(self):
        return self.username

    @property
    def display_name(self) -> str:
        return self.person_name or self.get_full_name() or self.username


class Role(AuthGroup):
    """A Django permission group, shown as a role so it is not confused with CRM groups."""

    class Meta:
        proxy = True
        verbose_name = "role"
