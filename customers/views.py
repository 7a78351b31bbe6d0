"""Customer history: an account's or a contact's service requests and jobs, newest first,
each list with its counts by life cycle state (each a link that filters the list) and its
own keyset pages. Read-only; every row and every count through the request and job apps'
selectors, so the viewer sees and counts only what contract section 6 lets them see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import TextChoices
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from crm.paging import Sort, keyset_page
from customers import selectors
from jobs import selectors as job_selectors
from jobs.models import JobLifeCycleState
from servicerequests import selectors as sr_selectors
from servicerequests.models import LifeCycleState

PAGE_SIZE = 25
NEWEST = Sort("created", "created_date", "Created")


@dataclass(frozen=True)
class Kind:
    """One list of a history page. ``prefix`` names its query parameters (``sr_state``,
    ``sr_after``, ``sr_before``), so that the two lists filter and page apart."""

    prefix: str
    title: str
    noun: str
    permission: str
    states: type[TextChoices]
    detail_url: str
    rows: Callable  # selector(user=, filters=): the rows with their columns' joins
    counts: Callable  # selector(user=, filters=): {state: count}


REQUESTS = Kind(
    "sr",
    "Service requests",
    "requests",
    "servicerequests.view_servicerequest",
    LifeCycleState,
    "sr-detail",
    sr_selectors.service_request_history,
    sr_selectors.service_request_state_counts,
)
JOBS = Kind(
    "job",
    "Jobs",
    "jobs",
    "jobs.view_job",
    JobLifeCycleState,
    "job-detail",
    job_selectors.job_history,
    job_selectors.job_state_counts,
)


def link(query, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = query.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return f"?{query.urlencode()}"


class HistoryView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Base of the two history pages. Either app's view permission opens the page; each
    list shows only for a person with its own app's permission. Subclasses give
    ``customer(**kwargs)`` (the account or contact, or None) and ``filters(customer)``:
    {kind: the filters of the app's FilterSet that select the customer's rows}."""

    kinds = (REQUESTS, JOBS)

    def has_permission(self) -> bool:
        return any(self.request.user.has_perm(kind.permission) for kind in self.kinds)

    def customer(self, **kwargs):
        raise NotImplementedError

    def filters(self, customer) -> dict[Kind, dict]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        customer = self.customer(**kwargs)
        if customer is None:
            raise Http404("No such customer")
        user = self.request.user
        chosen = {
            kind: filters
            for kind, filters in self.filters(customer).items()
            if user.has_perm(kind.permission)
        }
        # The links keep the other list's state: only a valid one, checked before any link.
        self.query = self.request.GET.copy()
        states = {kind: self.state(kind) for kind in chosen}
        sections = [self.section(kind, filters, states[kind]) for kind, filters in chosen.items()]
        return super().get_context_data(
            customer=customer, sections=sections, now=timezone.now(), **kwargs
        )

    def state(self, kind: Kind) -> str:
        """The state the list is filtered to, if the life cycle has it; else "" (every
        state), and the page says why."""
        state = self.query.pop(f"{kind.prefix}_state", [""])[-1]
        if state and state not in kind.states.values:
            states = ", ".join(kind.states.labels)
            messages.error(
                self.request,
                f"“{state}” is not a state of {kind.noun}; showing {kind.noun} in every state. "
                f"The states are: {states}.",
            )
            return ""
        if state:
            self.query[f"{kind.prefix}_state"] = state
        return state

    def section(self, kind: Kind, filters: dict, state: str) -> dict:
        """One list: its counts by state, a page of rows (of ``state`` if given), links."""
        user = self.request.user
        counts = kind.counts(user=user, filters=filters)
        rows = kind.rows(user=user, filters={**filters, "state": [state]} if state else filters)
        page = keyset_page(
            rows,
            NEWEST,
            ascending=False,
            size=PAGE_SIZE,
            after=self.query.get(f"{kind.prefix}_after"),
            before=self.query.get(f"{kind.prefix}_before"),
        )
        return {
            "kind": kind,
            "state": state,
            "state_label": kind.states(state).label if state else "",
            "total": sum(counts.values()),
            "all_url": self.state_link(kind, None),
            "counts": [
                {
                    "state": value,
                    "label": label,
                    "count": counts.get(value, 0),
                    "url": self.state_link(kind, value),
                }
                for value, label in kind.states.choices
            ],
            "page": page,
            **self.pager(kind, page),
        }

    def state_link(self, kind: Kind, state: str | None) -> str:
        """The page with one list filtered to ``state`` (None: every state), from its first
        page; the other list stays as it is."""
        p = kind.prefix
        return link(self.query, **{f"{p}_state": state, f"{p}_after": None, f"{p}_before": None})

    def pager(self, kind: Kind, page) -> dict:
        query, p = self.query, kind.prefix
        paged = query.get(f"{p}_after") or query.get(f"{p}_before")
        return {
            "next_url": page.next_cursor
            and link(query, **{f"{p}_after": page.next_cursor, f"{p}_before": None}),
            "previous_url": page.previous_cursor
            and link(query, **{f"{p}_before": page.previous_cursor, f"{p}_after": None}),
            "first_url": paged and link(query, **{f"{p}_after": None, f"{p}_before": None}),
        }


class AccountHistoryView(HistoryView):
    template_name = "customers/account_history.html"

    def customer(self, number: str):
        return selectors.account_detail(number=number)

    def filters(self, account) -> dict[Kind, dict]:
        return {REQUESTS: {"account": account.pk}, JOBS: {"accounts_receivable": account.pk}}


class ContactHistoryView(HistoryView):
    template_name = "customers/contact_history.html"

    def customer(self, contact_id: str):
        return selectors.contact_detail(contact_id=contact_id)

    def filters(self, contact) -> dict[Kind, dict]:
        # A request names its caller; a job names its contact by e-mail and phone
        # (jobs.models.JobQuerySet.for_contact).
        return {REQUESTS: {"caller": contact.pk}, JOBS: {"contact": contact.pk}}
