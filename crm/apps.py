from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self):
        # The deployment checks (check --deploy) register on import; identifier kinds must
        # be registered before any request is parsed.
        from crm import checks  # noqa: F401
        from crm.api import kinds  # noqa: F401
