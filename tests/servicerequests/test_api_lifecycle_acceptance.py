"""Customer acceptance of the life cycle steps: a step whose category needs acceptance
blocks the next one until the caller, the owner or a related contact accepts it, once; the
pending acceptance lists; an acceptance is recorded even when not required (contract section
3, reference sections 2.1 and 2.7)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from customers.models import Contact
from servicerequests import models as sm
from tests.servicerequests.helpers import (
    ACTIONS,
    OWNER,
    RELATIVE,
    SR,
    STRANGER,
    S,
    act,
    assert_error,
    assert_refused,
    call,
    create,
    events,
    final_obj,
    make_sr,
    numbers,
    response_obj,
    snapshot,
    state_of,
    state_of_data,
    temporary_obj,
)

pytestmark = pytest.mark.django_db

OWNER_ID = "EE621BE231714DFE8CE370261BF6DB25"
RELATIVE_ID = "0D0D6C1F6A4B4F1E9D2C3B4A59687766"
ACCEPTS = {
    "response_accept": (S.RESPONDED, "response"),
    "temporary_resolution_accept": (S.TEMPORARY_RESOLVED, "temporary_resolution"),
    "final_resolution_accept": (S.FINAL_RESOLVED, "final_resolution"),
}
# The step categories that wait for the customer, as make_sr takes them.
NEEDS_ACCEPTANCE = {
    "response_accept": {"response": "CONF"},
    "temporary_resolution_accept": {"temporary": "WORK"},
    "final_resolution_accept": {"final": "RPC"},
}


# -- acceptance ---------------------------------------------------------------------------------


def pending_acceptance(api, method: str) -> list[str]:
    return numbers(api.get(f"service_requests/{method}", {"fields_set": "number"}))


def test_a_response_that_needs_acceptance_blocks_every_resolution(api, demo):
    number = create(api)["number"]
    data = act(api, "respond", number, response=response_obj("CONF")).data
    assert data["response"]["category"]["requires_customer_acceptance"] is True
    assert pending_acceptance(api, "get_responded_pending_acceptance") == [number]
    for action in ("temporary_resolve", "final_resolve"):
        before = snapshot(number)
        assert_error(act(api, action, number), 409, "INVALID_LIFE_CYCLE_STATE", SR)
        assert snapshot(number) == before
    before = timezone.now()
    data = call(api, "response_accept", number, accepted_by_identifier=RELATIVE).data
    assert state_of_data(data) == ("RESPONDED", "Responded")
    assert data["response"]["accepted_by"]["id"] == RELATIVE_ID
    row = sm.ServiceRequest.objects.get(number=number)
    assert before <= row.response_accepted_date <= timezone.now()
    assert data["response"]["accepted_date"] is not None
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    assert events(number)[-1][:5] == (
        "response_accept",
        "RESPONDED",
        "RESPONDED",
        "Responded",
        "Responded",
    )
    assert state_of(act(api, "temporary_resolve", number)) == (
        "TEMPORARY_RESOLVED",
        "Temporary Resolved",
    )


def test_a_temporary_resolution_that_needs_acceptance_blocks_the_final_one(api, demo):
    sr = make_sr(S.RESPONDED)
    act(api, "temporary_resolve", sr.number, temporary_resolution=temporary_obj("WORK"))
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == [sr.number]
    assert_refused(
        api,
        "final_resolve",
        sr.number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        **ACTIONS["final_resolve"],
    )
    data = call(api, "temporary_resolution_accept", sr.number, accepted_by_identifier=OWNER).data
    assert data["temporary_resolution"]["accepted_by"]["id"] == OWNER_ID
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == []
    assert state_of(act(api, "final_resolve", sr.number)) == ("FINAL_RESOLVED", "Final Resolved")


def test_a_final_resolution_that_needs_acceptance_blocks_completion(api, demo):
    sr = make_sr(S.RESPONDED)
    act(api, "final_resolve", sr.number, final_resolution=final_obj("RPC"))
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == [sr.number]
    assert_refused(
        api, "complete", sr.number, 409, "INVALID_LIFE_CYCLE_STATE", SR, **ACTIONS["complete"]
    )
    # accepted_by is optional here: the caller accepts.
    data = call(api, "final_resolution_accept", sr.number, description="Happy now").data
    assert data["final_resolution"]["accepted_by"]["id"] == OWNER_ID
    assert data["description"] == "Happy now"
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == []
    assert state_of(act(api, "complete", sr.number)) == ("COMPLETED", "Completed")


def test_final_resolution_accepted_by_default_is_the_caller_not_the_owner(api, demo):
    sr = make_sr(S.FINAL_RESOLVED, caller=Contact.objects.get(id_number="8945613"))
    data = call(api, "final_resolution_accept", sr.number).data
    assert data["final_resolution"]["accepted_by"]["id"] == RELATIVE_ID


def test_the_steps_own_category_decides_acceptance_not_the_requests(api, demo):
    """Seed 000: pending acceptance "considering that the specified response category
    requires customer acceptance". A request whose own category (COMP) asks for acceptance,
    responded with ACK (no acceptance), waits for nothing; CONF on it waits."""
    number = create(api, category_identifier={"code": "COMP"})["number"]
    act(api, "respond", number)  # ACK
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    act(api, "temporary_resolve", number)  # TFIX: no acceptance asked either
    assert pending_acceptance(api, "get_temporary_resolved_pending_acceptance") == []
    act(api, "final_resolve", number)  # RSLV
    assert pending_acceptance(api, "get_final_resolved_pending_acceptance") == []
    assert state_of(act(api, "complete", number)) == ("COMPLETED", "Completed")

    waiting = create(api, category_identifier={"code": "TECH"})["number"]
    act(api, "respond", waiting, response=response_obj("CONF"))
    assert pending_acceptance(api, "get_responded_pending_acceptance") == [waiting]
    assert_refused(
        api,
        "temporary_resolve",
        waiting,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        **ACTIONS["temporary_resolve"],
    )


def test_steps_without_acceptance_need_none(api, demo):
    sr = make_sr(S.RESPONDED)
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    act(api, "temporary_resolve", sr.number)
    act(api, "final_resolve", sr.number)
    assert state_of(act(api, "complete", sr.number)) == ("COMPLETED", "Completed")


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_acceptance_by_an_unrelated_contact_is_refused(api, demo, action):
    state, _step = ACCEPTS[action]
    sr = make_sr(state)
    assert_refused(
        api,
        action,
        sr.number,
        422,
        "VALIDATION_ERROR",
        "accepted_by_identifier",
        accepted_by_identifier=STRANGER,
    )


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_accepting_twice_is_refused(api, demo, action):
    state, step = ACCEPTS[action]
    sr = make_sr(state, **NEEDS_ACCEPTANCE[action])
    response = call(api, action, sr.number, accepted_by_identifier=RELATIVE)
    assert response.data[step]["accepted_by"]["id"] == RELATIVE_ID
    assert_refused(
        api, action, sr.number, 409, "INVALID_LIFE_CYCLE_STATE", SR, accepted_by_identifier=OWNER
    )


@pytest.mark.parametrize("action", list(ACCEPTS))
def test_acceptance_is_recorded_even_when_not_required(api, demo, action):
    state, step = ACCEPTS[action]
    sr = make_sr(state)
    data = call(api, action, sr.number, accepted_by_identifier=OWNER, description="Fine").data
    assert data[step]["accepted_by"]["id"] == OWNER_ID
    assert data["description"] == "Fine"
    event = sm.ServiceRequestEvent.objects.get(service_request=sr)
    assert (event.action, event.from_state, event.to_state) == (action, state, state)
    # The audit trail says what changed, in words (crm.audit).
    owner = Contact.objects.get(pk=OWNER_ID)
    changes = {row["name"]: (row["old"], row["new"]) for row in event.change_list}
    assert changes[f"{step}_accepted_by"] == ("—", str(owner))
    assert changes["description"] == ("—", "Fine")
    assert changes[f"{step}_accepted_date"][0] == "—"


def test_accepted_by_inside_the_response_records_the_acceptance_at_once(api, demo):
    number = create(api)["number"]
    data = act(
        api, "respond", number, response=response_obj("CONF", accepted_by_identifier=OWNER)
    ).data
    assert data["response"]["accepted_by"]["id"] == OWNER_ID
    row = sm.ServiceRequest.objects.get(number=number)
    assert row.response_accepted_date == row.updated_date
    assert pending_acceptance(api, "get_responded_pending_acceptance") == []
    assert_refused(
        api,
        "response_accept",
        number,
        409,
        "INVALID_LIFE_CYCLE_STATE",
        SR,
        accepted_by_identifier=OWNER,
    )
    assert state_of(act(api, "temporary_resolve", number)) == (
        "TEMPORARY_RESOLVED",
        "Temporary Resolved",
    )


@pytest.mark.parametrize(
    ("state", "action", "step", "obj"),
    [
        (S.PENDING, "respond", "response", response_obj),
        (S.RESPONDED, "temporary_resolve", "temporary_resolution", temporary_obj),
        (S.RESPONDED, "final_resolve", "final_resolution", final_obj),
    ],
)
def test_accepted_by_inside_a_step_must_be_related(api, demo, state, action, step, obj):
    sr = make_sr(state)
    body = {**ACTIONS[action], step: obj(accepted_by_identifier=STRANGER)}
    assert_refused(
        api, action, sr.number, 422, "VALIDATION_ERROR", f"{step}.accepted_by_identifier", **body
    )


def test_accepting_a_temporary_resolution_by_a_contact_of_another_account(api, demo):
    """A contact related to some other account is still a stranger to this one."""
    from customers.models import AccountsReceivable

    AccountsReceivable.objects.get(number="ACR001179").related_contacts.add(
        Contact.objects.get(id_number="8945613")
    )
    sr = make_sr(
        S.TEMPORARY_RESOLVED,
        accounts_receivable=AccountsReceivable.objects.get(number="ACR001179"),
        caller=Contact.objects.get(id_number="2365485"),
    )
    data = call(api, "temporary_resolution_accept", sr.number, accepted_by_identifier=RELATIVE)
    assert data.data["temporary_resolution"]["accepted_by"]["id"] == RELATIVE_ID
    other = make_sr(S.TEMPORARY_RESOLVED)  # ACR001143: Marina Antoniadou is unrelated
    assert_refused(
        api,
        "temporary_resolution_accept",
        other.number,
        422,
        "VALIDATION_ERROR",
        "accepted_by_identifier",
        accepted_by_identifier=STRANGER,
    )
