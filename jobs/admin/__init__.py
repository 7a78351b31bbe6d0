"""Admin for job configuration, and a read-mostly view of the jobs.

- ``config``: statuses, categories, cancellation reasons, activity types, billing.
- ``types``: job types and, as their inlines, what they allow; status sequence steps.
- ``records``: the jobs themselves, events included.
"""

# Importing the modules registers their admins.
from jobs.admin import config, records, types

__all__ = ["config", "records", "types"]
