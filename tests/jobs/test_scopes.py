"""jobs.scopes: one registry entry per fulfilment scope, read by the services."""

import pytest

from jobs.models import FulfillmentScope, Job
from jobs.scopes import CREATABLE, SCOPES, scope_of


def test_every_scope_has_one_entry():
    assert set(SCOPES) == set(FulfillmentScope.values)
    assert set(CREATABLE) == {"DEACTIVATE_SUBSCRIPTION"}
    assert SCOPES["NEW_SUBSCRIPTION"].options == {"performed_by", "performed_on"}
    assert {v for v, s in SCOPES.items() if "scheduled_date" in s.options} == {
        "CANCEL_SUBSCRIPTION",
        "CANCEL_SUBSCRIPTION_SERVICES",
        "SWAP_SUBSCRIPTION_SERVICES",
        "SUBSCRIPTION_MAINTAINANCE",
    }


@pytest.mark.django_db
def test_the_scope_says_what_completing_does(demo):
    job = Job.objects.select_related("type", "subscription").get(number="JOB000814")
    scope = scope_of(job.type)
    assert scope.on_complete is not None
    assert scope.completion_text(job) == "This deactivates subscription S60992."
    assert SCOPES["GENERIC_PURPOSE"].completion_text(job) == ""
