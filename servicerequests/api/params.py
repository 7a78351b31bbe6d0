"""The parameters of the service request methods, and their translation into service input.

Names follow the reference (section 2); only parsing happens here, every rule is in
:mod:`servicerequests.services` and :mod:`servicerequests.rules`.
"""

from crm.api.common import assigned_to_param, ownership_params, udf_params
from crm.api.identifiers import find
from crm.api.params import (
    DateTime,
    Email,
    Enum,
    EnumList,
    Ident,
    ListOf,
    Obj,
    Period,
    SetUpdate,
    Str,
    Text,
)
from crm.exceptions import InvalidParameter
from servicerequests.models import ImpactLevel, UrgencyLevel
from servicerequests.services import SetChanges, Step
from servicerequests.steps import BY_ACCEPT, BY_ACTION, BY_NAME, STEPS
from sla import clock

SR = "service_request_identifier"

# Every list method's filter of service levels (contract section 8).
SLA_STATUS = {
    "sla_status": EnumList(
        clock.STATUSES, description="Requests whose sla.status is one of these now."
    )
}
LIST_FILTERS = {
    "accounts_receivable_identifier": Ident("accounts_receivable"),
    "caller_identifier": Ident("contact_information"),
    "type_identifier": Ident("service_request_type"),
    "category_identifier": Ident("service_request_category"),
    **SLA_STATUS,
}
_FILTER_NAMES = {
    "accounts_receivable_identifier": "account",
    "caller_identifier": "caller",
    "type_identifier": "type",
    "category_identifier": "category",
}


def identifier_filters(params: dict) -> dict:
    """The FilterSet's filters of a list method's parameters."""
    filters = {name: params[key].pk for key, name in _FILTER_NAMES.items() if params.get(key)}
    if params.get("sla_status"):
        filters["sla_status"] = list(params["sla_status"])
    return filters


# -- responses and resolutions ------------------------------------------------------------------


def step_param(name: str, *, required: bool = False) -> Obj:
    """A response or resolution object (servicerequests.steps)."""
    step = BY_NAME[name]
    return Obj(
        {
            "category_identifier": Ident(step.category_kind, required=True),
            step.by_param: Ident("user", required=True),
            step.date_param: DateTime(required=True),
            "description": Text(),
            "accepted_by_identifier": Ident("contact_information"),
        },
        required=required,
    )


def steps_from(params: dict) -> dict[str, Step]:
    """The responses and resolutions given, keyed by the action that records them."""
    steps = {}
    for step in STEPS:
        values = params.get(step.name)
        if values:
            steps[step.action] = Step(
                category=values["category_identifier"],
                by=values[step.by_param],
                date=values[step.date_param],
                description=values.get("description"),
                accepted_by=values.get("accepted_by_identifier"),
            )
    return steps


def action_inputs(action: str, params: dict) -> dict:
    """The keyword arguments of the service of a life cycle ``action``."""
    inputs = {"description": params.get("description"), "notes": params.get("notes")}
    if action in BY_ACCEPT:
        return {**inputs, "accepted_by": params.get("accepted_by_identifier")}
    inputs["status"] = params.get("status_identifier")
    if action in BY_ACTION:
        inputs[BY_ACTION[action].name] = steps_from(params)[action]
    if action == "cancel":
        inputs["reason"] = params.get("cancellation_reason_identifier")
    return inputs


# -- create -------------------------------------------------------------------------------------

REFERRING_TO = Obj(
    {"subscription_identifier": Ident("subscription"), "job_identifier": Ident("job")},
    nullable=True,
    description="What the request is about: a subscription or a job (one of them).",
)

COMMON = {
    "caller_email": Email(nullable=True),
    "caller_phone": Str(max_length=50, nullable=True),
    "description": Text(nullable=True),
    "notes": Text(nullable=True),
    **ownership_params(),
    **udf_params(),
    "expected_completion_date": DateTime(nullable=True),
    "estimated_completion_time": Period(nullable=True),
    "assigned_to": assigned_to_param(nullable=True),
    "referring_to": REFERRING_TO,
    **{step.name: step_param(step.name) for step in STEPS},
}

CREATE = {
    "type_identifier": Ident("service_request_type", required=True),
    "accounts_receivable_identifier": Ident("accounts_receivable", required=True),
    "contact_information_identifier": Ident(
        "contact_information", description="The caller; default: the account owner."
    ),
    "status_identifier": Ident("service_request_status", required=True),
    "category_identifier": Ident("service_request_category", required=True),
    "urgency_level": Enum(UrgencyLevel.values, required=True),
    "impact_level": Enum(ImpactLevel.values, required=True),
    "start_date": DateTime(),
    **COMMON,
    "services_set": ListOf(Obj({"product_identifier": Ident("product", required=True)})),
    "physical_goods_set": ListOf(
        Obj(
            {
                "product_identifier": Ident("product", required=True),
                "serial_number": Str(max_length=100),
            }
        )
    ),
    "related_service_requests_set": ListOf(
        Obj(
            {
                "service_request_identifier": Ident("service_request", required=True),
                "description": Text(),
            }
        )
    ),
}


def _referring(params: dict) -> dict:
    values = params.get("referring_to") or {}
    if values.get("subscription_identifier") and values.get("job_identifier"):
        raise InvalidParameter(
            "A request refers to a subscription or a job, not both.",
            param="referring_to",
            detail="give only one of subscription_identifier, job_identifier",
        )
    return {
        "referring_to_subscription": values.get("subscription_identifier"),
        "referring_to_job": values.get("job_identifier"),
    }


def _assignment(params: dict) -> tuple:
    values = params.get("assigned_to") or {}
    return values.get("user_identifier"), values.get("unit_identifier")


PLAIN = {
    "caller_email": "caller_email",
    "caller_phone": "caller_phone",
    "description": "description",
    "notes": "notes",
    "owned_by_group_identifier": "owned_by_group",
    "privacy_level_identifier": "privacy_level",
    "start_date": "start_date",
    **{name: name for name in udf_params()},
}


def create_fields(params: dict) -> dict:
    fields = {model: params[api] for api, model in PLAIN.items() if params.get(api) is not None}
    fields.update(_referring(params))
    fields["assigned_to_user"], fields["assigned_to_unit"] = _assignment(params)
    for name in ("expected_completion_date", "estimated_completion_time"):
        fields[name] = params.get(name)
    return fields


def _items(params: dict, name: str) -> list[tuple[str, dict]]:
    return [(f"{name}[{i}]", item) for i, item in enumerate(params.get(name) or [])]


def create_sets(params: dict) -> SetChanges:
    return SetChanges(
        add_services=[(p, i["product_identifier"]) for p, i in _items(params, "services_set")],
        add_goods=[
            (p, i["product_identifier"], i.get("serial_number"))
            for p, i in _items(params, "physical_goods_set")
        ],
        add_related=[
            (p, i["service_request_identifier"], i.get("description"))
            for p, i in _items(params, "related_service_requests_set")
        ],
    )


# -- update -------------------------------------------------------------------------------------

UPDATE = {
    SR: Ident("service_request", required=True),
    # A request always has a status: null is refused, as for the category.
    "status_identifier": Ident("service_request_status", refuse_null=True),
    "category_identifier": Ident("service_request_category", refuse_null=True),
    "urgency_level": Enum(UrgencyLevel.values, refuse_null=True),
    "impact_level": Enum(ImpactLevel.values, refuse_null=True),
    "start_date": DateTime(refuse_null=True),
    **COMMON,
    "services_set": SetUpdate(
        {
            "ADD": {"product_identifier": Ident("product", required=True)},
            "REMOVE": {
                "service_request_service_identifier": Ident(
                    "service_request_service", required=True
                )
            },
        }
    ),
    "physical_goods_set": SetUpdate(
        {
            "ADD": {
                "product_identifier": Ident("product", required=True),
                "serial_number": Str(max_length=100),
            },
            "REMOVE": {
                "service_request_physical_good_identifier": Ident(
                    "service_request_physical_good", required=True
                )
            },
        }
    ),
    "related_service_requests_set": SetUpdate(
        {
            "ADD": {
                "service_request_identifier": Ident("service_request", required=True),
                "description": Text(),
            },
            "UPDATE": {
                "service_request_relation_identifier": Ident(
                    "service_request_relation", required=True
                ),
                "description": Text(nullable=True),
            },
            "REMOVE": {
                "service_request_relation_identifier": Ident(
                    "service_request_relation", required=True
                )
            },
        }
    ),
}


def update_changes(params: dict) -> dict:
    """Plain fields given (None: clear), by model field name."""
    changes = {model: params[api] for api, model in PLAIN.items() if api in params}
    for api, model in (
        ("category_identifier", "category"),
        ("urgency_level", "urgency_level"),
        ("impact_level", "impact_level"),
    ):
        if api in params:
            changes[model] = params[api]
    if "referring_to" in params:
        changes.update(_referring(params))
    return changes


def update_timing(params: dict) -> dict:
    return {
        name: params[name]
        for name in ("expected_completion_date", "estimated_completion_time")
        if name in params
    }


def update_assignment(params: dict) -> tuple | None:
    if "assigned_to" not in params:
        return None
    return _assignment(params)


def _rows(items, key: str, queryset) -> list:
    return [find(item.values[key], queryset) for item in items]


def update_sets(params: dict, sr) -> SetChanges:
    """Set items as service input; rows to remove or change are found within ``sr``."""
    services = params.get("services_set") or []
    goods = params.get("physical_goods_set") or []
    related = params.get("related_service_requests_set") or []
    by_action = lambda items, action: [i for i in items if i.action == action]  # noqa: E731
    return SetChanges(
        add_services=[(i.path, i.values["product_identifier"]) for i in by_action(services, "ADD")],
        remove_services=_rows(
            by_action(services, "REMOVE"), "service_request_service_identifier", sr.services.all()
        ),
        add_goods=[
            (i.path, i.values["product_identifier"], i.values.get("serial_number"))
            for i in by_action(goods, "ADD")
        ],
        remove_goods=_rows(
            by_action(goods, "REMOVE"),
            "service_request_physical_good_identifier",
            sr.physical_goods.all(),
        ),
        add_related=[
            (i.path, i.values["service_request_identifier"], i.values.get("description"))
            for i in by_action(related, "ADD")
        ],
        update_related=list(
            zip(
                _rows(
                    by_action(related, "UPDATE"),
                    "service_request_relation_identifier",
                    sr.relations.all(),
                ),
                [i.values.get("description") for i in by_action(related, "UPDATE")],
                strict=True,
            )
        ),
        remove_related=_rows(
            by_action(related, "REMOVE"), "service_request_relation_identifier", sr.relations.all()
        ),
    )


# -- actions ------------------------------------------------------------------------------------

_TEXT = {"description": Text(), "notes": Text()}

RESPOND = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "status_identifier": Ident("service_request_status", required=True),
    "response": step_param("response", required=True),
}
TEMPORARY_RESOLVE = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "status_identifier": Ident(
        "service_request_status", description="Default: the type's TEMPORARY_RESOLVED status."
    ),
    "temporary_resolution": step_param("temporary_resolution", required=True),
}
FINAL_RESOLVE = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "status_identifier": Ident("service_request_status", required=True),
    "final_resolution": step_param("final_resolution", required=True),
}
COMPLETE = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "status_identifier": Ident("service_request_status", required=True),
}
CANCEL = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "status_identifier": Ident(
        "service_request_status", description="Default: the type's CANCELLED status."
    ),
    "cancellation_reason_identifier": Ident(
        "service_request_cancellation_reason", description="Default: the type's default reason."
    ),
}
ACCEPT_RESPONSE = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "accepted_by_identifier": Ident("contact_information", required=True),
}
ACCEPT_TEMPORARY = {
    SR: Ident("service_request", required=True),
    "description": Text(),
    "accepted_by_identifier": Ident("contact_information", required=True),
}
ACCEPT_FINAL = {
    SR: Ident("service_request", required=True),
    **_TEXT,
    "accepted_by_identifier": Ident("contact_information", description="Default: the caller."),
}
