"""The periodic scan of service requests (crm.flagging; scheduled by beat)."""

from crm import flagging
from servicerequests.models import ServiceRequest

TARGET, scan_due_requests = flagging.scan_task("servicerequests.scan_due", ServiceRequest)
