"""``service_requests/*``: reads, create, update and the life cycle actions.

Each class parses (its declared parameters), calls one selector or service, and renders the
service request object.
"""

from django.utils import timezone

from crm.actor import Actor
from crm.api.identifiers import find
from crm.api.params import Enum, Ident, Int, Rules
from crm.api.rows import fetch as fetch_rows
from crm.api.search import SearchMethod, query_param
from crm.api.views import ApiMethod
from crm.timeperiods import PeriodOverflow, TimeUnit, add_period
from servicerequests import selectors, services
from servicerequests.api import params as p
from servicerequests.api.objects import ServiceRequestRepr
from servicerequests.models import LifeCycleState, ServiceRequest

SR = "service_request_identifier"
READ = "servicerequests.view_servicerequest"
WRITE = "servicerequests.change_servicerequest"
S = LifeCycleState


def render_request(view: ApiMethod, ctx, service_request: ServiceRequest, params: dict) -> dict:
    """The request as it is now, with what ``fields_set`` asks for."""
    names = params.get("fields_set")
    row = fetch_rows(
        ServiceRequestRepr, ServiceRequest.objects.filter(pk=service_request.pk), names
    )
    return view.render_one(ctx, row.get(), params)


class Show(ApiMethod):
    """One service request."""

    method_name = "service_requests/show"
    tag = "service requests"
    summary = "Show a service request."
    permission = READ
    # Resolved here with the joins fields_set needs: one query for the request.
    params = {SR: Ident("service_request", required=True, resolve=False)}
    representation = ServiceRequestRepr

    def handle(self, ctx, params):
        names = params.get("fields_set")
        rows = fetch_rows(ServiceRequestRepr, ServiceRequest.objects.visible_to(ctx.user), names)
        return self.render_one(ctx, find(params[SR], rows), params)


class ListMethod(ApiMethod):
    """Base of the list methods: visible requests through the one FilterSet, newest first."""

    tag = "service requests"
    permission = READ
    params = p.LIST_FILTERS
    representation = ServiceRequestRepr
    many = True
    paged = True
    filters: dict = {}

    def handle(self, ctx, params):
        filters = {**p.identifier_filters(params), **self.method_filters(params)}
        queryset = selectors.service_request_list(user=ctx.user, filters=filters)
        return self.render_list(ctx, queryset, params)

    def method_filters(self, params) -> dict:
        return dict(self.filters)


class List(ListMethod):
    """The requests of an account or of a caller."""

    method_name = "service_requests/list"
    summary = "List the service requests of an account or a caller."
    rules = Rules(exactly_one_of=[("accounts_receivable_identifier", "caller_identifier")])


def state_list(name: str, state: str, summary: str, **filters) -> type[ListMethod]:
    return type(
        name,
        (ListMethod,),
        {
            "__doc__": summary,
            "method_name": f"service_requests/{name}",
            "summary": summary,
            "filters": {"state": [state], **filters} if state else filters,
        },
    )


GetOverdue = state_list(
    "get_overdue", "", "Open service requests past their expected completion.", overdue=True
)
GetPending = state_list("get_pending", S.PENDING, "Service requests in PENDING.")
GetResponded = state_list("get_responded", S.RESPONDED, "Service requests in RESPONDED.")
GetRespondedPendingAcceptance = state_list(
    "get_responded_pending_acceptance",
    S.RESPONDED,
    "RESPONDED requests whose response awaits the customer's acceptance.",
    pending_acceptance="response",
)
GetTemporaryResolved = state_list(
    "get_temporary_resolved", S.TEMPORARY_RESOLVED, "Service requests in TEMPORARY_RESOLVED."
)
GetTemporaryResolvedPendingAcceptance = state_list(
    "get_temporary_resolved_pending_acceptance",
    S.TEMPORARY_RESOLVED,
    "TEMPORARY_RESOLVED requests whose resolution awaits the customer's acceptance.",
    pending_acceptance="temporary_resolution",
)
GetFinalResolved = state_list(
    "get_final_resolved", S.FINAL_RESOLVED, "Service requests in FINAL_RESOLVED."
)
GetFinalResolvedPendingAcceptance = state_list(
    "get_final_resolved_pending_acceptance",
    S.FINAL_RESOLVED,
    "FINAL_RESOLVED requests whose resolution awaits the customer's acceptance.",
    pending_acceptance="final_resolution",
)
GetCompleted = state_list("get_completed", S.COMPLETED, "Service requests in COMPLETED.")
GetCancelled = state_list("get_cancelled", S.CANCELLED, "Service requests in CANCELLED.")


class GetCloseToEstimatedCompletionTime(ListMethod):
    """Open requests whose expected completion lies between now and now + period."""

    method_name = "service_requests/get_close_to_estimated_completion_time"
    summary = "Open service requests due within a period from now."
    params = {
        "period": Int(required=True, max_value=100_000, description="How close, in `uot` units."),
        "uot": Enum(TimeUnit.values, required=True),
        "accounts_receivable_identifier": Ident("accounts_receivable"),
        "type_identifier": Ident("service_request_type"),
        **p.SLA_STATUS,
    }

    def method_filters(self, params):
        now = timezone.now()
        try:
            until = add_period(now, params["period"], params["uot"])
        except PeriodOverflow:
            # Beyond the calendar: every open request with a date is "close enough".
            return {"open": True, "due_after": now}
        return {"open": True, "due_after": now, "due_before": until}


class Search(SearchMethod):
    """Requests matching a text, best match first (contract section 13)."""

    method_name = "service_requests/search"
    tag = "service requests"
    summary = "Search service requests: number, account, caller, e-mail, phone, description."
    permission = READ
    params = query_param(
        "the number; the account's number or name; the caller's name; the caller e-mail or "
        "phone; words of the description (a word's beginning is enough)"
    )
    representation = ServiceRequestRepr
    search = staticmethod(selectors.service_request_search)


class Create(ApiMethod):
    """Raise a service request (a later status takes its response and resolutions too)."""

    method_name = "service_requests/create"
    creates = True
    verb = "POST"
    tag = "service requests"
    summary = "Create a service request."
    permission = "servicerequests.add_servicerequest"
    params = p.CREATE
    rules = Rules(at_most_one_of=[("expected_completion_date", "estimated_completion_time")])
    representation = ServiceRequestRepr
    errors = ("VALIDATION_ERROR", "INVALID_LIFE_CYCLE_STATE")

    def handle(self, ctx, params):
        sr = services.service_request_create(
            actor=Actor.of(ctx.user, ctx.unit),
            type=params["type_identifier"],
            accounts_receivable=params["accounts_receivable_identifier"],
            caller=params.get("contact_information_identifier"),
            status=params["status_identifier"],
            category=params["category_identifier"],
            urgency_level=params["urgency_level"],
            impact_level=params["impact_level"],
            fields=p.create_fields(params),
            steps=p.steps_from(params),
            sets=p.create_sets(params),
        )
        return render_request(self, ctx, sr, params)


class Update(ApiMethod):
    """Change a request: absent parameters stay as they are, null clears."""

    method_name = "service_requests/update"
    verb = "POST"
    tag = "service requests"
    summary = "Update a service request."
    permission = WRITE
    params = p.UPDATE
    rules = Rules(at_most_one_of=[("expected_completion_date", "estimated_completion_time")])
    representation = ServiceRequestRepr
    errors = ("VALIDATION_ERROR", "INVALID_LIFE_CYCLE_STATE")

    def handle(self, ctx, params):
        sr = params[SR]
        sr = services.service_request_update(
            service_request=sr,
            actor=Actor.of(ctx.user, ctx.unit),
            changes=p.update_changes(params),
            timing=p.update_timing(params),
            assignment=p.update_assignment(params),
            status=params.get("status_identifier"),
            steps=p.steps_from(params),
            sets=p.update_sets(params, sr),
        )
        return render_request(self, ctx, sr, params)


class ActionMethod(ApiMethod):
    """Base of the life cycle actions: one service each (servicerequests.services.ACTIONS)."""

    verb = "POST"
    tag = "service request life cycle"
    permission = WRITE
    representation = ServiceRequestRepr
    errors = ("VALIDATION_ERROR", "INVALID_LIFE_CYCLE_STATE")
    action = ""

    def handle(self, ctx, params):
        sr = services.ACTIONS[self.action](
            service_request=params[SR],
            actor=Actor.of(ctx.user, ctx.unit),
            **p.action_inputs(self.action, params),
        )
        return render_request(self, ctx, sr, params)


def action_method(action: str, summary: str, params: dict) -> type[ActionMethod]:
    return type(
        action.title().replace("_", ""),
        (ActionMethod,),
        {
            "__doc__": summary,
            "method_name": f"service_requests/{action}",
            "summary": summary,
            "action": action,
            "params": params,
        },
    )


Respond = action_method("respond", "Respond to a PENDING request.", p.RESPOND)
TemporaryResolve = action_method(
    "temporary_resolve", "Temporarily resolve a RESPONDED request.", p.TEMPORARY_RESOLVE
)
FinalResolve = action_method(
    "final_resolve", "Finally resolve a RESPONDED or TEMPORARY_RESOLVED request.", p.FINAL_RESOLVE
)
Complete = action_method("complete", "Complete a FINAL_RESOLVED request.", p.COMPLETE)
Cancel = action_method("cancel", "Cancel a PENDING request.", p.CANCEL)
ResponseAccept = action_method(
    "response_accept", "Record the customer's acceptance of the response.", p.ACCEPT_RESPONSE
)
TemporaryResolutionAccept = action_method(
    "temporary_resolution_accept",
    "Record the customer's acceptance of the temporary resolution.",
    p.ACCEPT_TEMPORARY,
)
FinalResolutionAccept = action_method(
    "final_resolution_accept",
    "Record the customer's acceptance of the final resolution (default: the caller).",
    p.ACCEPT_FINAL,
)

VIEWS = [
    Show,
    List,
    GetOverdue,
    GetPending,
    GetCloseToEstimatedCompletionTime,
    GetResponded,
    GetRespondedPendingAcceptance,
    GetTemporaryResolved,
    GetTemporaryResolvedPendingAcceptance,
    GetFinalResolved,
    GetFinalResolvedPendingAcceptance,
    GetCompleted,
    GetCancelled,
    Search,
    Create,
    Update,
    Respond,
    TemporaryResolve,
    FinalResolve,
    Complete,
    Cancel,
    ResponseAccept,
    TemporaryResolutionAccept,
    FinalResolutionAccept,
]
