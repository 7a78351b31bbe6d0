from django.apps import AppConfig


class ConversationConfig(AppConfig):
    """Comments and attachments on service requests and jobs (contract section 14)."""

    name = "conversation"
