"""Assignment by policy through ``service_requests/create`` and ``update``: the Web API
takes the same path as every other caller of the services."""

from __future__ import annotations

import pytest

from servicerequests import models as sm
from tests.assignment.helpers import MEMBERS
from tests.servicerequests.helpers import SR, create

pytestmark = pytest.mark.django_db
FIELD_TEAM = {"name": "Field Team"}


def stored_assignee(number: str) -> str | None:
    sr = sm.ServiceRequest.objects.select_related("assigned_to_user").get(number=number)
    return sr.assigned_to_user.username if sr.assigned_to_user_id else None


def test_six_requests_created_through_the_api_go_two_to_each_member(api, team):
    created = [create(api, owned_by_group_identifier=FIELD_TEAM) for _ in range(6)]
    assert [stored_assignee(data["number"]) for data in created] == MEMBERS * 2
    # The answer shows the assignee the policy chose, in the same call.
    assert [data["assigned_to"]["user"]["username"] for data in created] == MEMBERS * 2
    assert created[1]["assigned_to"]["unit"]["name"] == "Field Unit"


def test_an_api_update_moving_an_unassigned_request_to_the_group_assigns_it(api, team):
    number = create(api, owned_by_group_identifier={"name": "Main Group"})["number"]
    assert stored_assignee(number) is None
    response = api.post(
        "service_requests/update",
        {SR: {"number": number}, "owned_by_group_identifier": FIELD_TEAM},
    )
    assert response.status_code == 200, response.body
    assert stored_assignee(number) == "agent"
    assert response.data["assigned_to"]["user"]["username"] == "agent"


def test_an_api_create_assigned_by_hand_keeps_its_assignee(api, team):
    data = create(
        api,
        owned_by_group_identifier=FIELD_TEAM,
        assigned_to={"user_identifier": {"username": "field2"}},
    )
    assert stored_assignee(data["number"]) == "field2"
    assert stored_assignee(create(api, owned_by_group_identifier=FIELD_TEAM)["number"]) == "agent"
