"""What service requests and jobs share: the work record, its queryset, its indexes, and the
configuration rows and event rows of both life cycles.

The two apps' models differ in what they point at (a request's status is a
``ServiceRequestStatus``, a job's a ``JobStatus``), so the shared configuration and event
rows are abstract models built for each app by a function (``type_status_base`` and its
siblings): the fields, constraints and behaviour are written once, the targets are given.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from crm.models.base import Configured, Entity, Logged, NamedConfig
from crm.timeperiods import TimeUnit


def optional_fk(to, **kwargs):
    """A nullable foreign key with no index of its own and no reverse accessor."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        **kwargs,
    )


class WorkRecordQuerySet(models.QuerySet):
    """Chainable read filters for requests and jobs; no side effects."""

    def visible_to(self, user) -> WorkRecordQuerySet:
        """Hide records above the user's clearance or owned by groups the user is not in."""
        from crm.access import access_for
        from crm.models.notifications import visible_q

        return self.filter(visible_q(access_for(user)))

    def open(self) -> WorkRecordQuerySet:
        return self.filter(life_cycle_state__in=self.model.OPEN_STATES)

    def due_before(self, moment) -> WorkRecordQuerySet:
        return self.filter(expected_completion_date__lt=moment)

    def locked(self) -> WorkRecordQuerySet:
        """Locked until commit; see crm.lifecycle.lock for why FOR NO KEY UPDATE."""
        return self.select_for_update(no_key=True)


class WorkRecord(Entity, Logged):
    """Abstract base of a service request and a job: a numbered record owned by a group,
    at a privacy level, assigned to a user and unit, due by an expected completion that the
    background scan flags, with free text and user-defined fields.

    ``OPEN_STATES``: the life cycle states in which the record is still worked.
    """

    OPEN_STATES: tuple[str, ...] = ()
    # The name the tables about any record (notifications, comments) give their foreign
    # key to this model: ``service_request`` or ``job``.
    RECORD_KEY: str = ""
    # Service levels (crm.flagging): the states whose clock runs (empty: the open ones),
    # the column of the at-risk moment and the column saying the clock is paused.
    CLOCK_STATES: tuple[str, ...] = ()
    AT_RISK_FIELD: str | None = None
    PAUSED_FIELD: str | None = None

    number = models.CharField(max_length=20, unique=True)
    description = models.TextField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    owned_by_group = optional_fk("crm.Group")
    privacy_level = optional_fk("crm.PrivacyLevel")
    assigned_to_user = optional_fk("crm.User")
    assigned_to_unit = optional_fk("crm.Unit")
    start_date = models.DateTimeField()
    expected_completion_date = models.DateTimeField(null=True, blank=True)
    estimated_completion_value = models.PositiveIntegerField(null=True, blank=True)
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    approaching_completion = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as due soon."
    )
    overdue_flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the background worker flagged it as overdue."
    )
    udf_string_1 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_2 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_3 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_4 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_5 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_6 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_7 = models.CharField(max_length=255, null=True, blank=True)
    udf_string_8 = models.CharField(max_length=255, null=True, blank=True)
    udf_float_1 = models.FloatField(null=True, blank=True)
    udf_float_2 = models.FloatField(null=True, blank=True)
    udf_float_3 = models.FloatField(null=True, blank=True)
    udf_float_4 = models.FloatField(null=True, blank=True)
    udf_date_1 = models.DateTimeField(null=True, blank=True)
    udf_date_2 = models.DateTimeField(null=True, blank=True)
    udf_date_3 = models.DateTimeField(null=True, blank=True)
    udf_date_4 = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.life_cycle_state in self.OPEN_STATES


class WorkType(NamedConfig):
    """Abstract base of a service request type and a job type: how long their records take
    by default and how long before their expected completion the scan warns."""

    estimated_completion_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Default estimated completion time of its records (for requests, a "
        "completion target for the priority comes first).",
    )
    estimated_completion_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    warning_period_value = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Flag open records this long before their expected completion.",
    )
    warning_period_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )

    class Meta(NamedConfig.Meta):
        abstract = True


def status_base(states) -> type:
    """A status label mapped to one life cycle state (``states``: the app's choices).

    The state of a status in use cannot change (crm.configuration), so the state copied
    onto each record stays true."""
    fields = {"life_cycle_state": models.CharField(max_length=20, choices=states)}
    return abstract_model("StatusBase", (NamedConfig,), fields, {"ordering": ["name"]})


def work_type_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A period is a value with its unit or neither (``WorkType``)."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}_value": None, f"{name}_uot": None})
            | Q(**{f"{name}_value__isnull": False, f"{name}_uot__isnull": False}),
            name=f"{prefix}_{constraint}_complete",
        )
        for name, constraint in (
            ("estimated_completion", "estimated_completion"),
            ("warning_period", "warning_period"),
        )
    ]


def work_record_indexes(
    prefix: str, open_states: tuple[str, ...], at_risk_field: str = "expected_completion_date"
) -> list[models.Index]:
    """The indexes the queues and the background scan of both apps use."""
    return [
        # Newest first per state: every get_<state> list and the state queues.
        models.Index(
            fields=["life_cycle_state", "-created_date"], name=f"{prefix}_state_created_idx"
        ),
        # A customer's records, and a type's, newest first.
        models.Index(fields=["accounts_receivable", "-created_date"], name=f"{prefix}_account_idx"),
        models.Index(fields=["type", "-created_date"], name=f"{prefix}_type_created_idx"),
        # My queue / my groups: open records by assignee or group, soonest due first.
        models.Index(
            fields=["assigned_to_user", "life_cycle_state", "expected_completion_date"],
            name=f"{prefix}_assignee_queue_idx",
        ),
        models.Index(
            fields=["owned_by_group", "life_cycle_state", "expected_completion_date"],
            name=f"{prefix}_group_queue_idx",
        ),
        # Overdue and close to completion only ever look at open records: a partial index.
        models.Index(
            fields=["expected_completion_date"],
            condition=Q(life_cycle_state__in=open_states),
            name=f"{prefix}_open_due_idx",
        ),
        # The background scan's two questions: open records not flagged yet. Both stay
        # small: a record leaves them once flagged or closed.
        models.Index(
            fields=[at_risk_field],
            condition=Q(life_cycle_state__in=open_states, approaching_completion=None),
            name=f"{prefix}_unflagged_due_idx",
        ),
        models.Index(
            fields=["expected_completion_date"],
            condition=Q(life_cycle_state__in=open_states, overdue_flagged_at=None),
            name=f"{prefix}_unflagged_overdue_idx",
        ),
    ]


def abstract_model(name: str, bases: tuple, fields: dict, meta: dict, **methods) -> type:
    """An abstract model class built here for an app (see the module's docstring)."""
    attrs = {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True, **meta})}
    return type(name, bases, {**attrs, **fields, **methods})


def type_status_base(*, type_model: str, status_model: str, states, prefix: str) -> type:
    """A status allowed for a type; at most one default per type and life cycle state.

    The state is copied from the status so that "one default per state" can be a database
    constraint.
    """

    def save(self, *args, **kwargs):
        self.life_cycle_state = self.status.life_cycle_state
        models.Model.save(self, *args, **kwargs)

    fields = {
        "type": models.ForeignKey(type_model, on_delete=models.CASCADE, related_name="+"),
        "status": models.ForeignKey(status_model, on_delete=models.PROTECT, related_name="+"),
        "is_default": models.BooleanField(default=False),
        "life_cycle_state": models.CharField(max_length=20, choices=states, editable=False),
    }
    constraints = [
        models.UniqueConstraint(fields=["type", "status"], name=f"{prefix}_type_status_uniq"),
        models.UniqueConstraint(
            fields=["type", "life_cycle_state"],
            condition=Q(is_default=True),
            name=f"{prefix}_type_one_default_per_state",
        ),
    ]
    return abstract_model(
        "TypeStatusBase",
        (Configured,),
        fields,
        {
            "verbose_name": "allowed status",
            "verbose_name_plural": "allowed statuses",
            "constraints": constraints,
        },
        save=save,
        __str__=lambda self: f"{self.type} / {self.status}",
    )


def type_reason_base(*, type_model: str, reason_model: str, prefix: str) -> type:
    """A cancellation reason allowed for a type; at most one default per type."""
    fields = {
        "type": models.ForeignKey(type_model, on_delete=models.CASCADE, related_name="+"),
        "reason": models.ForeignKey(reason_model, on_delete=models.PROTECT, related_name="+"),
        "is_default": models.BooleanField(default=False),
    }
    constraints = [
        models.UniqueConstraint(fields=["type", "reason"], name=f"{prefix}_type_reason_uniq"),
        models.UniqueConstraint(
            fields=["type"], condition=Q(is_default=True), name=f"{prefix}_type_one_default_reason"
        ),
    ]
    return abstract_model(
        "TypeReasonBase",
        (Configured,),
        fields,
        {"verbose_name": "allowed cancellation reason", "constraints": constraints},
        __str__=lambda self: f"{self.type} / {self.reason}",
    )


def event_base(*, record_model: str, fk: str, status_model: str, states, index: str) -> type:
    """One change to a record: who, when, from which state and status to which, why (the
    note) and what changed, field by field (``changes``, see crm.audit)."""
    fields = {
        fk: models.ForeignKey(
            record_model, on_delete=models.CASCADE, related_name="events", db_index=False
        ),
        "action": models.CharField(max_length=40),
        "from_state": models.CharField(max_length=20, choices=states, null=True),
        "to_state": models.CharField(max_length=20, choices=states),
        "from_status": models.ForeignKey(
            status_model, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
        ),
        "to_status": models.ForeignKey(
            status_model, on_delete=models.PROTECT, related_name="+", db_index=False
        ),
        "user": models.ForeignKey(
            "crm.User", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
        ),
        "unit": models.ForeignKey(
            "crm.Unit", on_delete=models.PROTECT, null=True, related_name="+", db_index=False
        ),
        "created_at": models.DateTimeField(),
        "note": models.TextField(blank=True, default=""),
        "changes": models.JSONField(default=dict, blank=True),
    }
    meta = {
        "ordering": ["created_at"],
        "indexes": [models.Index(fields=[fk, "created_at"], name=index)],
    }
    return abstract_model(
        "EventBase",
        (Entity,),
        fields,
        meta,
        __str__=lambda self: (
            f"{getattr(self, f'{fk}_id')} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
        ),
        change_list=property(lambda self: change_list(self.changes)),
        # What the timeline lists under the event's heading, which already names the
        # statuses it moved between.
        field_changes=property(
            lambda self: [row for row in change_list(self.changes) if row["name"] != "status"]
        ),
    )


def change_list(changes) -> list[dict]:
    """The field-by-field changes of an event, ``[{name, label, old, new}]``, for the
    timeline (crm.audit writes them); older rows recorded other shapes and give none."""
    if not isinstance(changes, dict):
        return []
    rows = changes.get("fields")
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
