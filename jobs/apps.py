from crm import registry


class JobsConfig(registry.WorkRecordAppConfig):
    name = "jobs"
    verbose_name = "Jobs"
    queue_url, read_permission = "job-queue", "jobs.view_job"
