"""``jobs/deactivate_subscription/*`` and ``jobs/all_scopes/*`` (contract section 4).

Each class declares its parameters, then calls one selector or service and renders the job
object; the rules live in :mod:`jobs.services` and :mod:`jobs.lifecycle`.
"""

from __future__ import annotations

from crm.api.common import assigned_to_param
from crm.api.identifiers import find
from crm.api.params import Bool, DateTime, Ident, Rules
from crm.api.rows import fetch as fetch_rows
from crm.api.search import SearchMethod, query_param
from crm.api.views import ApiMethod
from crm.exceptions import ValidationFailed
from jobs import selectors, services
from jobs.api.params import (
    CREATE_SETS,
    UPDATE_SETS,
    actor,
    assignment,
    attributes,
    billing_terms,
    billing_terms_param,
    clears_completion,
    create_sets,
    detail_params,
    set_changes,
)
from jobs.api.serializers import JobNextStatusRepr, JobRepr
from jobs.models import FulfillmentScope, Job
from jobs.models import JobLifeCycleState as S

READ = "jobs.view_job"
CREATE = "jobs.add_job"
WRITE = "jobs.change_job"
JOB = "job_identifier"
AR = "accounts_receivable_identifier"
TYPE = "type_identifier"
DS = FulfillmentScope.DEACTIVATE_SUBSCRIPTION
DS_TAG = "jobs: deactivate subscription"
ALL_TAG = "jobs: all scopes"
COMPLETION = ("expected_completion_date", "estimated_completion_time")
WRITE_ERRORS = (
    "MISSING_MANDATORY_PARAMETER",
    "INVALID_IDENTIFIER",
    "INVALID_LIFE_CYCLE_STATE",
    "VALIDATION_ERROR",
)


def render_job(view: ApiMethod, ctx, job: Job, params: dict) -> dict:
    """The job as it is now, with what ``fields_set`` asks for (the caller just wrote it)."""
    rows = fetch_rows(JobRepr, Job.objects.filter(pk=job.pk), params.get("fields_set"))
    return view.render_one(ctx, rows.get(), params)


def check_scope(job_type, scope: str) -> None:
    if job_type is not None and job_type.fulfillment_scope != scope:
        raise ValidationFailed(
            "The job type is of another fulfilment scope.",
            param=TYPE,
            detail=f"{job_type.name} is of scope {job_type.fulfillment_scope}, not {scope}",
        )


# -- show ---------------------------------------------------------------------------------------


class JobShowMethod(ApiMethod):
    """Base of ``show``: one visible job (of ``scope`` when set), fetched with its joins."""

    summary = "Show a job."
    permission = READ
    params = {JOB: Ident("job", required=True, resolve=False)}
    representation = JobRepr
    errors = ("INVALID_IDENTIFIER",)
    scope: str | None = None

    def handle(self, ctx, params):
        queryset = selectors.job_queryset(user=ctx.user, scope=self.scope)
        rows = fetch_rows(JobRepr, queryset, params.get("fields_set"))
        return self.render_one(ctx, find(params[JOB], rows), params)


class DeactivateSubscriptionShow(JobShowMethod):
    """One job of fulfilment scope Deactivate Subscription."""

    method_name = "jobs/deactivate_subscription/show"
    tag = DS_TAG
    summary = "Show a deactivate-subscription job."
    scope = DS


class AllScopesShow(JobShowMethod):
    """One job of any fulfilment scope."""

    method_name = "jobs/all_scopes/show"
    tag = ALL_TAG


# -- create and update --------------------------------------------------------------------------


class DeactivateSubscriptionCreate(ApiMethod):
    """Create a job that deactivates a subscription when it completes. The status decides
    the state (DRAFT or PENDING; default: the type's default DRAFT status). Give
    ``expected_completion_date`` or ``estimated_completion_time`` (or neither: the type's
    estimate applies). The type's mandatory items are added to the requested sets."""

    method_name = "jobs/deactivate_subscription/create"
    creates = True
    verb = "POST"
    tag = DS_TAG
    summary = "Create a deactivate-subscription job."
    permission = CREATE
    params = {
        TYPE: Ident("job_type", required=True),
        AR: Ident("accounts_receivable", required=True),
        "subscription_identifier": Ident("subscription", required=True),
        "service_request_identifier": Ident("service_request"),
        **detail_params(update=False),
        "billing_terms": billing_terms_param(create=True),
        "assigned_to": assigned_to_param(required=True),
        **CREATE_SETS,
    }
    rules = Rules(at_most_one_of=[COMPLETION])
    representation = JobRepr
    errors = WRITE_ERRORS

    def handle(self, ctx, params):
        values = attributes(params)
        if params.get("service_request_identifier") is not None:
            values["service_request"] = params["service_request_identifier"]
        job = services.job_create(
            actor=actor(ctx),
            type=params[TYPE],
            accounts_receivable=params[AR],
            subscription=params["subscription_identifier"],
            assigned_to=assignment(params["assigned_to"]),
            status=params.get("status_identifier"),
            billing_terms=billing_terms(params.get("billing_terms")),
            start_date=params.get("start_date"),
            expected_completion_date=params.get("expected_completion_date"),
            estimated_completion_time=params.get("estimated_completion_time"),
            attributes=values,
            sets=create_sets(params),
            now=ctx.render.now,
        )
        return render_job(self, ctx, job, params)


class DeactivateSubscriptionUpdate(ApiMethod):
    """Update one deactivate-subscription job. Absent: unchanged; ``null``: cleared. A
    PENDING status moves a DRAFT job to PENDING. Requested sets and billing terms change
    only while DRAFT or PENDING, ``physical_goods_set`` and ``expenses_set`` only while
    IN_PROGRESS. Removing a mandatory requested item keeps it."""

    method_name = "jobs/deactivate_subscription/update"
    verb = "POST"
    tag = DS_TAG
    summary = "Update a deactivate-subscription job."
    permission = WRITE
    params = {
        JOB: Ident("job", required=True, resolve=False),
        **detail_params(update=True),
        "billing_terms": billing_terms_param(create=False),
        # A job is always assigned (create requires it): null is refused, never ignored.
        "assigned_to": assigned_to_param(refuse_null=True),
        **UPDATE_SETS,
    }
    rules = Rules(at_most_one_of=[COMPLETION])
    representation = JobRepr
    errors = WRITE_ERRORS

    def handle(self, ctx, params):
        job = services.job_update(
            actor=actor(ctx),
            job=find(params[JOB], selectors.job_queryset(user=ctx.user, scope=DS)),
            status=params.get("status_identifier"),
            assigned_to=assignment(params.get("assigned_to")),
            billing_terms=billing_terms(params.get("billing_terms")),
            start_date=params.get("start_date"),
            expected_completion_date=params.get("expected_completion_date"),
            estimated_completion_time=params.get("estimated_completion_time"),
            clear_completion=clears_completion(params),
            attributes=attributes(params),
            set_changes=set_changes(params),
            now=ctx.render.now,
        )
        return render_job(self, ctx, job, params)


# -- lists --------------------------------------------------------------------------------------


class JobListMethod(ApiMethod):
    """Base of the job lists: visible jobs through the one FilterSet, paged."""

    tag = ALL_TAG
    permission = READ
    params = {AR: Ident("accounts_receivable"), TYPE: Ident("job_type")}
    representation = JobRepr
    many = True
    paged = True
    filters: dict = {}
    order_by = selectors.JOB_NEWEST_FIRST

    def handle(self, ctx, params):
        filters = {**self.identifier_filters(params), **self.filters}
        queryset = selectors.job_list(user=ctx.user, filters=filters, order_by=self.order_by)
        return self.render_list(ctx, queryset, params)

    @staticmethod
    def identifier_filters(params: dict) -> dict:
        given = {"accounts_receivable": params.get(AR), "type": params.get(TYPE)}
        return {name: row.pk for name, row in given.items() if row is not None}


class DeactivateSubscriptionList(JobListMethod):
    """The latest deactivate-subscription jobs of an account or of a type (exactly one of
    the two), the most recently updated first."""

    method_name = "jobs/deactivate_subscription/list"
    tag = DS_TAG
    summary = "List deactivate-subscription jobs, latest updated first."
    rules = Rules(exactly_one_of=[(AR, TYPE)])
    filters = {"scope": DS}
    order_by = selectors.JOB_LATEST_UPDATED_FIRST
    errors = ("MISSING_MANDATORY_PARAMETER", "INVALID_IDENTIFIER", "VALIDATION_ERROR")

    def handle(self, ctx, params):
        check_scope(params.get(TYPE), DS)
        return super().handle(ctx, params)


class AllScopesList(JobListMethod):
    """The jobs of an account or of a type (exactly one of the two), newest first."""

    method_name = "jobs/all_scopes/list"
    summary = "List the jobs of an account or a type."
    rules = Rules(exactly_one_of=[(AR, TYPE)])
    errors = ("MISSING_MANDATORY_PARAMETER", "INVALID_IDENTIFIER")


def state_list(name: str, method: str, summary: str, filters: dict) -> type[JobListMethod]:
    """A ``get_<state>`` list: optional account and type, newest first."""
    doc = f"{summary} Optionally of one account and / or one type, newest first."
    attrs = {
        "__doc__": doc,
        "method_name": f"jobs/all_scopes/{method}",
        "summary": summary,
        "filters": filters,
        "errors": ("INVALID_IDENTIFIER",),
    }
    return type(name, (JobListMethod,), attrs)


GetDraft = state_list("GetDraft", "get_draft", "Draft jobs.", {"state": [S.DRAFT]})
GetPending = state_list("GetPending", "get_pending", "Pending jobs.", {"state": [S.PENDING]})
GetInProgress = state_list(
    "GetInProgress", "get_in_progress", "Jobs in progress.", {"state": [S.IN_PROGRESS]}
)
GetCompleted = state_list(
    "GetCompleted", "get_completed", "Completed jobs.", {"state": [S.COMPLETED]}
)
GetCancelled = state_list(
    "GetCancelled", "get_cancelled", "Cancelled jobs.", {"state": [S.CANCELLED]}
)
GetOverdue = state_list(
    "GetOverdue",
    "get_overdue",
    "Open jobs past their expected completion date.",
    {"overdue": True},
)


class Search(SearchMethod):
    """Jobs of any scope matching a text, best match first (contract section 13)."""

    method_name = "jobs/search"
    tag = ALL_TAG
    summary = "Search jobs: number, account, subscription, contact e-mail or phone."
    permission = READ
    params = query_param(
        "the number; the account's number or name; the subscription's number; the contact "
        "e-mail or phone"
    )
    representation = JobRepr
    search = staticmethod(selectors.job_search)


class NextStatusSequence(ApiMethod):
    """The statuses a job may take next: the type's status sequence from the job's status,
    within what the life cycle allows next."""

    method_name = "jobs/all_scopes/get_next_status_sequence"
    tag = ALL_TAG
    summary = "List the statuses a job may move to next."
    permission = READ
    params = {JOB: Ident("job", required=True)}
    representation = JobNextStatusRepr
    many = True
    errors = ("INVALID_IDENTIFIER",)

    def handle(self, ctx, params):
        return self.render_list(ctx, selectors.job_next_statuses(job=params[JOB]), params)


# -- life cycle actions -------------------------------------------------------------------------


class JobAction(ApiMethod):
    """Base of the life cycle actions: POST, the job and an optional status, the job back."""

    verb = "POST"
    tag = ALL_TAG
    permission = WRITE
    representation = JobRepr
    errors = WRITE_ERRORS
    common = {JOB: Ident("job", required=True), "status_identifier": Ident("job_status")}

    def handle(self, ctx, params):
        return render_job(self, ctx, self.act(ctx, params), params)

    def act(self, ctx, params) -> Job:
        raise NotImplementedError


class StartProgress(JobAction):
    """Start a PENDING job (default status: the type's default IN_PROGRESS status); its
    requested activity services become activities."""

    method_name = "jobs/all_scopes/start_progress"
    summary = "Start progress on a pending job."
    params = JobAction.common

    def act(self, ctx, params):
        return services.job_start_progress(
            actor=actor(ctx),
            job=params[JOB],
            status=params.get("status_identifier"),
            now=ctx.render.now,
        )


class Complete(JobAction):
    """Complete a job IN_PROGRESS (default status: the type's default COMPLETED status). A
    deactivate-subscription job makes its subscription NOT_EFFECTIVE at the same time."""

    method_name = "jobs/all_scopes/complete"
    summary = "Complete a job in progress."
    params = {
        **JobAction.common,
        "performed_by_user_identifier": Ident(
            "user", description="Only for jobs of scope NEW_SUBSCRIPTION."
        ),
        "performed_on": DateTime(description="Only for jobs of scope NEW_SUBSCRIPTION."),
        "scheduled_date": DateTime(
            description="Only for scopes that amend subscriptions on a schedule."
        ),
    }

    def act(self, ctx, params):
        return services.job_complete(
            actor=actor(ctx),
            job=params[JOB],
            status=params.get("status_identifier"),
            scheduled_date=params.get("scheduled_date"),
            performed_by=params.get("performed_by_user_identifier"),
            performed_on=params.get("performed_on"),
            now=ctx.render.now,
        )


class Cancel(JobAction):
    """Cancel a job that is not COMPLETED or CANCELLED (defaults: the type's CANCELLED
    status and its default reason)."""

    method_name = "jobs/all_scopes/cancel"
    summary = "Cancel a job."
    params = {
        **JobAction.common,
        "cancellation_reason_identifier": Ident("job_cancellation_reason"),
        "cancel_provided_items": Bool(
            description="Also remove the goods and expenses already provided (default false)."
        ),
    }

    def act(self, ctx, params):
        return services.job_cancel(
            actor=actor(ctx),
            job=params[JOB],
            status=params.get("status_identifier"),
            reason=params.get("cancellation_reason_identifier"),
            cancel_provided_items=params.get("cancel_provided_items", False),
            now=ctx.render.now,
        )


VIEWS = [
    DeactivateSubscriptionShow,
    DeactivateSubscriptionCreate,
    DeactivateSubscriptionUpdate,
    DeactivateSubscriptionList,
    AllScopesShow,
    AllScopesList,
    GetDraft,
    GetPending,
    GetInProgress,
    GetCompleted,
    GetCancelled,
    GetOverdue,
    Search,
    StartProgress,
    Complete,
    Cancel,
    NextStatusSequence,
]
