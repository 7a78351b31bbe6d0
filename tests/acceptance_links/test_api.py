"""``accepted_via`` on the Web API's step objects (contract section 12): null until
accepted, STAFF from the ``*_accept`` methods and from an acceptance given with the step,
EMAIL_LINK from the customer's link; a reopen clears it."""

from __future__ import annotations

import pytest

from tests.acceptance_links.helpers import link_path, mails_to, responded
from tests.servicerequests.helpers import (
    OWNER,
    S,
    call,
    create,
    final_obj,
    make_sr,
    response_obj,
    show,
)
from tests.servicerequests.helpers.lifecycle import act

pytestmark = pytest.mark.django_db


def test_staff_acceptance_through_the_api_says_staff(api, demo):
    number = create(api)["number"]
    data = act(api, "respond", number, response=response_obj("CONF")).data
    assert (data["response"]["accepted_by"], data["response"]["accepted_via"]) == (None, None)
    data = call(api, "response_accept", number, accepted_by_identifier=OWNER).data
    assert data["response"]["accepted_via"] == "STAFF"
    assert show(api, number).data["response"]["accepted_via"] == "STAFF"


def test_acceptance_given_with_the_step_says_staff(api, demo):
    number = create(api)["number"]
    data = act(
        api, "respond", number, response=response_obj("CONF", accepted_by_identifier=OWNER)
    ).data
    assert data["response"]["accepted_via"] == "STAFF"


def test_a_corrected_step_clears_its_acceptance(api, demo):
    sr = make_sr(S.FINAL_RESOLVED, final="RPC", accepted=("final_resolution",))
    body = {
        "service_request_identifier": {"number": sr.number},
        "status_identifier": {"name": "Final Resolved"},
        "final_resolution": final_obj("RPC", description="Corrected"),
    }
    response = api.post("service_requests/update", body)
    assert response.status_code == 200, response.body
    final = response.data["final_resolution"]
    assert (final["accepted_by"], final["accepted_date"], final["accepted_via"]) == (None,) * 3


def test_acceptance_by_the_link_says_email_link(
    api, client, demo, django_capture_on_commit_callbacks
):
    sr = responded(django_capture_on_commit_callbacks)
    assert show(api, sr.number).data["response"]["accepted_via"] is None
    client.post(link_path(mails_to()[0]), {"choice": "accept"})
    response = show(api, sr.number).data["response"]
    assert response["accepted_via"] == "EMAIL_LINK"
    assert response["accepted_by"]["id"] == sr.caller_id


def _step_objects(node):
    """Every schema object that describes a step (it has ``accepted_by``)."""
    if isinstance(node, dict):
        if "accepted_by" in node.get("properties", {}):
            yield node
        for value in node.values():
            yield from _step_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _step_objects(value)


def test_the_schema_documents_accepted_via(demo):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    steps = list(_step_objects(schema))
    assert len(steps) >= 3
    for step in steps:
        via = step["properties"]["accepted_via"]
        assert {"STAFF", "EMAIL_LINK"} <= set(via.get("enum", []))
