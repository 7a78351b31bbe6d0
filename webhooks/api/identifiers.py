"""The ``webhook`` identifier kind: a webhook by its id. Every webhook is visible to whoever
may call the webhook methods (the permission is checked before identifiers resolve)."""

from crm.api.identifiers import IdentifierKind, register
from webhooks.models import Webhook

register(IdentifierKind("webhook", "webhook", {"id": "id"}, queryset=lambda ctx: Webhook.objects))
