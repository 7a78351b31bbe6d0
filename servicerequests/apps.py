from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "servicerequests"
    verbose_name = "Service requests"

    def ready(self):
        # Identifier kinds must be registered before any request is parsed.
        from servicerequests.api import identifiers  # noqa: F401
