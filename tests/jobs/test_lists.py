"""The job lists: which jobs, in which order, paging, ``fields_set``, their parameter rules,
and the one JobFilterSet behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crm.exceptions import InvalidParameter
from jobs import selectors
from jobs.models import FulfillmentScope, Job, JobType
from jobs.services import Assignment
from tests.factories import GroupFactory, JobTypeFactory
from tests.jobs.conftest import UPDATE, job_ref

pytestmark = pytest.mark.django_db

DS_LIST = "jobs/deactivate_subscription/list"
ALL_LIST = "jobs/all_scopes/list"
BY_ACR1143 = {"accounts_receivable_identifier": "number=ACR001143"}
BY_ACR1179 = {"accounts_receivable_identifier": "number=ACR001179"}
BY_DS_TYPE = {"type_identifier": "name=Deactivate Subscription"}
STATE_LISTS = {
    "DRAFT": "jobs/all_scopes/get_draft",
    "PENDING": "jobs/all_scopes/get_pending",
    "IN_PROGRESS": "jobs/all_scopes/get_in_progress",
    "COMPLETED": "jobs/all_scopes/get_completed",
    "CANCELLED": "jobs/all_scopes/get_cancelled",
}


def numbers(response) -> list[str]:
    assert response.code == "OK", response.body
    return [row["number"] for row in response.data]


@pytest.fixture
def one_of_each(make_job):
    """A job in each state on ACR001143 (created in this order, a second apart)."""
    jobs = {}
    for offset, state in enumerate(STATE_LISTS):
        job = make_job(state)
        Job.objects.filter(pk=job.pk).update(
            created_date=timezone.now() - timedelta(seconds=60 - offset)
        )
        jobs[state] = job
    return jobs


@pytest.mark.parametrize("state", STATE_LISTS)
def test_state_lists(api, one_of_each, state):
    listed = numbers(api.get(STATE_LISTS[state], BY_ACR1143))
    assert listed == [one_of_each[state].number]
    everything = numbers(api.get(STATE_LISTS[state], {}))
    assert one_of_each[state].number in everything
    assert all(Job.objects.get(number=n).life_cycle_state == state for n in everything)


def test_state_lists_by_type_and_account(api, one_of_each, make_job):
    other = make_job("DRAFT", account="ACR001179")
    both = {**BY_DS_TYPE, **BY_ACR1179}
    assert numbers(api.get(STATE_LISTS["DRAFT"], both)) == [other.number]
    generic = JobTypeFactory(name="Generic", fulfillment_scope=FulfillmentScope.GENERIC_PURPOSE)
    response = api.get(STATE_LISTS["DRAFT"], {"type_identifier": f"id={generic.pk}"})
    assert numbers(response) == []


def test_all_scopes_list_newest_first(api, one_of_each):
    expected = [job.number for job in reversed(one_of_each.values())]
    assert numbers(api.get(ALL_LIST, BY_ACR1143)) == expected
    by_type = numbers(api.get(ALL_LIST, BY_DS_TYPE))
    assert by_type[: len(expected)] == expected
    assert "JOB000814" in by_type  # the demo job, created in 2016, comes last
    assert by_type[-1] == "JOB000814"


@pytest.mark.parametrize("method", [ALL_LIST, DS_LIST])
def test_account_or_type_exactly_one(api, method):
    missing = api.get(method, {})
    assert (missing.status_code, missing.code) == (400, "MISSING_MANDATORY_PARAMETER")
    both = api.get(method, {**BY_ACR1143, **BY_DS_TYPE})
    assert (both.status_code, both.code) == (400, "INVALID_PARAMETER")


def test_deactivate_subscription_list_latest_updated_first(api, make_job):
    first, second = make_job("DRAFT"), make_job("DRAFT")
    assert numbers(api.get(DS_LIST, BY_ACR1143)) == [second.number, first.number]
    api.post(UPDATE, {**job_ref(first), "description": "touched"})
    assert numbers(api.get(DS_LIST, BY_ACR1143)) == [first.number, second.number]
    listed = numbers(api.get(DS_LIST, BY_DS_TYPE))
    assert listed[:2] == [first.number, second.number]


def test_deactivate_subscription_list_only_has_its_scope(api, make_job):
    job, other = make_job("DRAFT"), make_job("DRAFT")
    generic = JobTypeFactory(fulfillment_scope=FulfillmentScope.GENERIC_PURPOSE)
    Job.objects.filter(pk=other.pk).update(type=generic)
    assert numbers(api.get(DS_LIST, BY_ACR1143)) == [job.number]
    assert other.number in numbers(api.get(ALL_LIST, BY_ACR1143))
    response = api.get(DS_LIST, {"type_identifier": f"id={generic.pk}"})
    assert (response.status_code, response.code) == (422, "VALIDATION_ERROR")
    assert response.description.startswith("type_identifier:")


def test_overdue(api, make_job):
    now = timezone.now()
    late = make_job("PENDING", start_date=now - timedelta(days=5))
    late_done = make_job("COMPLETED", start_date=now - timedelta(days=5))
    on_time = make_job("PENDING")
    listed = numbers(api.get("jobs/all_scopes/get_overdue", BY_ACR1143))
    assert listed == [late.number]
    assert late_done.number not in listed
    assert on_time.number not in listed
    everything = numbers(api.get("jobs/all_scopes/get_overdue", {}))
    assert set(everything) == {late.number, "JOB000814"}


def test_paging(api, make_job):
    created = [make_job("DRAFT").number for _ in range(5)]
    newest_first = list(reversed(created))
    page = {**BY_ACR1143, "number_of_results": "2"}
    assert numbers(api.get(ALL_LIST, page)) == newest_first[:2]
    assert numbers(api.get(ALL_LIST, {**page, "offset": "2"})) == newest_first[2:4]
    assert numbers(api.get(ALL_LIST, {**page, "offset": "4"})) == newest_first[4:]
    too_many = api.get(ALL_LIST, {**BY_ACR1143, "number_of_results": "501"})
    assert too_many.code == "INVALID_PARAMETER"


def test_fields_set(api, make_job):
    job = make_job("DRAFT")
    response = api.get(ALL_LIST, {**BY_ACR1143, "fields_set": "number,billing_terms"})
    (row,) = response.data
    assert set(row) == {"number", "billing_terms"}
    assert row["number"] == job.number
    assert row["billing_terms"]["billing_term_scheme"]["code"] == "PJBTS"
    unknown = api.get(ALL_LIST, {**BY_ACR1143, "fields_set": "number,secret"})
    assert unknown.code == "INVALID_PARAMETER"


def test_lists_return_arrays(api):
    for method in [*STATE_LISTS.values(), "jobs/all_scopes/get_overdue"]:
        response = api.get(method, BY_ACR1179)
        assert isinstance(response.data, list)


# -- the FilterSet, as the staff queues will use it ---------------------------------------------


def filtered(user, **filters) -> set[str]:
    return set(selectors.job_list(user=user, filters=filters).values_list("number", flat=True))


def test_filter_by_assignee_group_state_and_type(make_job, admin_user, agent_user):
    mine = make_job("PENDING")
    theirs = make_job("PENDING", assigned_to=Assignment(user=agent_user))
    team = GroupFactory(name="Team B")
    owned = make_job("IN_PROGRESS", attributes={"owned_by_group": team})
    assert filtered(admin_user, assignee=agent_user.pk) == {theirs.number}
    assert mine.number in filtered(admin_user, assignee=admin_user.pk)
    assert filtered(admin_user, group=team.pk) == {owned.number}
    account = mine.accounts_receivable_id
    states = filtered(admin_user, state=["PENDING", "IN_PROGRESS"], accounts_receivable=account)
    assert states == {mine.number, theirs.number, owned.number}
    ds_type = JobType.objects.get(name="Deactivate Subscription")
    assert mine.number in filtered(admin_user, type=ds_type.pk)
    assert filtered(admin_user, scope="GENERIC_PURPOSE") == set()


def test_filter_overdue_both_ways(make_job, admin_user):
    late = make_job("PENDING", start_date=timezone.now() - timedelta(days=5))
    fine = make_job("PENDING")
    assert late.number in filtered(admin_user, overdue=True)
    assert fine.number not in filtered(admin_user, overdue=True)
    not_overdue = filtered(admin_user, overdue=False)
    assert fine.number in not_overdue
    assert late.number not in not_overdue


def test_invalid_filter_values(admin_user):
    with pytest.raises(InvalidParameter):
        selectors.job_list(user=admin_user, filters={"state": ["SLEEPING"]})
    with pytest.raises(InvalidParameter):
        selectors.job_list(user=admin_user, filters={"scope": "NOPE"})
