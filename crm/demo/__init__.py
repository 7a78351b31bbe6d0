"""The demo organisation of contract section 7: every example of the seed pages runs
verbatim against it. Loading is idempotent: rows are found by their natural keys and
brought back to the values below.

Where the seed pages show a 32-character hex id for a row, the demo row gets that id, so
responses look like the documentation's.
"""

from __future__ import annotations

from django.db import transaction

from crm.demo.customers import load_customers
from crm.demo.field_team import load_field_team
from crm.demo.jobs import load_job_config
from crm.demo.organisation import load_organisation, load_users
from crm.demo.products import load_products
from crm.demo.service_requests import load_service_request_config


@transaction.atomic
def load_demo() -> dict:
    org = load_organisation()
    users = load_users(org)
    users.update(load_field_team(org, users))
    customers = load_customers()
    products = load_products()
    load_service_request_config(products)
    load_job_config(products, customers)
    return {**org, **users}
