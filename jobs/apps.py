from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        # Identifier kinds, the queues the navigation counts and the life cycle's labels
        # are registered before any request is served.
        from crm.registry import QueueSection, register_life_cycle, register_queues
        from jobs import queues, selectors
        from jobs.api import identifiers  # noqa: F401
        from jobs.lifecycle import LIFE_CYCLE

        register_life_cycle(LIFE_CYCLE)
        section = QueueSection(
            "Jobs", "job-queue", queues.QUEUES, "jobs.view_job", selectors.job_list
        )
        register_queues(section)
