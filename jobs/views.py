"""Staff pages for jobs: queues, the detail page with its action forms, and create. Every
write goes through jobs.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from crm.access import access_for, can_see
from crm.actor import Actor
from crm.exceptions import CrmError
from crm.staff_views import KeysetQueueView
from jobs import lifecycle, selectors, services
from jobs.forms import ACTION_FORMS, CreateForm
from jobs.queues import DEFAULT_QUEUE, QUEUES, SORTS

PAGE_SIZE = 25
# Filters a person may set on a queue page (the queue's own filters always apply).
USER_FILTERS = ("q", "accounts_receivable", "type", "assignee", "group")
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
DONE = {"submit": "submitted", "items": "requested items saved", "edit": "changes saved"}


class StaffView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = READ


class QueueView(KeysetQueueView):
    permission_required = READ
    template_name = "jobs/job_queue.html"
    table_template = "jobs/includes/queue_table.html"
    queues, sorts, default_queue = QUEUES, SORTS, DEFAULT_QUEUE
    user_filters = USER_FILTERS

    def select(self, user, filters):
        return selectors.job_queue(user=user, filters=filters)

    def get_context_data(self, **kwargs):
        from jobs.models import JobType

        return super().get_context_data(job_types=JobType.objects.only("id", "name"), **kwargs)


def _offered(job, action: str) -> bool:
    if action in ("items",):
        return job.life_cycle_state in lifecycle.REQUESTED_EDITABLE
    if action == "edit":
        return job.is_open
    return job.life_cycle_state in lifecycle.TRANSITIONS[action].sources


def _actions(job, user, bound: dict | None = None) -> list[dict]:
    """The forms the page offers: what the transition table allows in the job's state."""
    offered = []
    for action, form_class in ACTION_FORMS.items():
        if not _offered(job, action):
            continue
        label = (
            lifecycle.TRANSITIONS[action].label
            if action in lifecycle.TRANSITIONS
            else ("Requested items" if action == "items" else "Edit")
        )
        form = (bound or {}).get(action) or form_class(job=job, user=user, prefix=action)
        offered.append({"action": action, "label": label, "form": form})
    return offered


class DetailView(StaffView, View):
    template_name = "jobs/job_detail.html"

    def get(self, request, number: str):
        return self.page(request, self.load(number))

    def load(self, number: str):
        job = selectors.job_detail(user=self.request.user, number=number)
        if job is None:
            raise Http404("No such job")
        return job

    def page(self, request, job, bound: dict | None = None, status: int = 200):
        sr = job.service_request
        context = {
            "job": job,
            "actions": _actions(job, request.user, bound),
            "now": timezone.now(),
            "can_write": request.user.has_perm(WRITE),
            "service_request": sr if sr and can_see(access_for(request.user), sr) else None,
        }
        return render(request, self.template_name, context, status=status)


class ActionView(DetailView):
    """POST one action form; on success back to the page, else the page with the errors."""

    permission_required = WRITE
    http_method_names = ["post"]

    def post(self, request, number: str, action: str):
        if action not in ACTION_FORMS:
            raise Http404("No such action")
        job = self.load(number)
        form = ACTION_FORMS[action](request.POST, job=job, user=request.user, prefix=action)
        if form.is_valid():
            try:
                SERVICES[action](actor=Actor.of(request.user), job=job, **form.service_kwargs())
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                label = DONE.get(action) or lifecycle.TRANSITIONS[action].label.lower() + " done"
                messages.success(request, f"{job.number}: {label}.")
                return redirect("job-detail", number=job.number)
        return self.page(request, self.load(number), {action: form}, status=422)


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
