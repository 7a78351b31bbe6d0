from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        # Identifier kinds must be registered before any request is parsed.
        from crm.api import kinds  # noqa: F401
