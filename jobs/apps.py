from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        # Identifier kinds must be registered before any request is parsed.
        from jobs.api import identifiers  # noqa: F401
