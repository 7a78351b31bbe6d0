"""The one FilterSet for jobs, shared by the Web API lists and the staff queues.

Values are ids (or choice values), so the queue pages can put them in query strings as they
are. Filters on related rows use ``IN (subquery)`` rather than joins: a list asked for a
narrow ``fields_set`` then joins nothing it does not return.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone

from customers.models import AccountsReceivable
from jobs.models import FulfillmentScope, Job, JobLifeCycleState, JobType


class JobFilterSet(django_filters.FilterSet):
    """Jobs by account, type, fulfilment scope, state, assignee, owning group, overdue."""

    accounts_receivable = django_filters.CharFilter(field_name="accounts_receivable_id")
    type = django_filters.CharFilter(field_name="type_id")
    scope = django_filters.ChoiceFilter(
        choices=FulfillmentScope.choices, method="filter_scope", label="Fulfilment scope"
    )
    # distinct=False: django-filter's default SELECT DISTINCT over every column turns a
    # state filter on a million rows into a sort of all of them (found by the benchmark).
    state = django_filters.MultipleChoiceFilter(
        distinct=False, field_name="life_cycle_state", choices=JobLifeCycleState.choices
    )
    assignee = django_filters.CharFilter(field_name="assigned_to_user_id", label="Assigned user")
    group = django_filters.CharFilter(field_name="owned_by_group_id", label="Owned by group")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    q = django_filters.CharFilter(method="search", label="Number or account")

    class Meta:
        model = Job
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value)
            | Q(accounts_receivable__in=AccountsReceivable.objects.filter(number__iexact=value))
        )

    def filter_scope(self, queryset, name, value):
        return queryset.filter(type__in=JobType.objects.filter(fulfillment_scope=value))

    def filter_overdue(self, queryset, name, value):
        """Open jobs past their expected completion (or, given false, every other job)."""
        now = timezone.now()
        if value:
            return queryset.open().due_before(now)
        return queryset.exclude(pk__in=Job.objects.open().due_before(now).values("pk"))
