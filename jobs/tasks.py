"""The periodic scan of jobs (crm.flagging; scheduled by beat)."""

from crm import flagging
from jobs.models import Job

TARGET, scan_due_jobs = flagging.scan_task("jobs.scan_due", Job)
