"""Parameters of the job methods and their translation into service inputs.

The declarations are what the methods parse and what the OpenAPI schema shows; the
functions below turn the parsed (and resolved) values into :mod:`jobs.services` inputs.
"""

from __future__ import annotations

from crm.actor import Actor
from crm.api.common import ownership_params, udf_params
from crm.api.params import (
    DateTime,
    Email,
    Ident,
    IdentRef,
    Int,
    ListOf,
    Obj,
    Period,
    SetItem,
    SetUpdate,
    Str,
    Text,
)
from jobs import services

# -- parameters ---------------------------------------------------------------------------------

QUANTITY = {"min_value": 1, "max_value": 100_000}
GOOD = {
    "product_identifier": Ident("product", required=True),
    "quantity": Int(**QUANTITY, description="Default 1."),
    "notes": Text(),
}
PROVIDED_GOOD = {**GOOD, "quantity": Int(required=True, **QUANTITY)}
EXPENSE = {"product_identifier": Ident("product", required=True)}
ACTIVITY = {
    "activity_type_identifier": Ident("activity_type", required=True),
    "product_identifier": Ident("product", required=True),
}


def _row(kind: str) -> dict:
    """The identifier of an existing row of a set (REMOVE and UPDATE elements)."""
    return {f"{kind}_identifier": Ident(kind, required=True)}


CREATE_SETS = {
    "requested_physical_goods_set": ListOf(Obj(GOOD)),
    "requested_expenses_set": ListOf(Obj(EXPENSE)),
    "requested_activity_services_set": ListOf(Obj(ACTIVITY)),
}
UPDATE_SETS = {
    "requested_physical_goods_set": SetUpdate(
        {"ADD": GOOD, "REMOVE": _row("job_requested_physical_good")},
        description="Only while the job is DRAFT or PENDING.",
    ),
    "requested_expenses_set": SetUpdate(
        {"ADD": EXPENSE, "REMOVE": _row("job_requested_expense")},
        description="Only while the job is DRAFT or PENDING.",
    ),
    "requested_activity_services_set": SetUpdate(
        {"ADD": ACTIVITY, "REMOVE": _row("job_requested_activity_service")},
        description="Only while the job is DRAFT or PENDING.",
    ),
    "physical_goods_set": SetUpdate(
        {"ADD": PROVIDED_GOOD, "REMOVE": _row("job_physical_good")},
        description="Goods provided; only while the job is IN_PROGRESS.",
    ),
    "expenses_set": SetUpdate(
        {
            "ADD": EXPENSE,
            "REMOVE": _row("job_expense"),
            "UPDATE": {**_row("job_expense"), **EXPENSE},
        },
        description="Expenses applied; only while the job is IN_PROGRESS.",
    ),
}


def billing_terms_param(*, create: bool) -> Obj:
    return Obj(
        {
            "billing_term_scheme_identifier": Ident("billing_term_scheme", required=create),
            "price_plan_identifier": Ident("price_plan", required=create),
            "agreement_date": DateTime(required=create),
        },
        # Seed 004: null sets a field to null; a job's terms cannot be removed, so null is
        # refused rather than ignored.
        refuse_null=not create,
        description="Mandatory for billable jobs, refused for the others."
        if create
        else "Absent members keep their values; only while the job is DRAFT or PENDING.",
    )


def detail_params(*, update: bool) -> dict:
    """What create and update share. On update ``null`` clears what may be cleared (seed
    004: "Fields which are specified as null will be set as null") and is refused for what a
    job must have (a status, a start date), never ignored."""
    return {
        "status_identifier": Ident("job_status", refuse_null=update),
        "category_identifier": Ident("job_category", nullable=update),
        "contact_email": Email(nullable=update),
        "contact_phone": Str(max_length=50, nullable=update),
        "description": Text(nullable=update),
        "notes": Text(
            nullable=update, description="Stored as 'Person Name<TAB>D/M/YYYY HH:MM:SS<TAB>text'."
        ),
        "start_date": DateTime(refuse_null=update),
        **ownership_params(),
        **udf_params(),
        "expected_completion_date": DateTime(
            nullable=update, description="On update, null clears it and the estimate."
        ),
        "estimated_completion_time": Period(
            nullable=update, description="On update, null clears it and the expected date."
        ),
    }


def clears_completion(params: dict) -> bool:
    """Whether an update gives null for the expected completion date or the estimate."""
    return any(
        name in params and params[name] is None
        for name in ("expected_completion_date", "estimated_completion_time")
    )


# API parameter -> job column, for what the services take as plain attributes.
PLAIN = {
    "category_identifier": "category",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
    "description": "description",
    "notes": "notes",
    "owned_by_group_identifier": "owned_by_group",
    "privacy_level_identifier": "privacy_level",
    **{name: name for name in udf_params()},
}

# -- from parameters to service inputs ----------------------------------------------------------


def actor(ctx) -> Actor:
    return Actor.of(ctx.user, ctx.unit)


def attributes(params: dict) -> dict:
    return {column: params[name] for name, column in PLAIN.items() if name in params}


def assignment(value: dict | None) -> services.Assignment | None:
    if value is None:
        return None
    return services.Assignment(user=value.get("user_identifier"), unit=value.get("unit_identifier"))


def billing_terms(value: dict | None) -> services.BillingTermsInput | None:
    if value is None:
        return None
    return services.BillingTermsInput(
        billing_term_scheme=value.get("billing_term_scheme_identifier"),
        price_plan=value.get("price_plan_identifier"),
        agreement_date=value.get("agreement_date"),
    )


def _good(v: dict) -> services.GoodItem:
    return services.GoodItem(v["product_identifier"], v.get("quantity", 1), v.get("notes"))


def _expense(v: dict) -> services.ExpenseItem:
    return services.ExpenseItem(v["product_identifier"])


def _activity(v: dict) -> services.ActivityItem:
    return services.ActivityItem(v["activity_type_identifier"], v["product_identifier"])


ITEMS = {
    "requested_physical_goods_set": _good,
    "requested_expenses_set": _expense,
    "requested_activity_services_set": _activity,
    "physical_goods_set": _good,
    "expenses_set": _expense,
}


def create_sets(params: dict) -> dict:
    return {name: [ITEMS[name](v) for v in params[name]] for name in CREATE_SETS if name in params}


def _row_ref(ref: IdentRef) -> services.RowRef:
    if ref.key == "id":
        return services.RowRef(path=ref.path, id=ref.value)
    return services.RowRef(path=ref.path, product=ref.value)


def _set_change(name: str, element: SetItem) -> services.SetChange:
    values = dict(element.values)
    ref = next((values.pop(k) for k in list(values) if k.startswith("job_")), None)
    return services.SetChange(
        action=element.action,
        path=element.path,
        item=ITEMS[name](values) if values else None,
        row=_row_ref(ref) if ref is not None else None,
    )


def set_changes(params: dict) -> dict:
    return {
        name: [_set_change(name, element) for element in params[name]]
        for name in UPDATE_SETS
        if params.get(name)
    }
