"""Identifier kinds of jobs, their configuration and the rows of their sets."""

from crm.api.identifiers import CODED, NAMED, IdentifierKind, register, register_config
from crm.api.params import Ident
from jobs import models

register_config("job_type", "job type", models.JobType, NAMED)
register_config("job_status", "job status", models.JobStatus, NAMED)
register_config("job_category", "job category", models.JobCategory, CODED)
register_config(
    "job_cancellation_reason", "job cancellation reason", models.JobCancellationReason, NAMED
)
register_config("activity_type", "activity type", models.ActivityType, NAMED)
register_config(
    "billing_term_scheme",
    "billing term scheme",
    models.BillingTermScheme,
    {"id": "id", "code": "code"},
)
register_config("price_plan", "price plan", models.PricePlan, {"id": "id", "code": "code"})

register(
    IdentifierKind(
        "job",
        "job",
        {"id": "id", "number": "number"},
        queryset=lambda ctx: models.Job.objects.visible_to(ctx.user),
    )
)

# Rows of a job's sets, identified within the job (no queryset: the service finds them in
# the locked job). The product key is an identifier itself, resolved to the product.
_BY_ID_OR_PRODUCT = {"id": "id", "product_identifier": Ident("product")}
for _name, _label, _keys in (
    ("job_requested_physical_good", "requested physical good", _BY_ID_OR_PRODUCT),
    ("job_requested_expense", "requested expense", _BY_ID_OR_PRODUCT),
    ("job_requested_activity_service", "requested activity service", {"id": "id"}),
    ("job_physical_good", "physical good", _BY_ID_OR_PRODUCT),
    ("job_expense", "expense", _BY_ID_OR_PRODUCT),
):
    register(IdentifierKind(_name, _label, dict(_keys)))
