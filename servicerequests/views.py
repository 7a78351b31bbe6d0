"""Staff pages for service requests: queues, the detail page with its action forms, create,
and bulk actions. Every write goes through servicerequests.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from crm.access import access_for, can_see
from crm.actor import Actor
from crm.exceptions import CrmError
from crm.staff_views import KeysetQueueView, safe_next
from servicerequests import selectors, services
from servicerequests.filtersets import ServiceRequestFilterSet
from servicerequests.forms import ACTION_FORMS, CreateForm
from servicerequests.lifecycle import TRANSITIONS
from servicerequests.queues import DEFAULT_QUEUE, QUEUES, SORTS

PAGE_SIZE = 25
READ = "servicerequests.view_servicerequest"
WRITE = "servicerequests.change_servicerequest"
# Filters a person may set on a queue page (the queue's own filters always apply).
USER_FILTERS = (
    "type",
    "category",
    "state",
    "priority",
    "assignee",
    "group",
    "due_before",
    "due_after",
    "q",
)


class StaffView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = READ


class QueueView(KeysetQueueView):
    permission_required = READ
    template_name = "servicerequests/servicerequest_queue.html"
    table_template = "servicerequests/includes/queue_table.html"
    queues, sorts, default_queue = QUEUES, SORTS, DEFAULT_QUEUE
    user_filters = USER_FILTERS
    multi_filters = ("state", "priority")

    def select(self, user, filters):
        return selectors.service_request_queue(user=user, filters=filters)

    def get_context_data(self, **kwargs):
        filterset = ServiceRequestFilterSet(self.request.GET)
        return super().get_context_data(filterset=filterset, **self.bulk_choices(), **kwargs)

    def bulk_choices(self) -> dict:
        from crm.models import Group, User

        return {
            "bulk_users": User.objects.filter(is_active=True).only("id", "username", "person_name"),
            "bulk_groups": Group.objects.only("id", "name"),
        }


def _actions(sr, user, bound: dict | None = None) -> list[dict]:
    """The forms the page offers: the table's actions that would succeed now, and edits."""
    offered = []
    for action, form_class in ACTION_FORMS.items():
        if action in TRANSITIONS:
            if sr.life_cycle_state not in TRANSITIONS[action].sources:
                continue
            label, blocker = TRANSITIONS[action].label, services.action_blocker(sr, action)
        else:
            if not sr.is_open:
                continue
            label, blocker = action.title(), None
        form = (bound or {}).get(action) or form_class(sr=sr, user=user, prefix=action)
        offered.append({"action": action, "label": label, "form": form, "blocked": blocker})
    # A refused form stays on the page with its error, even when the request moved on
    # meanwhile (another tab cancelled it): the person sees why nothing happened.
    shown = {item["action"] for item in offered}
    for action, form in (bound or {}).items():
        if action not in shown:
            label = TRANSITIONS[action].label if action in TRANSITIONS else action.title()
            offered.append({"action": action, "label": label, "form": form, "blocked": None})
    return offered


class DetailView(StaffView, View):
    template_name = "servicerequests/servicerequest_detail.html"

    def get(self, request, number: str):
        return self.page(request, self.load(number))

    def load(self, number: str):
        sr = selectors.service_request_detail(user=self.request.user, number=number)
        if sr is None:
            raise Http404("No such service request")
        return sr

    def page(self, request, sr, bound: dict | None = None, status: int = 200):
        job = sr.referring_to_job
        context = {
            "sr": sr,
            "referring_job": job if job and can_see(access_for(request.user), job) else None,
            "actions": _actions(sr, request.user, bound),
            "now": timezone.now(),
            "can_write": request.user.has_perm(WRITE),
        }
        return render(request, self.template_name, context, status=status)


class ActionView(DetailView):
    """POST one action form; on success back to the page, else the page with the errors."""

    permission_required = WRITE
    http_method_names = ["post"]

    def post(self, request, number: str, action: str):
        if action not in ACTION_FORMS:
            raise Http404("No such action")
        sr = self.load(number)
        form = ACTION_FORMS[action](request.POST, sr=sr, user=request.user, prefix=action)
        if form.is_valid():
            try:
                self.perform(sr, action, form)
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                messages.success(request, f"{sr.number}: {_done(action)}.")
                return redirect("sr-detail", number=sr.number)
        return self.page(request, self.load(number), {action: form}, status=422)

    def perform(self, sr, action: str, form) -> None:
        actor = Actor.of(self.request.user)
        kwargs = form.service_kwargs()
        if action in ("assign", "edit"):
            services.service_request_update(service_request=sr, actor=actor, **kwargs)
        elif action.endswith("_accept"):
            services.service_request_accept(
                service_request=sr, actor=actor, action=action, **kwargs
            )
        else:
            services.service_request_step(service_request=sr, actor=actor, action=action, **kwargs)


def _done(action: str) -> str:
    labels = {"assign": "assignment saved", "edit": "changes saved", "take": "assigned to you"}
    return labels.get(action) or (TRANSITIONS[action].label.lower() + " done")


class TakeView(ActionView):
    """Assign the request to oneself in one click."""

    def post(self, request, number: str):
        sr = self.load(number)
        try:
            services.service_request_update(
                service_request=sr, actor=Actor.of(request.user), assignment=(request.user, None)
            )
        except CrmError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{sr.number}: {_done('take')}.")
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
    """Assign selected requests to a user or a group, or cancel the pending ones. Each
    request is its own transaction: one refusal does not undo the others."""

    permission_required = WRITE

    def post(self, request):
        numbers = request.POST.getlist("selected")[:100]
        rows = selectors.service_request_list(user=request.user, filters={}).filter(
            number__in=numbers
        )
        done, refused = 0, []
        for sr in rows:
            try:
                self.apply(sr, request.POST)
                done += 1
            except CrmError as error:
                refused.append(f"{sr.number}: {error.message}")
        if done:
            messages.success(request, f"{done} request(s) updated.")
        for line in refused:
            messages.error(request, line)
        return redirect(safe_next(request, reverse("sr-queue-default")))

    def apply(self, sr, data) -> None:
        from crm.models import Group, User

        actor = Actor.of(self.request.user)
        operation = data.get("operation")
        if operation == "cancel":
            services.service_request_step(service_request=sr, actor=actor, action="cancel")
        elif operation == "assign_user":
            user = User.objects.filter(pk=data.get("user"), is_active=True).first()
            services.service_request_update(
                service_request=sr, actor=actor, assignment=(user, None)
            )
        elif operation == "assign_group":
            group = Group.objects.filter(pk=data.get("group")).first()
            services.service_request_update(
                service_request=sr, actor=actor, changes={"owned_by_group": group}
            )
