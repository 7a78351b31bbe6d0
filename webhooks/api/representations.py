"""The webhook and delivery objects of the Web API (contract section 11). The secret is in
the create answer only (``WebhookCreatedRepr``), never in show or list."""

from crm.api.representation import Attr, Choice, Date, Id, Many, Nested, Representation
from crm.api.serializers import ID, UserRepr
from webhooks.models import EVENTS, Delivery, DeliveryAttempt, Webhook

EVENT = {"type": "string", "enum": list(EVENTS)}


class WebhookRepr(Representation):
    """A webhook: where it posts, which events, who created it and when."""

    model = Webhook
    fields = {
        "id": Id(ID),
        "url": Attr(
            "url",
            schema={"type": "string", "example": "https://example.com/hooks/crm"},
            nullable=False,
        ),
        "events": Attr("events", schema={"type": "array", "items": EVENT}, nullable=False),
        "description": Attr("description", nullable=False),
        "is_active": Attr("is_active", schema={"type": "boolean"}, nullable=False),
        "created_date": Date("created_date"),
        "created_by": Nested("created_by_user", UserRepr),
    }


class WebhookCreatedRepr(Representation):
    """A webhook as its creation answers it: with its secret, shown this once."""

    model = Webhook
    fields = {
        **WebhookRepr.fields,
        "secret": Attr(
            "secret",
            schema={
                "type": "string",
                "description": "Signs every delivery (X-CRM-Signature); shown only here.",
            },
            nullable=False,
        ),
    }


class DeliveryAttemptRepr(Representation):
    """One POST of a delivery: when, the answer's status code (null: no answer), the error."""

    model = DeliveryAttempt
    fields = {
        "attempted_date": Date("attempted_at"),
        "status_code": Attr("status_code", schema={"type": "integer"}),
        "error": Attr("error", nullable=False),
        "duration_ms": Attr("duration_ms", schema={"type": "integer"}, nullable=False),
    }


class DeliveryRepr(Representation):
    """One event sent (or to be sent) to a webhook, with every attempt, oldest first."""

    model = Delivery
    fields = {
        "id": Id(ID),
        "event": Attr("event", schema=EVENT, nullable=False),
        "occurred_date": Date("occurred_date"),
        "status": Choice("status", Delivery.Status.values, nullable=False),
        "attempt_count": Attr("attempt_count", schema={"type": "integer"}, nullable=False),
        "next_attempt_date": Date("next_attempt_at"),
        "delivered_date": Date("delivered_at"),
        "attempts": Many(
            "attempts", DeliveryAttemptRepr, fk="delivery", order_by=("attempted_at", "id")
        ),
    }
