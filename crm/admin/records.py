"""The read-mostly admin of work records (service requests and jobs).

Records are written by the services (numbering, the type's rules, every transition with an
event under a row lock); the admin shows them, events included, and lets an admin correct
only the free-text and user-defined fields.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from crm.admin.shared import DetailSelectRelatedMixin, ReadOnlyInline

# The user-defined fields every record has: eight texts, four numbers, four dates.
UDF_FIELDS = tuple(
    f"udf_{kind}_{n}"
    for kind, count in (("string", 8), ("float", 4), ("date", 4))
    for n in range(1, count + 1)
)


def record_columns(*middle: str) -> tuple[str, ...]:
    """A record's changelist columns: what it is and where it stands, ``middle``, its dates."""
    return (
        "number",
        "type",
        "status",
        "life_cycle_state",
        *middle,
        "created_date",
        "expected_completion_date",
    )


# Who owns a record and who works on it.
OWNERSHIP = (("owned_by_group", "privacy_level"), ("assigned_to_user", "assigned_to_unit"))
# Who created the record and who changed it last, with when and in which unit.
LOG_INFORMATION = (
    ("created_date", "created_by_user", "created_by_unit"),
    ("updated_date", "updated_by_user", "updated_by_unit"),
)


def record_fieldsets(*, summary: tuple, customer: tuple, dates: tuple, more: tuple = ()) -> tuple:
    """A record's change page: number and type, then ``summary`` rows; whom it is for; who
    owns it; its dates; its description; ``more`` fieldsets; its user-defined fields and log
    information, folded."""
    folded = {"classes": ("collapse",)}
    return (
        (None, {"fields": (("number", "id"), ("type", "category"), *summary)}),
        ("Customer", {"fields": customer}),
        ("Ownership", {"fields": OWNERSHIP}),
        ("Dates", {"fields": dates}),
        ("Description", {"fields": ("description", "notes")}),
        *more,
        ("User-defined fields", {**folded, "fields": UDF_FIELDS}),
        ("Log information", {**folded, "fields": LOG_INFORMATION}),
    )


class EventInline(ReadOnlyInline):
    """A record's events, each transition with who made it and the field-by-field change.
    Subclasses set ``model``."""

    fields = (
        "created_at",
        "action",
        "from_state",
        "to_state",
        "from_status",
        "to_status",
        "user",
        "unit",
        "note",
        "changes",
    )
    select_related = ("from_status", "to_status", "user", "unit")


class WorkRecordAdmin(DetailSelectRelatedMixin, admin.ModelAdmin):
    """For inspection. Creating a record and every transition belong to the services, so the
    admin may not add records or change their workflow fields; deleting one would erase its
    history.

    Millions of rows: subclasses filter only on small choice fields and the (few) types, and
    search by exact (case-sensitive) numbers, so the unique indexes on the numbers answer;
    the changelist skips the unfiltered total and sorts only by indexed columns.
    """

    editable_fields = ("description", *UDF_FIELDS)
    show_full_result_count = False
    sortable_by = ("number", "created_date")

    @property
    def detail_select_related(self) -> tuple[str, ...]:
        # Every foreign key is displayed read-only, as a link named after its row.
        return tuple(field.name for field in self.opts.fields if field.is_relation)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The log information says who changed the record last, whatever the channel.
        obj.updated_date = timezone.now()
        obj.updated_by_user = request.user
        obj.updated_by_unit_id = request.user.default_unit_id
        super().save_model(request, obj, form, change)
