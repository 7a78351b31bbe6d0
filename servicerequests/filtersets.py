"""The one FilterSet for service requests: the Web API's lists and the staff queues."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from crm.filtering import IdChoiceFilter, RangeForm, UnassignedSelect, moment_range
from crm.models import Group, User
from servicerequests.models import (
    OPEN_STATES,
    LifeCycleState,
    Priority,
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestStatus,
    ServiceRequestType,
)
from servicerequests.steps import BY_NAME
from sla import clock
from sla import filters as sla_filters


def pending_acceptance_q(kind: str) -> Q:
    """In the step's state, not accepted yet, and the step's category asks for acceptance
    (servicerequests.steps; ``any``: any of the three)."""
    if kind == "any":
        q = Q(pk__in=[])
        for name in BY_NAME:
            q |= pending_acceptance_q(name)
        return q
    step = BY_NAME[kind]
    return Q(
        life_cycle_state=step.state,
        **{
            f"{step.column('accepted_date')}__isnull": True,
            f"{step.column('category')}__requires_customer_acceptance": True,
        },
    )


class CharInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


class ServiceRequestFilterSet(django_filters.FilterSet):
    """Filters by id for the big tables (accounts, callers), by choice for the small ones."""

    account = django_filters.CharFilter(
        field_name="accounts_receivable_id", widget=forms.HiddenInput
    )
    caller = django_filters.CharFilter(field_name="caller_id", widget=forms.HiddenInput)
    type = django_filters.ModelChoiceFilter(
        queryset=ServiceRequestType.objects.all(), empty_label="Any"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceRequestCategory.objects.all(), empty_label="Any"
    )
    # distinct=False: django-filter's default SELECT DISTINCT over every column turns a
    # state filter on a million rows into a sort of all of them (found by the benchmark).
    state = django_filters.MultipleChoiceFilter(
        distinct=False, field_name="life_cycle_state", label="State", choices=LifeCycleState.choices
    )
    # By id, no query to check it (crm.filtering.IdChoiceFilter): no list method passes it.
    status = IdChoiceFilter(field_name="status_id", queryset=ServiceRequestStatus.objects.all())
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    assignee = django_filters.ModelChoiceFilter(
        field_name="assigned_to_user",
        queryset=User.objects.filter(is_active=True),
        label="Assignee",
        empty_label="Any",
    )
    unassigned = django_filters.BooleanFilter(
        field_name="assigned_to_user",
        lookup_expr="isnull",
        widget=UnassignedSelect,
        label="Unassigned",
    )
    group = django_filters.ModelChoiceFilter(
        field_name="owned_by_group",
        queryset=Group.objects.all(),
        label="Group",
        empty_label="Any",
    )
    group_in = CharInFilter(field_name="owned_by_group_id", widget=forms.HiddenInput)
    # Date ranges, inclusive; a "to" date includes its day (crm.filtering.MomentField).
    created_from, created_to = moment_range("created_date", "created_from", "Created")
    due_after, due_before = moment_range(
        "expected_completion_date", "due_after", "Expected completion"
    )
    completed_from, completed_to = moment_range("completed_date", "completed_from", "Completed")
    # When the service level was met or missed (the clock stopped): the dashboard's
    # compliance cells link here (reports.dashboard).
    sla_decided_from, sla_decided_to = moment_range(
        "sla_stopped_at", "sla_decided_from", "Service level decided"
    )
    approaching = django_filters.BooleanFilter(
        field_name="approaching_completion", lookup_expr="isnull", exclude=True
    )
    open = django_filters.BooleanFilter(method="filter_open")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    pending_acceptance = django_filters.ChoiceFilter(
        method="filter_pending_acceptance",
        choices=[(k, k.replace("_", " ")) for k in ("any", *BY_NAME)],
    )
    sla_status = django_filters.MultipleChoiceFilter(
        choices=[(value, value.replace("_", " ").capitalize()) for value in clock.STATUSES],
        method="filter_sla_status",
        label="Service level",
    )
    # The header search's matching (servicerequests.search): the two never disagree.
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = ServiceRequest
        fields = []
        form = RangeForm

    def filter_open(self, queryset, name, value):
        condition = Q(life_cycle_state__in=OPEN_STATES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(life_cycle_state__in=OPEN_STATES, expected_completion_date__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_sla_status(self, queryset, name, value):
        return sla_filters.status_filter(queryset, value, timezone.now()) if value else queryset

    def filter_pending_acceptance(self, queryset, name, value):
        return queryset.filter(pending_acceptance_q(value))

    def search(self, queryset, name, value):
        """Rows matching any of the search's conditions, in the queue's own order."""
        from crm.search import clean_query
        from servicerequests.search import matches

        return queryset.filter(matches(clean_query(value, param=name)))
