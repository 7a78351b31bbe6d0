"""Staff pages for service requests: queues, the detail page with its action forms, create,
and bulk actions. Every write goes through servicerequests.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views import View

from crm.access import access_for, can_see
from crm.actor import Actor
from crm.exceptions import CrmError
from crm.export import QueueExportMixin
from crm.staff_views import (
    Confirmation,
    KeysetQueueView,
    RecordActionMixin,
    RecordPageView,
    confirmation_step,
    is_confirmed,
    safe_next,
)
from servicerequests import export, selectors, services
from servicerequests.columns import COLUMNS
from servicerequests.filtersets import ServiceRequestFilterSet
from servicerequests.forms import (
    ACTION_FORMS,
    BulkForm,
    CreateForm,
    other_statuses,
    states_with_statuses,
)
from servicerequests.lifecycle import LIFE_CYCLE
from servicerequests.queues import DEFAULT_QUEUE, QUEUES, SORTS

PAGE_SIZE = 25
READ = "servicerequests.view_servicerequest"
WRITE = "servicerequests.change_servicerequest"
# Filters a person may set on a queue page, in the panel's order; a value the queue cannot
# hold moves the page to All requests (crm.queue_filters). Account and caller are hidden:
# links set them by id.
USER_FILTERS = (
    "q",
    "state",
    "status",
    "type",
    "category",
    "priority",
    "sla_status",
    "assignee",
    "unassigned",
    "group",
    "created_from",
    "created_to",
    "due_after",
    "due_before",
    "completed_from",
    "completed_to",
    "sla_decided_from",
    "sla_decided_to",
    "account",
    "caller",
)


# The success message of each action: a sentence, with the number where it helps.
DONE = {
    "respond": "Response recorded.",
    "temporary_resolve": "Temporary resolution recorded.",
    "final_resolve": "Final resolution recorded.",
    "complete": "{number} completed.",
    "cancel": "{number} cancelled.",
    "response_accept": "Response accepted.",
    "temporary_resolution_accept": "Temporary resolution accepted.",
    "final_resolution_accept": "Final resolution accepted.",
    "assign": "Assignment saved.",
    "status": "Status changed.",
    "edit": "Changes saved.",
    "take": "{number} is now assigned to you.",
    "reopen": "{number} reopened.",
}
# States a request never leaves: the question before moving there says so.
# The bulk cancel's question, for one request or several: the page's dialog (JavaScript,
# which counts the ticked boxes) and the server's confirmation step say the same.
BULK_CANCEL = {
    "one": Confirmation("Cancel 1 request? It cannot be reopened.", "Yes, cancel 1 request"),
    "many": Confirmation(
        "Cancel {count} requests? They cannot be reopened.", "Yes, cancel {count} requests"
    ),
}


# The service behind each action form; the others (assign, status, edit) are updates.
SERVICES = {**services.ACTIONS, "reopen": services.service_request_reopen}


class StaffView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = READ


class QueueView(KeysetQueueView):
    permission_required = READ
    template_name = "servicerequests/servicerequest_queue.html"
    table_template = "servicerequests/includes/queue_table.html"
    queues, sorts, default_queue = QUEUES, SORTS, DEFAULT_QUEUE
    user_filters = USER_FILTERS
    multi_filters = ("state", "priority", "sla_status")
    filterset_class, queue_url = ServiceRequestFilterSet, "sr-queue"
    columns, nouns = COLUMNS, ("request", "requests")

    def select(self, user, filters):
        return selectors.service_request_queue(user=user, filters=filters, related=self.related)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            bulk_form=BulkForm(),
            bulk_cancel=BULK_CANCEL,
            **kwargs,
        )


class ExportView(QueueExportMixin, QueueView):
    """The queue page's rows, every page of them, as CSV (servicerequests.export)."""

    export = export.EXPORT


class DetailView(RecordPageView):
    template_name = "servicerequests/servicerequest_detail.html"
    context_name = "sr"
    detail_url = "sr-detail"
    permission_required = READ
    write_permission = WRITE
    not_found = "No such service request"
    life_cycle = LIFE_CYCLE
    forms = ACTION_FORMS
    form_record = "sr"
    edit_labels = {"assign": "Assign", "status": "Change status", "edit": "Edit"}

    def fetch(self, user, number: str):
        return selectors.service_request_detail(user=user, number=number)

    def reachable_states(self, record) -> set[str]:
        return states_with_statuses(record.type)

    def blocker(self, record, action: str) -> str | None:
        return services.action_blocker(record, action)

    def edit_offered(self, record, action: str) -> bool:
        if action == "reopen":  # outside the table: completed, recent, and permitted
            return services.reopen_blocker(record, self.request.user) is None
        if action == "status":  # only when the state has another status to change to
            return record.is_open and other_statuses(record).exists()
        return record.is_open

    def confirmation(self, record, action: str) -> Confirmation | None:
        if action == "reopen":
            return Confirmation(
                f"Reopen {record.number}? It goes back to pending and its clock runs again.",
                f"Yes, reopen {record.number}",
            )
        return super().confirmation(record, action)

    def extra_context(self, record, user) -> dict:
        job = record.referring_to_job
        return {"referring_job": job if job and can_see(access_for(user), job) else None}


class ActionView(RecordActionMixin, DetailView):
    """One action form of the request's page (crm.staff_views.RecordActionMixin)."""

    permission_required = WRITE

    def done(self, record, action: str) -> str:
        return DONE[action].format(number=record.number)

    def perform(self, sr, action: str, form) -> None:
        """The action's own service (servicerequests.services.ACTIONS); assign and edit
        are updates."""
        service = SERVICES.get(action, services.service_request_update)
        service(service_request=sr, actor=Actor.of(self.request.user), **form.service_kwargs())


class TakeView(ActionView):
    """Assign the request to oneself in one click."""

    def get(self, request, number: str):
        return redirect("sr-detail", number=number)

    def post(self, request, number: str):
        sr = self.load(number)
        try:
            services.service_request_update(
                service_request=sr, actor=Actor.of(request.user), assignment=(request.user, None)
            )
        except CrmError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, DONE["take"].format(number=sr.number))
        return redirect("sr-detail", number=sr.number)


class CreateView(StaffView, View):
    permission_required = "servicerequests.add_servicerequest"
    template_name = "servicerequests/servicerequest_form.html"

    def get(self, request):
        # The htmx re-render after a type change keeps what was typed but not the
        # type-dependent choices, which start again from the new type's defaults.
        keep = {
            k: v
            for k, v in request.GET.items()
            if v and k not in ("status", "category", "services")
        }
        if "assign_to_me" in keep:  # a checked box arrives as "on"
            keep["assign_to_me"] = True
        form = CreateForm(initial=keep if request.htmx else None, user=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = CreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                sr = self.create(form.cleaned_data)
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                messages.success(request, f"{sr.number} created.")
                return redirect("sr-detail", number=sr.number)
        return render(request, self.template_name, {"form": form}, status=422)

    def create(self, data: dict):
        user = self.request.user
        return services.service_request_create(
            actor=Actor.of(user),
            type=data["type"],
            accounts_receivable=data["account"],
            caller=data["caller"],
            status=data["status"],
            category=data["category"],
            urgency_level=data["urgency_level"],
            impact_level=data["impact_level"],
            fields={
                "description": data["description"] or None,
                "caller_email": data["caller_email"] or None,
                "assigned_to_user": user if data["assign_to_me"] else None,
            },
            sets=services.SetChanges(
                add_services=[(f"services[{i}]", p) for i, p in enumerate(data["services"])]
            ),
        )


class BulkView(StaffView, View):
    """Assign selected requests to a user or a group, or cancel the pending ones (after a
    question). Each request is its own transaction: one refusal does not undo the others."""

    permission_required = WRITE
    template_name = "servicerequests/bulk_confirm.html"

    def get(self, request):
        return redirect("sr-queue-default")

    def post(self, request):
        if request.POST.get("implicit"):
            # Enter in a checkbox (the hidden default button): only Apply applies. 204 keeps
            # the page, and the boxes ticked on it, as they are.
            return HttpResponse(status=204)
        back = safe_next(request, reverse("sr-queue-default"))
        form = BulkForm(request.POST)
        if not form.is_valid():  # an unknown action, user or group: nothing is done
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        data = form.cleaned_data
        visible = selectors.service_request_list(user=request.user, filters={})
        # In the order ticked (the queue's), for the question and the messages.
        rows = sorted(
            visible.filter(number__in=data["selected"]),
            key=lambda sr: data["selected"].index(sr.number),
        )
        if not rows:
            messages.error(request, "None of the selected requests could be found.")
            return redirect(back)
        if data["operation"] == "cancel" and not is_confirmed(request):
            step = confirmation_step(request, _bulk_cancel(len(rows)), back=back)
            return render(request, self.template_name, {"rows": rows, "confirming": step})
        self.apply_all(rows, data)
        return redirect(back)

    def apply_all(self, rows, data: dict) -> None:
        done, refused = 0, []
        for sr in rows:
            try:
                self.apply(sr, data)
                done += 1
            except CrmError as error:
                refused.append(f"{sr.number}: {error.message}")
        if done:
            text = ngettext("%(count)d request updated.", "%(count)d requests updated.", done)
            messages.success(self.request, text % {"count": done})
        for line in refused:
            messages.error(self.request, line)

    def apply(self, sr, data: dict) -> None:
        actor = Actor.of(self.request.user)
        operation = data["operation"]
        if operation == "cancel":
            services.service_request_cancel(service_request=sr, actor=actor)
        elif operation == "assign_user":
            services.service_request_update(
                service_request=sr, actor=actor, assignment=(data["user"], None)
            )
        elif operation == "assign_group":
            services.service_request_update(
                service_request=sr, actor=actor, changes={"owned_by_group": data["group"]}
            )


def _bulk_cancel(count: int) -> Confirmation:
    ask = BULK_CANCEL["one" if count == 1 else "many"]
    return Confirmation(ask.question.format(count=count), ask.yes.format(count=count))
