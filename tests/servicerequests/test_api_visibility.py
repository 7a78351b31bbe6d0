"""Visibility for a user without clearance (contract section 6): a request above the user's
clearance, or owned by a group the user is not in, does not exist for them on show, update,
every action and every list; nobody classifies a request above their own clearance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from crm.models import PrivacyLevel
from servicerequests import models as sm
from tests.conftest import Api, token_for
from tests.factories import GroupFactory, UserFactory
from tests.servicerequests.helpers import (
    ACCOUNT,
    ACTIONS,
    ALLOWED,
    SR,
    S,
    assert_error,
    call,
    create_body,
    make_sr,
    numbers,
    show,
    snapshot,
    totals,
    update,
)

pytestmark = pytest.mark.django_db

HIDDEN = ["restricted", "foreign_group"]


def hiding(kind: str) -> dict:
    """make_sr overrides that hide a request from the agent."""
    if kind == "restricted":
        return {"privacy_level": PrivacyLevel.objects.get(name="Restricted")}
    return {"owned_by_group": GroupFactory(name="Back Office")}


def not_found_for(number: str) -> dict:
    """The error body for a request that does not exist at all."""
    return {
        "code": "ENTITY_NOT_FOUND",
        "message": "No service request matches service_request_identifier.",
        "description": f"service_request_identifier: no service request with number {number!r}",
    }


# -- show ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HIDDEN)
def test_show_of_a_hidden_request_is_not_found(api, agent_api, demo, kind):
    sr = make_sr(**hiding(kind))
    response = show(agent_api, sr.number)
    assert_error(response, 404, "ENTITY_NOT_FOUND", SR)
    # Exactly what a request that does not exist gives: no hint.
    assert response.body["status"] == not_found_for(sr.number)
    assert show(agent_api, "SR99999999").body["status"] == not_found_for("SR99999999")
    by_id = agent_api.get("service_requests/show", {SR: f"id={sr.id}"})
    assert_error(by_id, 404, "ENTITY_NOT_FOUND", SR)
    # The administrator (clearance 5, every group) sees it.
    assert show(api, sr.number, "number").data == {"number": sr.number}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"privacy_level": "Public"},
        {"owned_by_group": "Main Group"},
        {"privacy_level": "Public", "owned_by_group": "Main Group"},
    ],
)
def test_show_of_a_visible_request(agent_api, demo, overrides):
    from crm.models import Group

    values = {}
    if "privacy_level" in overrides:
        values["privacy_level"] = PrivacyLevel.objects.get(name=overrides["privacy_level"])
    if "owned_by_group" in overrides:
        values["owned_by_group"] = Group.objects.get(name=overrides["owned_by_group"])
    sr = make_sr(**values)
    assert show(agent_api, sr.number, "number").data == {"number": sr.number}


def test_group_membership_or_clearance_reveals(client, demo):
    group = GroupFactory()
    in_group = make_sr(owned_by_group=group)
    restricted = make_sr(privacy_level=demo["restricted"])
    user = UserFactory(default_unit=demo["unit"], clearance=demo["public"])
    user.groups.set(demo["agent"].groups.all())
    user.crm_groups.set([demo["group"]])
    user_api = Api(client, token_for(user))
    assert_error(show(user_api, in_group.number), 404, "ENTITY_NOT_FOUND", SR)
    assert_error(show(user_api, restricted.number), 404, "ENTITY_NOT_FOUND", SR)
    user.crm_groups.add(group)
    user.clearance = demo["restricted"]
    user.save()
    assert show(user_api, in_group.number, "number").data == {"number": in_group.number}
    assert show(user_api, restricted.number, "number").data == {"number": restricted.number}
    # Owned by a group the user is in but above the clearance: still hidden.
    user.clearance = demo["public"]
    user.save()
    both = make_sr(owned_by_group=group, privacy_level=demo["restricted"])
    assert_error(show(user_api, both.number), 404, "ENTITY_NOT_FOUND", SR)


def test_the_all_groups_permission_sees_every_group(client, demo):
    hidden = make_sr(owned_by_group=GroupFactory())
    user = UserFactory(default_unit=demo["unit"], clearance=demo["public"])
    user.groups.set(demo["agent"].groups.all())
    user_api = Api(client, token_for(user))
    assert_error(show(user_api, hidden.number), 404, "ENTITY_NOT_FOUND", SR)
    user.user_permissions.add(Permission.objects.get(codename="view_all_groups"))
    user_api = Api(client, token_for(user))
    assert show(user_api, hidden.number, "number").data == {"number": hidden.number}


# -- writes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HIDDEN)
@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_actions_on_a_hidden_request_are_not_found(api, agent_api, demo, kind, state, action):
    sr = make_sr(state, **hiding(kind))
    before = snapshot(sr.number)
    response = call(agent_api, action, sr.number, **ACTIONS[action])
    assert_error(response, 404, "ENTITY_NOT_FOUND", SR)
    assert response.body["status"] == not_found_for(sr.number)
    assert snapshot(sr.number) == before
    # The same call by the administrator goes through: only visibility refused it.
    assert call(api, action, sr.number, **ACTIONS[action]).status_code == 200


@pytest.mark.parametrize("kind", HIDDEN)
@pytest.mark.parametrize(
    "body",
    [
        {"description": "Peek"},
        {"status_identifier": {"name": "Cancel"}},
        {"services_set": [{"action": "ADD", "product_identifier": {"code": "Material Delivery"}}]},
    ],
)
def test_update_of_a_hidden_request_is_not_found(api, agent_api, demo, kind, body):
    sr = make_sr(**hiding(kind))
    before = snapshot(sr.number)
    response = update(agent_api, sr.number, **body)
    assert_error(response, 404, "ENTITY_NOT_FOUND", SR)
    assert snapshot(sr.number) == before
    assert update(api, sr.number, **body).status_code == 200


@pytest.mark.parametrize("kind", HIDDEN)
def test_a_hidden_request_cannot_be_related(agent_api, demo, kind):
    hidden = make_sr(**hiding(kind))
    mine = make_sr()
    item = {"service_request_identifier": {"number": hidden.number}}
    param = "related_service_requests_set[0].service_request_identifier"
    before = totals()
    response = agent_api.post(
        "service_requests/create", create_body(related_service_requests_set=[item])
    )
    assert_error(response, 404, "ENTITY_NOT_FOUND", param)
    assert totals() == before
    before = snapshot(mine.number)
    response = update(
        agent_api, mine.number, related_service_requests_set=[{"action": "ADD", **item}]
    )
    assert_error(response, 404, "ENTITY_NOT_FOUND", param)
    assert snapshot(mine.number) == before


def test_the_agent_cannot_classify_above_the_clearance(agent_api, demo):
    restricted = {"privacy_level_identifier": {"name": "Restricted"}}
    before = totals()
    response = agent_api.post("service_requests/create", create_body(**restricted))
    assert_error(response, 422, "VALIDATION_ERROR", "privacy_level_identifier")
    assert totals() == before
    response = agent_api.post(
        "service_requests/create", create_body(privacy_level_identifier={"number": "1"})
    )
    assert response.status_code == 200
    number = response.data["number"]
    assert response.data["privacy_level"]["name"] == "Public"
    before = snapshot(number)
    response = update(agent_api, number, **restricted)
    assert_error(response, 422, "VALIDATION_ERROR", "privacy_level_identifier")
    assert snapshot(number) == before
    cleared = update(agent_api, number, privacy_level_identifier=None).data
    assert cleared["privacy_level"] is None


def test_the_agent_may_hand_a_request_to_another_group(agent_api, demo):
    """Ownership is not clearance: the request then leaves the agent's sight."""
    sr = make_sr()
    group = GroupFactory()
    data = update(agent_api, sr.number, owned_by_group_identifier={"id": group.id}).data
    assert data["owned_by_group"]["id"] == group.id
    assert_error(show(agent_api, sr.number), 404, "ENTITY_NOT_FOUND", SR)


def test_a_hidden_related_request_is_not_shown_inside_a_visible_one(agent_api, demo):
    hidden = make_sr(privacy_level=demo["restricted"], description="Secret")
    visible = make_sr()
    sm.ServiceRequestRelation.objects.create(service_request=visible, related=hidden)
    data = show(agent_api, visible.number, "related_service_requests_set").data
    listed = agent_api.get("service_requests/get_pending", {"fields_set": "number"})
    assert numbers(listed) == [visible.number]
    assert data["related_service_requests_set"] == []


# -- lists --------------------------------------------------------------------------------------


def _soon() -> dict:
    return {"expected_completion_date": timezone.now() + timedelta(hours=1)}


def _past() -> dict:
    return {"expected_completion_date": timezone.now() - timedelta(days=1)}


# method -> (make_sr arguments of a request it lists, its parameters)
LISTS = {
    "list": (lambda: {}, {ACCOUNT: "number=ACR001143"}),
    "get_pending": (lambda: {}, {}),
    "get_overdue": (_past, {}),
    "get_close_to_estimated_completion_time": (_soon, {"period": "2", "uot": "HOURS"}),
    "get_responded": (lambda: {"state": S.RESPONDED}, {}),
    "get_responded_pending_acceptance": (
        lambda: {"state": S.RESPONDED, "response": "CONF"},
        {},
    ),
    "get_temporary_resolved": (lambda: {"state": S.TEMPORARY_RESOLVED}, {}),
    "get_temporary_resolved_pending_acceptance": (
        lambda: {"state": S.TEMPORARY_RESOLVED, "temporary": "WORK"},
        {},
    ),
    "get_final_resolved": (lambda: {"state": S.FINAL_RESOLVED}, {}),
    "get_final_resolved_pending_acceptance": (
        lambda: {"state": S.FINAL_RESOLVED, "final": "RPC"},
        {},
    ),
    "get_completed": (lambda: {"state": S.COMPLETED}, {}),
    "get_cancelled": (lambda: {"state": S.CANCELLED}, {}),
}


@pytest.mark.parametrize("method", list(LISTS))
def test_hidden_requests_are_absent_from_every_list(api, agent_api, demo, method):
    arguments, params = LISTS[method]
    visible = make_sr(**arguments())
    restricted = make_sr(**arguments(), **hiding("restricted"))
    foreign = make_sr(**arguments(), **hiding("foreign_group"))
    in_my_group = make_sr(**arguments(), owned_by_group=demo["group"], privacy_level=demo["public"])
    params = {**params, "fields_set": "number"}
    path = f"service_requests/{method}"
    assert numbers(agent_api.get(path, params)) == [in_my_group.number, visible.number]
    assert numbers(api.get(path, params)) == [
        in_my_group.number,
        foreign.number,
        restricted.number,
        visible.number,
    ]


# -- roles and tokens ---------------------------------------------------------------------------

METHODS = [
    *(("GET", m) for m in ["show", *LISTS]),
    *(("POST", m) for m in ["create", "update", *ACTIONS]),
]


@pytest.mark.parametrize(("verb", "method"), METHODS)
def test_a_user_without_a_role_is_denied(client, demo, verb, method):
    sr = make_sr()
    user = UserFactory(default_unit=demo["unit"], clearance=demo["restricted"])
    user_api = Api(client, token_for(user))
    before = snapshot(sr.number)
    if verb == "GET":
        response = user_api.get(f"service_requests/{method}", {SR: f"number={sr.number}"})
    else:
        response = call(user_api, method, sr.number)
    assert_error(response, 403, "PERMISSION_DENIED")
    assert snapshot(sr.number) == before


@pytest.mark.parametrize(("verb", "method"), METHODS)
def test_no_token_no_access(anon_api, demo, verb, method):
    sr = make_sr()
    before = snapshot(sr.number)
    if verb == "GET":
        response = anon_api.get(f"service_requests/{method}", {SR: f"number={sr.number}"})
    else:
        response = call(anon_api, method, sr.number)
    assert_error(response, 401, "INVALID_TOKEN")
    assert snapshot(sr.number) == before
