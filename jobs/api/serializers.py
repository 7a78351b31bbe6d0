"""Web API objects of jobs: configuration (reference section 3.7) and the job object itself
(section 3.8, as seed 004's responses show it)."""

from django.core.exceptions import ObjectDoesNotExist

from crm.api.formats import stored_period
from crm.api.representation import (
    TIME_PERIOD_SCHEMA,
    Attr,
    Choice,
    Computed,
    Date,
    Id,
    Many,
    Nested,
    Representation,
    attrs,
)
from crm.api.serializers import (
    Composite,
    GroupRepr,
    PrivacyLevelRepr,
    assigned_to,
    estimated_completion_time,
    log_information,
    status_repr,
    time_overdue_field,
    time_to_completion_field,
    type_reason_repr,
    type_status_repr,
    udf_fields,
)
from customers.api.serializers import (
    AccountsReceivableRepr,
    SubscriptionRepr,
    SubscriptionTypeRepr,
)
from jobs import models
from jobs.models import FulfillmentScope, JobLifeCycleState, JobType
from products.api.serializers import ProductRepr, product_row_repr
from servicerequests.api.short import ServiceRequestShortRepr

ID = {"type": "string", "example": "40F231681B984DA28EDBDA8B698E229E"}


class JobTypeCompleteRepr(Representation):
    """A job type with everything that configures it (``job_type_complete``)."""

    model = JobType
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "life_cycle_state": Choice("life_cycle_state", JobType.LifeCycleState.values),
        "billing_directive": Choice("billing_directive", JobType.BillingDirective.values),
        "fulfillment_scope": Choice("fulfillment_scope", FulfillmentScope.values),
        "fulfillment_method": Choice("fulfillment_method", JobType.FulfillmentMethod.values),
        "billing_method": Choice("billing_method", JobType.BillingMethod.values),
        "expiration_settings": Choice("expiration_settings", JobType.ExpirationSettings.values),
        "expiration_days": Attr("expiration_days", schema={"type": "integer"}),
        "estimated_completion_time": Computed(
            lambda t, ctx: stored_period(t.estimated_completion_value, t.estimated_completion_uot),
            columns=["estimated_completion_value", "estimated_completion_uot"],
            schema=TIME_PERIOD_SCHEMA,
            nullable=False,
        ),
        "subscription_type": Nested("subscription_type", SubscriptionTypeRepr),
    }


JobStatusRepr = status_repr("JobStatusRepr", models.JobStatus, JobLifeCycleState.values, ID)
JobTypeStatusRepr = type_status_repr("JobTypeStatusRepr", models.JobTypeStatus, JobStatusRepr, ID)
JobTypeCancellationReasonRepr = type_reason_repr(
    "JobTypeCancellationReasonRepr", models.JobTypeCancellationReason, ID
)


class JobTypeRepr(Representation):
    """A job type as a job embeds it."""

    model = JobType
    fields = {
        "id": Id(ID),
        **attrs("name", "alternative_code", "description"),
        "fulfillment_method": Choice("fulfillment_method", JobType.FulfillmentMethod.values),
        "fulfillment_scope": Choice("fulfillment_scope", FulfillmentScope.values),
    }


class JobNextStatusRepr(Representation):
    """A status a job may move to next (``get_next_status_sequence``): ``{id, default,
    status}``, ``id`` being the type's allowed-status row. ``default`` comes from the
    selector's ``next_default`` annotation (the status sequence's default step)."""

    model = models.JobTypeStatus
    fields = {
        "id": Id(ID),
        "default": Computed(
            lambda row, ctx: row.next_default, schema={"type": "boolean"}, nullable=False
        ),
        "status": Nested("status", JobStatusRepr, nullable=False),
    }


# -- the job object -----------------------------------------------------------------------------


class JobCategoryRepr(Representation):
    model = models.JobCategory
    fields = {
        "id": Id(ID),
        **attrs("name", "code", "description"),
    }


class ActivityTypeRepr(Representation):
    model = models.ActivityType
    fields = {
        "id": Id(ID),
        **attrs("name", "description", "alternative_code"),
    }


class BillingTermSchemeRepr(Representation):
    model = models.BillingTermScheme
    fields = {
        "id": Id(ID),
        **attrs("code", "name"),
        "life_cycle_state": Choice(
            "life_cycle_state", models.BillingTermScheme.LifeCycleState.values
        ),
        "classification": Choice("classification", models.BillingTermScheme.Classification.values),
        "billing_type": Choice("billing_type", models.BillingTermScheme.BillingType.values),
        "billing_method": Choice("billing_method", models.BillingTermScheme.BillingMethod.values),
    }


class PricePlanRepr(Representation):
    model = models.PricePlan
    fields = {
        "id": Id(ID),
        **attrs("code", "name", "description"),
        "type": Choice("type", models.PricePlan.Type.values),
        "effective_date": Date("effective_date"),
        "expiration_date": Date("expiration_date"),
    }


class JobBillingTermsRepr(Representation):
    """A job's billing terms: dates, scheme and price plan."""

    model = models.JobBillingTerms
    fields = {
        "id": Id(ID),
        "agreement_date": Date("agreement_date"),
        "effective_date": Date("effective_date"),
        "expiration_date": Date("expiration_date"),
        "allowed_cancel_date": Date("allowed_cancel_date"),
        "billing_frequency": Attr("billing_frequency"),
        "billing_cycle_day": Attr("billing_cycle_day", schema={"type": "integer"}),
        "binding_information": Attr("binding_information"),
        # Deprecated in CRM.COM R10 but still in the object (seed 004): always two nulls here.
        "concurrent_usage_based_pricing": Composite(
            {
                "concurrent_usage": Attr("concurrent_usage", schema={"type": "integer"}),
                "rate_percentage": Attr("rate_percentage", schema={"type": "number"}),
            }
        ),
        "billing_term_scheme": Nested("billing_term_scheme", BillingTermSchemeRepr),
        "price_plan": Nested("price_plan", PricePlanRepr),
    }


class OptionalOne(Nested):
    """A reverse one-to-one (``billing_terms``): joined like a foreign key, null when the
    row has none (Django raises instead of returning None for those)."""

    def render(self, obj, ctx):
        try:
            value = getattr(obj, self.attr)
        except ObjectDoesNotExist:
            return None
        # A row (crm.api.rows) holds None where the model raised.
        return None if value is None else self.representation.render(value, None, ctx)


_QUANTITY = {"quantity": Attr("quantity", schema={"type": "integer"}, nullable=False)}
_NOTES = {"notes": Attr("notes")}
JobRequestedPhysicalGoodRepr = product_row_repr(
    "JobRequestedPhysicalGoodRepr",
    models.JobRequestedPhysicalGood,
    ID,
    before=_QUANTITY,
    after=_NOTES,
)
JobRequestedExpenseRepr = product_row_repr(
    "JobRequestedExpenseRepr", models.JobRequestedExpense, ID
)


class JobRequestedActivityServiceRepr(Representation):
    model = models.JobRequestedActivityService
    fields = {
        "id": Id(ID),
        "activity_type": Nested("activity_type", ActivityTypeRepr, nullable=False),
        "product": Nested("product", ProductRepr, nullable=False),
    }


JobPhysicalGoodRepr = product_row_repr(
    "JobPhysicalGoodRepr", models.JobPhysicalGood, ID, before=_QUANTITY, after=_NOTES
)
JobExpenseRepr = product_row_repr("JobExpenseRepr", models.JobExpense, ID)


class JobActivityRepr(Representation):
    """An activity created from a requested activity service when the job started."""

    model = models.JobActivity
    fields = {
        "id": Id(ID),
        "activity_type": Nested("activity_type", ActivityTypeRepr, nullable=False),
        "product": Nested("product", ProductRepr, nullable=False),
        "created_date": Date("created_date"),
    }


def _many(related_name: str, representation) -> Many:
    return Many(related_name, representation, fk="job", order_by=("pk",))


class JobRepr(Representation):
    """The job object (reference section 3.8): every key of seed 004's responses."""

    model = models.Job
    fields = {
        "id": Id(ID),
        **attrs("number", "description", "notes", "contact_email", "contact_phone"),
        "life_cycle_state": Choice("life_cycle_state", JobLifeCycleState.values, nullable=False),
        "rating_state": Choice("rating_state", models.Job.RatingState.values),
        "start_date": Date("start_date"),
        "expected_completion_date": Date("expected_completion_date"),
        "actual_completed_date": Date("actual_completed_date"),
        "expiration_date": Date("expiration_date"),
        "scheduled_date": Date("scheduled_date"),
        "estimated_completion_time": estimated_completion_time(),
        "time_to_completion": time_to_completion_field(),
        "time_overdue": time_overdue_field(),
        # Jobs of the scopes implemented here have no location: always null (seed 004).
        "location": Computed(lambda job, ctx: None, schema={"type": "object"}),
        "type": Nested("type", JobTypeRepr, nullable=False),
        "status": Nested("status", JobStatusRepr, nullable=False),
        "category": Nested("category", JobCategoryRepr),
        # Fetched apart rather than joined (see Nested's prefetch).
        "accounts_receivable": Nested("accounts_receivable", AccountsReceivableRepr, prefetch=True),
        "subscription": Nested("subscription", SubscriptionRepr, prefetch=True),
        # A request the caller may not see is not shown through a job they may see.
        "service_request": Nested(
            "service_request", ServiceRequestShortRepr, guarded=True, prefetch=True
        ),
        "assigned_to": assigned_to(),
        "owned_by_group": Nested("owned_by_group", GroupRepr),
        "privacy_level": Nested("privacy_level", PrivacyLevelRepr),
        "billing_terms": OptionalOne("billing_terms", JobBillingTermsRepr),
        "requested_physical_goods_set": _many(
            "requested_physical_goods", JobRequestedPhysicalGoodRepr
        ),
        "requested_expenses_set": _many("requested_expenses", JobRequestedExpenseRepr),
        "requested_activity_services_set": _many(
            "requested_activity_services", JobRequestedActivityServiceRepr
        ),
        "physical_goods_set": _many("physical_goods", JobPhysicalGoodRepr),
        "expenses_set": _many("expenses", JobExpenseRepr),
        "activities_set": _many("activities", JobActivityRepr),
        **udf_fields(),
        "log_information": log_information(),
    }
