"""Admin for service request configuration, and a read-mostly view of the requests.

- ``config``: statuses, categories, cancellation reasons.
- ``types``: request types and, as their inlines, what they allow.
- ``matrix``: the priority matrix, edited as a grid.
- ``records``: the requests themselves, events included.
"""

from crm.admin import UDF_FIELDS, period

# Importing the modules registers their admins.
from servicerequests.admin import config, matrix, records, types

# UDF_FIELDS and period were defined here before they moved to crm.admin; kept importable.
__all__ = ["UDF_FIELDS", "config", "matrix", "period", "records", "types"]
