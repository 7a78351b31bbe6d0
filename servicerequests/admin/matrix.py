"""Admin for the priority matrix (impact down, urgency across), edited as a grid saved in
one POST, each changed cell in the admin's history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from servicerequests.models import ImpactLevel, Priority, PriorityRule, UrgencyLevel


def is_custom(level: str) -> bool:
    return level.startswith("CUSTOM")


def shown_levels(levels, used: set[str], show_custom: bool) -> list[str]:
    """The standard levels always; a custom level when asked for or when a rule uses it (so
    no rule is ever out of sight, and the usual 3 x 3 matrix stays uncluttered)."""
    return [
        level for level in levels.values if not is_custom(level) or show_custom or level in used
    ]


class PriorityMatrixForm(forms.Form):
    """One priority ``<select>`` per (impact, urgency) cell; empty means no rule.

    Each select carries its value as the page showed it (a hidden initial), so a save
    changes only the cells this admin changed: a cell someone else changed meanwhile, or a
    cell the page did not show, is left as it is.
    """

    def __init__(self, *args, impacts, urgencies, rules: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.impacts, self.urgencies = impacts, urgencies
        self.cells: dict[str, tuple[str, str]] = {}
        for impact in impacts:
            for urgency in urgencies:
                name = f"cell-{impact}-{urgency}"
                self.cells[name] = (impact, urgency)
                label = f"Priority for {impact} x {urgency}"
                self.fields[name] = forms.ChoiceField(
                    choices=[("", "—"), *Priority.choices],
                    required=False,
                    initial=rules.get((impact, urgency), ""),
                    label=label,
                    show_hidden_initial=True,
                    widget=forms.Select(attrs={"aria-label": label}),
                )

    def rows(self) -> list[tuple[str, list]]:
        """The table: each impact level with its row of bound fields, one per urgency."""
        return [
            (impact, [self[f"cell-{impact}-{urgency}"] for urgency in self.urgencies])
            for impact in self.impacts
        ]

    def changed_cells(self) -> dict[tuple[str, str], str]:
        """(impact, urgency) -> the new priority ("" for none) of each cell changed."""
        return {self.cells[name]: self.cleaned_data[name] for name in self.changed_data}


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    """The impact x urgency matrix. Its changelist is a grid saved in one POST, each cell
    changed recorded in the admin's history; the usual list (filters, search, deleting in
    bulk) stays one link away."""

    list_display = ("impact_level", "urgency_level", "priority")
    list_select_related = ()
    list_filter = ("impact_level", "urgency_level", "priority")
    search_fields = ("=impact_level", "=urgency_level", "=priority")
    matrix_template = "admin/servicerequests/priorityrule/matrix.html"

    def list_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_list"

    def get_urls(self):
        rows = path(
            "list/",
            self.admin_site.admin_view(super().changelist_view),
            name=self.list_url_name(),
        )
        return [rows, *super().get_urls()]

    @csrf_protect_m
    def changelist_view(self, request, extra_context=None):
        """The grid: anyone who may view the rules sees it; saving takes the change
        permission (and the add or delete permission for cells filled or emptied)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        form = self.matrix_form(request)
        if form.is_bound and form.is_valid() and self.save_matrix(request, form):
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(request, self.matrix_template, self.matrix_context(request, form))

    def matrix_form(self, request) -> PriorityMatrixForm:
        """The grid's form over the rules as they are now (one query)."""
        rows = PriorityRule.objects.values_list("impact_level", "urgency_level", "priority")
        rules = {(impact, urgency): priority for impact, urgency, priority in rows}
        show_custom = request.GET.get("custom") == "1"
        return PriorityMatrixForm(
            request.POST if request.method == "POST" else None,
            impacts=shown_levels(ImpactLevel, {i for i, _ in rules}, show_custom),
            urgencies=shown_levels(UrgencyLevel, {u for _, u in rules}, show_custom),
            rules=rules,
        )

    def matrix_context(self, request, form) -> dict:
        all_shown = len(form.impacts) == len(ImpactLevel) and len(form.urgencies) == len(
            UrgencyLevel
        )
        return {
            **self.admin_site.each_context(request),
            "title": "Priority matrix",
            "opts": self.opts,
            "form": form,
            "has_change_permission": self.has_change_permission(request),
            "show_custom": request.GET.get("custom") == "1",
            "all_shown": all_shown,
            "list_url": reverse(f"admin:{self.list_url_name()}"),
        }

    def save_matrix(self, request, form) -> bool:
        """Apply the changed cells in one transaction; False (with the form's error) when
        the user may not add or remove a rule it asks to."""
        changed = form.changed_cells()
        if not changed:
            self.message_user(request, "No cell of the priority matrix changed.", messages.INFO)
            return True
        with transaction.atomic():
            current = {
                (rule.impact_level, rule.urgency_level): rule
                for rule in PriorityRule.objects.select_for_update().filter(
                    impact_level__in={i for i, _ in changed},
                    urgency_level__in={u for _, u in changed},
                )
            }
            if error := self.matrix_permission_error(request, changed, current):
                form.add_error(None, error)
                return False
            done = [
                self.save_cell(request, current.get(cell), cell, priority)
                for cell, priority in changed.items()
            ]
        done = [change for change in done if change]
        text = "; ".join(done) if done else "nothing to change"
        self.message_user(request, f"The priority matrix was saved: {text}.", messages.SUCCESS)
        return True

    def matrix_permission_error(self, request, changed, current) -> str | None:
        """Filling an empty cell adds a rule and emptying one deletes it: each needs its own
        permission, as on the rule's own pages."""
        adds = any(priority and cell not in current for cell, priority in changed.items())
        deletes = any(not priority and cell in current for cell, priority in changed.items())
        if adds and not self.has_add_permission(request):
            return "You may not add priority rules: leave the empty cells empty."
        if deletes and not self.has_delete_permission(request):
            return "You may not delete priority rules: give every emptied cell a priority."
        return None

    def save_cell(self, request, rule, cell: tuple[str, str], priority: str) -> str:
        """Add, change or delete one cell's rule, with its history entry; what was done."""
        impact, urgency = cell
        where = f"{impact} x {urgency}"
        if rule is None and priority:
            rule = PriorityRule.objects.create(
                impact_level=impact, urgency_level=urgency, priority=priority
            )
            self.log_addition(request, rule, f"Added in the priority matrix: {priority}.")
            return f"{where} set to {priority}"
        if rule is not None and not priority:
            self.log_deletions(request, [rule])
            rule.delete()
            return f"{where} cleared (was {rule.priority})"
        if rule is not None and rule.priority != priority:
            before, rule.priority = rule.priority, priority
            rule.save(update_fields=["priority"])
            self.log_change(request, rule, f"Changed priority from {before} to {priority}.")
            return f"{where} changed from {before} to {priority}"
        return ""  # someone else already made the same change
