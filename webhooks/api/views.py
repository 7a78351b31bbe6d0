"""``webhooks/*`` (contract section 11): create, list, show, delete, and a webhook's
deliveries. Only users whose role holds the webhook model permissions may call them."""

from __future__ import annotations

from crm.actor import Actor
from crm.api.params import Ident, Str, Text
from crm.api.views import ApiMethod
from webhooks import services
from webhooks.api.params import EventNames
from webhooks.api.representations import DeliveryRepr, WebhookCreatedRepr, WebhookRepr
from webhooks.models import EVENTS, Delivery, Webhook

TAG = "webhooks"
WEBHOOK = "webhook_identifier"
EVENT_LIST = ", ".join(EVENTS)


def _one(ctx, params, representation, webhook_id) -> dict:
    names = params.get("fields_set")
    row = representation.fetch(Webhook.objects.filter(pk=webhook_id), names).get()
    return representation.render(row, names, ctx.render)


class WebhookCreate(ApiMethod):
    """Create a webhook. The answer holds its `secret`, which signs every delivery
    (`X-CRM-Signature: sha256=<hex HMAC-SHA256 of the raw body>`): store it, it is never
    shown again."""

    method_name = "webhooks/create"
    verb = "POST"
    tag = TAG
    summary = "Create a webhook."
    permission = "webhooks.add_webhook"
    creates = True
    representation = WebhookCreatedRepr
    errors = ("MISSING_MANDATORY_PARAMETER",)
    params = {
        "url": Str(required=True, max_length=services.MAX_URL, description="An http or https URL."),
        "events": EventNames(
            required=True, description=f"The events to deliver, at least one of: {EVENT_LIST}."
        ),
        "secret": Str(
            max_length=services.MAX_SECRET,
            description="Signs the deliveries; generated (64 hex characters) when absent.",
        ),
        "description": Text(description="What the webhook is for."),
    }

    def handle(self, ctx, params):
        webhook = services.webhook_create(
            actor=Actor.of(ctx.user, ctx.unit),
            url=params["url"],
            events=params["events"],
            secret=params.get("secret"),
            description=params.get("description", ""),
        )
        return _one(ctx, params, WebhookCreatedRepr, webhook.pk)


class WebhookList(ApiMethod):
    """Every webhook, newest first. Secrets are never listed."""

    method_name = "webhooks/list"
    tag = TAG
    summary = "List webhooks."
    permission = "webhooks.view_webhook"
    representation = WebhookRepr
    many = True
    paged = True

    def handle(self, ctx, params):
        return self.render_list(ctx, Webhook.objects.all(), params)


class WebhookShow(ApiMethod):
    """One webhook, without its secret."""

    method_name = "webhooks/show"
    tag = TAG
    summary = "Show a webhook."
    permission = "webhooks.view_webhook"
    representation = WebhookRepr
    params = {WEBHOOK: Ident("webhook", required=True)}

    def handle(self, ctx, params):
        return _one(ctx, params, WebhookRepr, params[WEBHOOK].pk)


class WebhookDelete(ApiMethod):
    """Delete a webhook. Its deliveries go with it: those still pending are never sent.
    The answer is the webhook as it was."""

    method_name = "webhooks/delete"
    verb = "POST"
    tag = TAG
    summary = "Delete a webhook."
    permission = "webhooks.delete_webhook"
    representation = WebhookRepr
    errors = ("MISSING_MANDATORY_PARAMETER", "INVALID_IDENTIFIER")
    params = {WEBHOOK: Ident("webhook", required=True)}

    def handle(self, ctx, params):
        answer = _one(ctx, params, WebhookRepr, params[WEBHOOK].pk)
        services.webhook_delete(actor=Actor.of(ctx.user, ctx.unit), webhook=params[WEBHOOK])
        return answer


class DeliveryList(ApiMethod):
    """A webhook's deliveries, newest first, each with its attempts."""

    method_name = "webhooks/deliveries/list"
    tag = TAG
    summary = "List a webhook's deliveries."
    permission = "webhooks.view_webhook"
    representation = DeliveryRepr
    many = True
    paged = True
    paging_note = "Newest first; `number_of_results` (default 50, at most 500) and `offset`."
    params = {WEBHOOK: Ident("webhook", required=True)}

    def handle(self, ctx, params):
        queryset = Delivery.objects.filter(webhook=params[WEBHOOK])
        return self.render_list(ctx, queryset, params)


VIEWS = [WebhookCreate, WebhookList, WebhookShow, WebhookDelete, DeliveryList]
