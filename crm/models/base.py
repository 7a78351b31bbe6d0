"""Abstract bases every app's entities use: hex ids, configuration rows, log information,
named rows."""

from django.db import models
from django.utils import timezone

from crm.ids import HexIdField


def nullable_fk(to, **kwargs) -> models.ForeignKey:
    """An optional reference: null when not set, no reverse accessor, and the row it names
    cannot be deleted while referred to. (``optional_fk`` of the work records is the same
    without an index.)"""
    return models.ForeignKey(
        to, on_delete=models.PROTECT, null=True, blank=True, related_name="+", **kwargs
    )


class Entity(models.Model):
    """Abstract base: a 32-character upper-case hex primary key."""

    id = HexIdField()

    class Meta:
        abstract = True


class Configured(Entity):
    """Abstract base for configuration rows. Lists of them are newest first, like every list
    of the Web API, so each row records when it was created."""

    created_date = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Logged(models.Model):
    """Abstract base for the ``log_information`` object: who created and last updated a row.

    The unit is the one the acting user's token was issued for, as in CRM.COM.
    """

    created_date = models.DateTimeField(db_index=True)
    updated_date = models.DateTimeField()
    # No query looks a row up by who created or updated it: no indexes to maintain.
    created_by_user = nullable_fk("crm.User", db_index=False)
    updated_by_user = nullable_fk("crm.User", db_index=False)
    created_by_unit = nullable_fk("crm.Unit", db_index=False)
    updated_by_unit = nullable_fk("crm.Unit", db_index=False)

    class Meta:
        abstract = True


class Named(models.Model):
    """Abstract base: a row known by its unique name, listed by it and shown as it.

    Declared after ``Entity`` and ``Configured``: fields keep the order they are declared
    in, so a named row's columns stay id, created date (if any), name.
    """

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class NamedEntity(Named, Entity):
    """Abstract base for rows of the organisation and of customers (groups, units,
    subscription types) identified by name or alternative code.

    Unlike configuration (``NamedConfig``) their description is empty, never null, and they
    record no creation date.
    """

    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(blank=True, default="")

    class Meta(Named.Meta):
        abstract = True


class NamedConfig(Named, Configured):
    """Abstract base for configuration identified by name or alternative code."""

    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(null=True, blank=True)

    class Meta(Named.Meta):
        abstract = True
