"""The staff dashboard (contract section 9) and its charts' numbers as CSV: parse the group
filter, read the numbers (reports.dashboard), render."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from crm.access import access_for
from crm.export import csv_response
from crm.models import Group
from reports import charts, dashboard

READ = "servicerequests.view_servicerequest"


def visible_groups(user):
    """The groups whose requests ``user`` may see (contract section 6): every group with
    the all-groups permission, else the user's own."""
    access = access_for(user)
    groups = Group.objects.order_by("name")
    return groups if access.all_groups else groups.filter(pk__in=access.group_ids)


class GroupForm(forms.Form):
    """The dashboard's one filter. A group the user may not see is not a choice: asking for
    it reads as asking for one that does not exist, and its numbers are never counted."""

    group = forms.ModelChoiceField(
        queryset=Group.objects.none(), required=False, empty_label="All my groups"
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["group"].queryset = visible_groups(user)
        if access_for(user).all_groups:
            self.fields["group"].empty_label = "All groups"

    def chosen(self):
        return self.cleaned_data.get("group") if self.is_valid() else None


class DashboardMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = READ

    def scope(self, request):
        """The bound group form, the group chosen (or None) and the numbers for it."""
        form = GroupForm(request.GET, user=request.user)
        group = form.chosen()
        numbers = dashboard.numbers(request.user, group.pk if group else None)
        return form, group, numbers


def group_query(group) -> str:
    return f"?{urlencode({'group': group.pk})}" if group else ""


class DashboardView(DashboardMixin, TemplateView):
    """Tiles and charts of the requests the user may see, for one group or all of them."""

    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        if "refresh" in request.GET:  # count again now, then show the page at its own URL
            form = GroupForm(request.GET, user=request.user)
            group = form.chosen()
            dashboard.numbers(request.user, group.pk if group else None, refresh=True)
            return redirect(request.path + group_query(group))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form, group, numbers = self.scope(self.request)
        query = group_query(group)
        return super().get_context_data(
            form=form,
            group=group,
            numbers=numbers,
            as_of=timezone.localtime(numbers.as_of),
            charts=[(table, draw(table)) for table in numbers.tables.values()],
            cache_seconds=dashboard.CACHE_SECONDS,
            query=query,
            here=self.request.path + query,
            refresh_url=self.request.path + (f"{query}&" if query else "?") + "refresh=1",
            **kwargs,
        )


def draw(table: dashboard.Table) -> charts.Chart:
    """The chart of a table: its first columns, one per series, as bars linking where the
    table's cells link."""
    width = len(table.series)
    points = [
        charts.Point(
            row.label,
            tuple(cell.value or 0 for cell in row.cells[:width]),
            tuple(cell.href for cell in row.cells[:width]),
        )
        for row in table.rows
    ]
    if table.kind == "rows":
        return charts.rows(points, table.series)
    return charts.columns(points, table.series, stacked=table.stacked)


class ChartCsvView(DashboardMixin, View):
    """A chart's table as CSV, the numbers the dashboard shows (the same cached count):
    the category's value (dates in the API's format), then each column."""

    def get(self, request, slug: str):
        form, group, numbers = self.scope(request)
        table = numbers.tables.get(slug)
        if table is None or form.errors:
            raise Http404("No such report")
        header = [table.category.lower().replace(" ", "_"), *table.csv_columns]
        rows = ([row.key, *(cell.value for cell in row.cells)] for row in table.rows)
        suffix = f"-{slugify(group.name)}" if group else ""
        return csv_response(f"{slug}{suffix}.csv", header, rows)
