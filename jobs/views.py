"""Staff pages for jobs: queues, the detail page with its action forms, and create. Every
write goes through jobs.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect, render
from django.views import View

from crm.access import access_for, can_see
from crm.actor import Actor
from crm.exceptions import CrmError
from crm.export import QueueExportMixin
from crm.staff_views import (
    KeysetQueueView,
    RecordActionMixin,
    RecordPageView,
)
from jobs import export, lifecycle, selectors, services
from jobs.columns import COLUMNS
from jobs.filtersets import JobFilterSet
from jobs.forms import ACTION_FORMS, CreateForm, states_with_statuses
from jobs.queues import DEFAULT_QUEUE, QUEUES, SORTS
from jobs.scopes import scope_of

PAGE_SIZE = 25
# Filters a person may set on a queue page, in the panel's order; a value the queue cannot
# hold moves the page to All jobs (crm.queue_filters). The account is hidden: links set it.
USER_FILTERS = (
    "q",
    "state",
    "status",
    "type",
    "category",
    "assignee",
    "unassigned",
    "group",
    "created_from",
    "created_to",
    "due_after",
    "due_before",
    "completed_from",
    "completed_to",
    "accounts_receivable",
)
READ = "jobs.view_job"
WRITE = "jobs.change_job"
SERVICES = {
    "submit": services.job_update,
    "start_progress": services.job_start_progress,
    "complete": services.job_complete,
    "cancel": services.job_cancel,
    "items": services.job_update,
    "edit": services.job_update,
}
# The success message of each action: a sentence, with the number where it helps.
DONE = {
    "submit": "{number} submitted.",
    "start_progress": "Work started on {number}.",
    "complete": "{number} completed.",
    "cancel": "{number} cancelled.",
    "items": "Requested items saved.",
    "edit": "Changes saved.",
}


class StaffView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = READ


class QueueView(KeysetQueueView):
    permission_required = READ
    template_name = "jobs/job_queue.html"
    table_template = "jobs/includes/queue_table.html"
    queues, sorts, default_queue = QUEUES, SORTS, DEFAULT_QUEUE
    user_filters, multi_filters = USER_FILTERS, ("state",)
    filterset_class, queue_url = JobFilterSet, "job-queue"
    columns, nouns = COLUMNS, ("job", "jobs")

    def select(self, user, filters):
        return selectors.job_queue(user=user, filters=filters, related=self.related)


class ExportView(QueueExportMixin, QueueView):
    """The queue page's rows, every page of them, as CSV (jobs.export)."""

    export = export.EXPORT


def _done(job, action: str) -> str:
    # What completing did comes from the job's scope (jobs.scopes), e.g. "JOB000815
    # completed; subscription S60992 is no longer effective."
    effect = scope_of(job.type).completed_text(job) if action == "complete" else ""
    if effect:
        return f"{job.number} completed; {effect}."
    return DONE[action].format(number=job.number)


class DetailView(RecordPageView):
    template_name = "jobs/job_detail.html"
    context_name = "job"
    detail_url = "job-detail"
    permission_required = READ
    write_permission = WRITE
    not_found = "No such job"
    life_cycle = lifecycle.LIFE_CYCLE
    forms = ACTION_FORMS
    form_record = "job"
    edit_labels = {"items": "Requested items", "edit": "Edit"}

    def fetch(self, user, number: str):
        return selectors.job_detail(user=user, number=number)

    def reachable_states(self, record) -> set[str]:
        return states_with_statuses(record.type)

    def edit_offered(self, record, action: str) -> bool:
        if action == "items":
            return record.life_cycle_state in lifecycle.REQUESTED_EDITABLE
        return record.is_open

    def consequence(self, record, action: str) -> str:
        # What completing does is the scope's to say (jobs.scopes); else, that it is final.
        does = scope_of(record.type).completion_text(record) if action == "complete" else ""
        return does or super().consequence(record, action)

    def extra_context(self, record, user) -> dict:
        sr = record.service_request
        return {
            "service_request": sr if sr and can_see(access_for(user), sr) else None,
            # The account's people the job's contact e-mail or phone names, for their history.
            "contacts": list(selectors.job_contacts(job=record)),
        }


class ActionView(RecordActionMixin, DetailView):
    """One action form of the job's page (crm.staff_views.RecordActionMixin)."""

    permission_required = WRITE

    def done(self, record, action: str) -> str:
        return _done(record, action)

    def perform(self, job, action: str, form) -> None:
        SERVICES[action](actor=Actor.of(self.request.user), job=job, **form.service_kwargs())


class CreateView(StaffView, View):
    permission_required = "jobs.add_job"
    template_name = "jobs/job_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CreateForm(user=request.user)})

    def post(self, request):
        form = CreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                job = services.job_create(actor=Actor.of(request.user), **form.service_kwargs())
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                messages.success(request, f"{job.number} created.")
                return redirect("job-detail", number=job.number)
        return render(request, self.template_name, {"form": form}, status=422)
