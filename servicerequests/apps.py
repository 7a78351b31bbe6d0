from crm import registry


class ServicerequestsConfig(registry.WorkRecordAppConfig):
    name = "servicerequests"
    verbose_name = "Service requests"
    queue_url, read_permission = "sr-queue", "servicerequests.view_servicerequest"
