from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Webhooks (contract section 11): subscriptions to record events, their deliveries and
    every attempt to send them."""

    name = "webhooks"

    def ready(self):
        from crm import registry
        from webhooks import outbox
        from webhooks.api import identifiers  # noqa: F401

        # The scan's at-risk and breached flags, written in its batch transaction.
        registry.on_flagged(outbox.on_flagged)
