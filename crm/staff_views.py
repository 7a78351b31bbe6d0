"""Sign-in and the landing page of the staff pages."""

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from crm import columns, queue_filters, services
from crm.api.auth import LoginThrottle, client_address
from crm.exceptions import CrmError, RateLimited
from crm.models import Notification
from crm.paging import TOTAL_CAP, capped_count, keyset_page


class ThrottledAuthenticationForm(AuthenticationForm):
    """The Web API's failed-login throttle guards the sign-in page too."""

    def clean(self):
        throttle = LoginThrottle(self.data.get("username", ""), client_address(self.request))
        refusal = None

        def check():
            nonlocal refusal
            try:
                return super(ThrottledAuthenticationForm, self).clean()
            except forms.ValidationError as error:
                refusal = error
                return None

        try:
            cleaned = throttle.guarded(check)
        except RateLimited as error:
            raise forms.ValidationError(error.message, code="rate_limited") from None
        if refusal is not None:
            raise refusal
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


def safe_next(request, default: str) -> str:
    """The ``next`` a form posted, if it is a path on this site; else ``default``. A link
    elsewhere (``https://evil.example``) would make the site an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@dataclass(frozen=True)
class Confirmation:
    """What a page asks before an action it cannot undo: the question, which says what
    will happen, and the label of the button that goes ahead."""

    question: str
    yes: str
    no: str = "No, go back"


def is_confirmed(request) -> bool:
    """The person said yes: in the page's dialog (JavaScript adds the field) or on the
    confirmation step the server answered without it."""
    return request.POST.get("confirmed") == "1"


def confirmation_step(request, confirmation: Confirmation, *, back: str) -> dict:
    """Context of ``includes/confirm_step.html``: the question and a form that posts what
    the person sent once more, now confirmed; ``back`` is where "No" leads."""
    skip = {"csrfmiddlewaretoken", "confirmed"}
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in skip
        for value in values
    ]
    return {"ask": confirmation, "url": request.path, "fields": fields, "back": back}


def home(request):
    return redirect("sr-queue-default")


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The signed-in user's notifications, newest first; unread ones stand out."""

    template_name = "crm/notification_list.html"

    def get_context_data(self, **kwargs):
        rows = (
            Notification.objects.visible_to(self.request.user)
            .select_related("service_request", "job")
            .order_by("-created_at")[:100]
        )
        return super().get_context_data(notifications=rows, **kwargs)

    def post(self, request):
        ids = None if request.POST.get("all") else request.POST.getlist("notification")
        count = services.notification_mark_read(user=request.user, notification_ids=ids)
        messages.success(request, f"{count} notification(s) marked as read.")
        return redirect("notifications")


class KeysetQueueView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Base of the queue pages: a fixed queue of filters, the filters a person adds, a sort,
    one keyset page; an htmx refresh gets the table alone.

    Subclasses set ``queues``, ``sorts``, ``default_queue``, ``user_filters`` (names, with
    ``multi_filters`` those that repeat), ``template_name``, ``table_template`` and
    ``select(user, filters)``; ``columns`` (the app's crm.columns declarations, of which
    ``select`` joins ``self.related``) and ``nouns`` (one, many) for the total;
    ``filterset_class`` (the app's FilterSet, whose form is the filter panel) and
    ``queue_url`` (the URL name of a queue), to move to the ``all_queue`` when a person's
    filter does not fit the queue (crm.queue_filters).
    """

    queues: dict = {}
    sorts: dict = {}
    default_queue = ""
    user_filters: tuple[str, ...] = ()
    multi_filters: tuple[str, ...] = ()
    table_template = ""
    page_size = 25
    columns: dict = {}
    nouns = ("record", "records")
    related: tuple[str, ...] = ()
    filterset_class = None
    queue_url = ""
    all_queue = "all"

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return [self.table_template]
        return [self.template_name]

    def select(self, user, filters: dict):
        raise NotImplementedError

    def get(self, request, *args, slug: str | None = None, **kwargs):
        queue = self.queues.get(slug or self.default_queue)
        if queue is None:
            raise Http404("No such queue")
        moved = self.move_to_all(queue, self.place(queue, request.GET))
        return moved or super().get(request, *args, slug=slug, **kwargs)

    def place(self, queue, query):
        """The queue's own filters and the person's from ``query`` (checked by the app's
        FilterSet), and where they put the page (crm.queue_filters.place): the page and
        its CSV export decide alike."""
        self.fixed = queue.filters(self.request.user)
        self.chosen = queue_filters.read(
            self.filterset_class, query, self.user_filters, self.multi_filters
        )
        return queue_filters.place(queue, self.fixed, self.chosen, self)

    def move_to_all(self, queue, placed):
        """A filter the queue cannot hold moves the page to the All queue with the person's
        filters, and says why; with no All queue to go to, the filter is left out, and
        that is said."""
        if not placed.found:
            return None
        if placed.moved_to is None:
            self.note(queue_filters.refused(placed.found, queue))
            return None
        target = placed.moved_to
        messages.info(self.request, queue_filters.moved(placed.found, queue, target))
        query = queue_filters.carried(self.request.GET, queue)
        url = reverse(self.queue_url, args=[target.slug])
        url += f"?{query.urlencode()}" if query else ""
        if self.request.htmx:  # htmx would follow a redirect and swap the page into the table
            return HttpResponse(headers={"HX-Redirect": url})
        return redirect(url)

    def note(self, text: str) -> None:
        """A message on the full page only: each 30-second refresh would add one more."""
        if not self.request.htmx or self.request.htmx.boosted:
            messages.error(self.request, text)

    def rows(self, queue, query):
        """The queue's rows with the person's valid filters, which lie within the queue's
        own (move_to_all) and so may narrow them."""
        user = self.request.user
        for text in self.chosen.ignored:
            self.note(text)
        try:
            return self.select(user, {**self.fixed, **self.chosen.filters})
        except CrmError as error:  # a value the form let through but the selector refused
            self.note(f"Filter ignored: {error.message}")
            return self.select(user, self.fixed)

    def filter_fields(self, queue) -> list:
        """The filter panel's fields, with what choosing outside the queue does."""
        form = self.chosen.form
        target = self.queues.get(self.all_queue)
        queue_filters.explain(form, queue, self.fixed, self.user_filters, target)
        return [form[name] for name in self.user_filters]

    def get_context_data(self, slug: str | None = None, **kwargs):
        queue = self.queues.get(slug or self.default_queue)
        if queue is None:
            raise Http404("No such queue")
        query = self.request.GET
        sort, descending = self.sort_of(queue, query)
        table = self.choose_columns(queue, query)
        rows = self.rows(queue, query)
        page = keyset_page(
            rows,
            sort,
            ascending=not descending,
            size=self.page_size,
            after=query.get("after"),
            before=query.get("before"),
        )
        return super().get_context_data(
            queue=queue,
            page=page,
            sort=sort,
            descending=descending,
            sorts=self.sorts.values(),
            now=timezone.now(),
            # The filter panel opens when a filter is set (a sort alone keeps it closed).
            filtering=any(query.get(name) for name in self.user_filters),
            filter_fields=self.filter_fields(queue),
            total=self.total(rows),
            **table,
            **kwargs,
        )

    def sort_of(self, queue, query) -> tuple:
        """The sort ``query`` asks for (``?sort=-created``), else the queue's; descending?"""
        sort = self.sorts.get(query.get("sort", queue.sort).lstrip("-"), self.sorts[queue.sort])
        return sort, query.get("sort", "-" if queue.descending else "").startswith("-")

    def choose_columns(self, queue, query) -> dict:
        """The columns shown (``?columns=``, else the defaults and the column of the queue's
        own sort) and what ``select`` joins for them; the chooser's context."""
        extra = [key for key, c in self.columns.items() if c.sort == queue.sort]
        shown = columns.chosen(self.columns, query.getlist(columns.PARAM), extra=extra)
        self.related = columns.related_of(shown)
        # The sidebar counts this queue live (crm.context_processors): it agrees with the rows.
        self.request.crm_queue = queue
        keys = {c.key for c in shown}
        return {
            "columns": shown,
            # Each shown column's header, a sort link where the column has a sort.
            "headers": [(c, self.sorts.get(c.sort)) for c in shown],
            "column_choices": [(c, c.key in keys) for c in self.columns.values()],
            # The choice as the URL has it, for the forms that must keep it (filters).
            "columns_param": [c.key for c in shown if not c.required]
            if query.getlist(columns.PARAM)
            else [],
        }

    def total(self, rows) -> str:
        """The total: "25 requests", or "More than 1,000 requests" (counted up to a cap)."""
        count = capped_count(rows, TOTAL_CAP)
        one, many = self.nouns
        if count > TOTAL_CAP:
            return f"More than {TOTAL_CAP:,} {many}"
        return f"{count:,} {one if count == 1 else many}"


class RecordPageView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Base of a work record's detail page (a request's, a job's) with its action forms.

    Subclasses set ``template_name``, ``context_name`` (the record's name in the template),
    ``detail_url``, ``write_permission``, ``life_cycle`` (the app's table), ``forms``
    (action: form class; the table's actions and the app's edits), ``form_record`` (the
    keyword the forms take the record by) and ``edit_labels`` (the edits' titles); and give
    ``fetch(user, number)`` (the app's detail selector), ``reachable_states(record)`` (the
    states its type has a status in), ``edit_offered(record, action)`` and, if the page
    shows more, ``extra_context(record, user)``.
    """

    template_name = ""
    context_name = ""
    detail_url = ""
    write_permission = ""
    not_found = "No such record"
    life_cycle = None
    forms: dict = {}
    form_record = "record"
    edit_labels: dict = {}

    def fetch(self, user, number: str):
        raise NotImplementedError

    def reachable_states(self, record) -> set[str]:
        raise NotImplementedError

    def edit_offered(self, record, action: str) -> bool:
        return record.is_open

    def blocker(self, record, action: str) -> str | None:
        """Why a table action would be refused now (shown instead of its form), or None."""
        return None

    def consequence(self, record, action: str) -> str:
        """What an action that asks first does, as the question's second sentence."""
        return "It cannot be reopened."

    def extra_context(self, record, user) -> dict:
        return {}

    def get(self, request, number: str):
        record = self.load(number)
        # Opening the record is reading what it was notified for (one UPDATE).
        services.notification_mark_read_for(user=request.user, record=record)
        return self.page(request, record)

    def load(self, number: str):
        record = self.fetch(self.request.user, number)
        if record is None:
            raise Http404(self.not_found)
        return record

    def page(self, request, record, bound=None, status: int = 200, confirming=None):
        context = {
            self.context_name: record,
            "actions": self.actions(record, request.user, bound),
            "now": timezone.now(),
            "can_write": request.user.has_perm(self.write_permission),
            "confirming": confirming,
            **self.extra_context(record, request.user),
        }
        return render(request, self.template_name, context, status=status)

    # -- the actions the page offers ------------------------------------------------------

    def actions(self, record, user, bound: dict | None = None) -> list[dict]:
        """The forms the page offers: the table's actions that could succeed now (a step
        to a state the type has no status in never could), and the edits."""
        bound = bound or {}
        # One query for the type's states with a status, and only if a step needs it.
        reachable = functools.cache(lambda: self.reachable_states(record))
        offered = []
        for action, form_class in self.forms.items():
            if not self.offered(record, action, reachable):
                continue
            form = bound.get(action) or form_class(
                **{self.form_record: record}, user=user, prefix=action
            )
            blocked = self.blocker(record, action) if action in self.life_cycle else None
            offered.append(self.item(record, action, form, blocked))
        # A refused form stays on the page with its error, even when the record moved on
        # meanwhile (another tab cancelled it): the person sees why nothing happened.
        shown = {item["action"] for item in offered}
        offered += [self.item(record, a, form) for a, form in bound.items() if a not in shown]
        return offered

    def offered(self, record, action: str, reachable) -> bool:
        if action not in self.life_cycle:
            return self.edit_offered(record, action)
        step = self.life_cycle[action]
        if record.life_cycle_state not in step.sources:
            return False
        return step.target is None or step.target in reachable()

    def item(self, record, action: str, form, blocked: str | None = None) -> dict:
        return {
            "action": action,
            "label": self.label(action),
            "form": form,
            "blocked": blocked,
            "confirm": self.confirmation(record, action),
        }

    def label(self, action: str) -> str:
        if action in self.life_cycle:
            return self.life_cycle[action].label
        return self.edit_labels.get(action, action.title())

    def confirmation(self, record, action: str) -> Confirmation | None:
        """The question asked before an action the table marks ``asks_first``, or None."""
        if action not in self.life_cycle or not self.life_cycle[action].asks_first:
            return None
        label = self.life_cycle[action].label
        return Confirmation(
            f"{label} {record.number}? {self.consequence(record, action)}",
            f"Yes, {label.lower()} {record.number}",
        )


class RecordActionMixin:
    """POST one action form of a ``RecordPageView``; on success back to the page with a
    message, else the page with the errors. An action that asks first answers, unconfirmed,
    with the page and the question. Subclasses give ``perform(record, action, form)`` and
    ``done(record, action)`` (the message)."""

    def get(self, request, number: str, action: str):
        """The address bar shows this URL after a refused form; reloading it (a GET) leads
        to the record's page rather than to a 405."""
        if action not in self.forms:
            raise Http404("No such action")
        return redirect(self.detail_url, number=number)

    def post(self, request, number: str, action: str):
        if action not in self.forms:
            raise Http404("No such action")
        record = self.load(number)
        kwargs = {self.form_record: record, "user": request.user, "prefix": action}
        form = self.forms[action](request.POST, **kwargs)
        if form.is_valid():
            ask = self.confirmation(record, action)
            if ask and not is_confirmed(request):
                back = reverse(self.detail_url, args=[record.number])
                step = confirmation_step(request, ask, back=back)
                return self.page(request, record, {action: form}, confirming=step)
            try:
                self.perform(record, action, form)
            except CrmError as error:
                form.add_error(form.field_for(error.param), error.message)
            else:
                messages.success(request, self.done(record, action))
                return redirect(self.detail_url, number=record.number)
        return self.page(request, self.load(number), {action: form}, status=422)


def record_urls(prefix: str, views, *, collection=(), record=()) -> list:
    """The staff URLs of a work record app: queues and their CSV, create, detail, actions.
    ``collection`` and ``record`` add paths of the app's own under the app's root and under
    a record."""
    from django.urls import path

    return [
        path("", views.QueueView.as_view(), name=f"{prefix}-queue-default"),
        path("queue/<slug:slug>/", views.QueueView.as_view(), name=f"{prefix}-queue"),
        # The queue's rows as CSV, with the page's query string (crm.export).
        path(
            "queue/<slug:slug>/export.csv",
            views.ExportView.as_view(),
            name=f"{prefix}-queue-export",
        ),
        path("new/", views.CreateView.as_view(), name=f"{prefix}-create"),
        *collection,
        path("<str:number>/", views.DetailView.as_view(), name=f"{prefix}-detail"),
        *record,
        path("<str:number>/<slug:action>/", views.ActionView.as_view(), name=f"{prefix}-action"),
    ]
