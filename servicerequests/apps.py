from django.apps import AppConfig


class ServicerequestsConfig(AppConfig):
    name = "servicerequests"
    verbose_name = "Service requests"

    def ready(self):
        # Identifier kinds, the queues the navigation counts and the life cycle's labels
        # are registered before any request is served.
        from crm.registry import QueueSection, register_life_cycle, register_queues
        from servicerequests import queues, selectors
        from servicerequests.api import identifiers  # noqa: F401
        from servicerequests.lifecycle import LIFE_CYCLE

        register_life_cycle(LIFE_CYCLE)
        section = QueueSection(
            "Service requests",
            "sr-queue",
            queues.QUEUES,
            "servicerequests.view_servicerequest",
            selectors.service_request_list,
        )
        register_queues(section)
