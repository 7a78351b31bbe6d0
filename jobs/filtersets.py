"""The one FilterSet for jobs, shared by the Web API lists and the staff queues.

Values are ids (or choice values), so the queue pages can put them in query strings as they
are. Filters on related rows use ``IN (subquery)`` rather than joins: a list asked for a
narrow ``fields_set`` then joins nothing it does not return.
"""

import django_filters
from django import forms
from django.utils import timezone

from crm.filtering import IdChoiceFilter, RangeForm, UnassignedSelect, moment_range
from crm.models import Group, User
from jobs.models import (
    FulfillmentScope,
    Job,
    JobCategory,
    JobLifeCycleState,
    JobStatus,
    JobType,
)


class JobFilterSet(django_filters.FilterSet):
    """Jobs by account, type, fulfilment scope, state, status, category, assignee, owning
    group, overdue and date ranges. The selects of rows take ids without a query to check
    them (crm.filtering.IdChoiceFilter), as the plain id filters they replace did."""

    accounts_receivable = django_filters.CharFilter(
        field_name="accounts_receivable_id", widget=forms.HiddenInput
    )
    # A contact's jobs (customer history): by e-mail and phone, see JobQuerySet.for_contact.
    contact = django_filters.CharFilter(method="filter_contact", widget=forms.HiddenInput)
    type = IdChoiceFilter(field_name="type_id", queryset=JobType.objects.only("id", "name"))
    scope = django_filters.ChoiceFilter(
        choices=FulfillmentScope.choices, method="filter_scope", label="Fulfilment scope"
    )
    # distinct=False: django-filter's default SELECT DISTINCT over every column turns a
    # state filter on a million rows into a sort of all of them (found by the benchmark).
    state = django_filters.MultipleChoiceFilter(
        distinct=False,
        field_name="life_cycle_state",
        label="State",
        choices=JobLifeCycleState.choices,
    )
    status = IdChoiceFilter(field_name="status_id", queryset=JobStatus.objects.all())
    category = IdChoiceFilter(field_name="category_id", queryset=JobCategory.objects.all())
    assignee = IdChoiceFilter(
        field_name="assigned_to_user_id",
        queryset=User.objects.filter(is_active=True),
        label="Assignee",
    )
    unassigned = django_filters.BooleanFilter(
        field_name="assigned_to_user",
        lookup_expr="isnull",
        widget=UnassignedSelect,
        label="Unassigned",
    )
    group = IdChoiceFilter(
        field_name="owned_by_group_id", queryset=Group.objects.all(), label="Group"
    )
    # Date ranges, inclusive; a "to" date includes its day (crm.filtering.MomentField).
    created_from, created_to = moment_range("created_date", "created_from", "Created")
    due_after, due_before = moment_range(
        "expected_completion_date", "due_after", "Expected completion"
    )
    completed_from, completed_to = moment_range(
        "actual_completed_date", "completed_from", "Completed"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    # The header search's matching (jobs.search): the two never disagree.
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Job
        fields = []
        form = RangeForm

    def search(self, queryset, name, value):
        """Rows matching any of the search's conditions, in the queue's own order."""
        from crm.search import clean_query
        from jobs.search import matches

        return queryset.filter(matches(clean_query(value, param=name)))

    def filter_contact(self, queryset, name, value):
        return queryset.for_contact(value)

    def filter_scope(self, queryset, name, value):
        return queryset.filter(type__in=JobType.objects.filter(fulfillment_scope=value))

    def filter_overdue(self, queryset, name, value):
        """Open jobs past their expected completion (or, given false, every other job)."""
        now = timezone.now()
        if value:
            return queryset.open().due_before(now)
        return queryset.exclude(pk__in=Job.objects.open().due_before(now).values("pk"))
