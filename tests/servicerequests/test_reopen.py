"""Reopening a completed request (a staff action outside CRM.COM's table): back to PENDING
with the type's default status, within CRM_REOPEN_DAYS, only with the permission, a reason
in the timeline, a clock that goes on where it stopped; the Web API has no such method."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from crm.actor import Actor
from crm.demo import load_demo
from crm.exceptions import InvalidLifeCycleState, MissingParameter, PermissionDenied
from crm.models import User
from servicerequests import services
from servicerequests.lifecycle import LIFE_CYCLE
from servicerequests.models import ServiceRequest, ServiceRequestEvent
from servicerequests.steps import STEPS
from tests import racing
from tests.servicerequests.helpers import (
    act,
    create,
    snapshot,
)

REASON = "The customer says the decoder fails again."


def completed(api) -> ServiceRequest:
    number = create(api)["number"]
    for action in ("respond", "final_resolve", "complete"):
        assert act(api, action, number).status_code == 200
    return ServiceRequest.objects.get(number=number)


def reopen(sr, user, *, now=None, reason=REASON):
    return services.service_request_reopen(
        service_request=sr, actor=Actor.of(user), reason=reason, now=now
    )


@pytest.mark.django_db
def test_a_reopened_request_has_no_response_or_resolution_but_its_timeline_keeps_them(
    api, admin_user
):
    sr = completed(api)
    assert (sr.response_category_id, sr.final_resolution_category_id) != (None, None)
    reopen(sr, admin_user, now=sr.completed_date + timedelta(hours=1))
    row = ServiceRequest.objects.get(pk=sr.pk)
    for step in STEPS:
        assert getattr(row, step.by) is None, step.by
        for part in ("category", "date", "description", "accepted_by", "accepted_date"):
            assert getattr(row, step.column(part)) is None, step.column(part)
    event = ServiceRequestEvent.objects.get(service_request=sr, action="reopen")
    cleared = {row["name"]: row["new"] for row in event.changes["fields"]}
    assert cleared["response_category"] == cleared["final_resolution_category"] == "—"


@pytest.mark.django_db
def test_reopen_goes_back_to_pending_with_the_default_status(api, admin_user, capsys):
    sr = completed(api)
    stopped_at, paused_before = sr.sla_stopped_at, sr.sla_paused_seconds
    expected_before = sr.expected_completion_date
    now = sr.completed_date + timedelta(hours=3)

    reopened = reopen(sr, admin_user, now=now)

    row = ServiceRequest.objects.select_related("status").get(pk=sr.pk)
    assert (row.life_cycle_state, row.status.name) == ("PENDING", "Pending")
    assert (row.completed_date, row.updated_date, row.updated_by_user) == (None, now, admin_user)
    assert reopened.status_id == row.status_id
    event = ServiceRequestEvent.objects.get(service_request=sr, action="reopen")
    assert (event.from_state, event.to_state, event.user, event.created_at) == (
        "COMPLETED",
        "PENDING",
        admin_user,
        now,
    )
    assert event.note == f"Reopened: {REASON}"
    assert (event.from_status.name, event.to_status.name) == ("Completed", "Pending")
    # The clock goes on where it stopped: the time it stood closed counts as paused
    # ("Technical Support" runs around the clock) and moves the target by as much.
    closed = int((now - stopped_at).total_seconds())
    assert (row.sla_stopped_at, row.sla_paused_since) == (None, None)
    assert row.sla_paused_seconds == paused_before + closed
    assert row.expected_completion_date == expected_before + timedelta(seconds=closed)
    call_command("sla_check", sr.number)  # the events reproduce the stored figures
    assert "Checked 1 request(s): 0 disagree" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_reopened_request_moves_on_again(api, admin_user):
    sr = completed(api)
    reopen(sr, admin_user)
    for action in ("respond", "final_resolve", "complete"):
        assert act(api, action, sr.number).status_code == 200
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "COMPLETED"


@pytest.mark.django_db
@override_settings(CRM_REOPEN_DAYS=2)
def test_only_within_the_configured_period(api, admin_user):
    sr = completed(api)
    deadline = sr.completed_date + timedelta(days=2)
    before = snapshot(sr.number)
    with pytest.raises(InvalidLifeCycleState, match="more than 2 days ago"):
        reopen(sr, admin_user, now=deadline + timedelta(seconds=1))
    assert snapshot(sr.number) == before
    reopen(sr, admin_user, now=deadline)  # the last moment still counts
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "PENDING"


@pytest.mark.django_db
def test_without_the_permission_nothing_changes(api, agent_user):
    sr = completed(api)
    before = snapshot(sr.number)
    with pytest.raises(PermissionDenied):
        reopen(sr, agent_user)
    assert snapshot(sr.number) == before


@pytest.mark.django_db
def test_the_permission_alone_is_enough(api, agent_user):
    from django.contrib.auth.models import Permission

    agent_user.user_permissions.add(Permission.objects.get(codename="reopen_servicerequest"))
    sr = completed(api)
    reopen(sr, User.objects.get(pk=agent_user.pk))  # read again: permissions are cached
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "PENDING"


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["PENDING", "FINAL_RESOLVED", "CANCELLED"])
def test_only_a_completed_request_is_reopened(api, admin_user, state):
    number = create(api)["number"]
    steps = {"FINAL_RESOLVED": ("respond", "final_resolve"), "CANCELLED": ("cancel",)}
    for action in steps.get(state, ()):
        assert act(api, action, number).status_code == 200
    sr = ServiceRequest.objects.get(number=number)
    before = snapshot(number)
    with pytest.raises(InvalidLifeCycleState, match="only a completed request"):
        reopen(sr, admin_user)
    assert snapshot(number) == before


@pytest.mark.django_db
def test_a_reason_is_required(api, admin_user):
    sr = completed(api)
    before = snapshot(sr.number)
    with pytest.raises(MissingParameter):
        reopen(sr, admin_user, reason="   ")
    assert snapshot(sr.number) == before


def test_the_web_api_and_its_table_are_unchanged():
    assert "reopen" not in LIFE_CYCLE
    assert all("COMPLETED" not in step.sources for step in LIFE_CYCLE.transitions.values())


@pytest.mark.django_db
def test_the_web_api_has_no_reopen_method(api):
    sr = completed(api)
    response = api.post("service_requests/reopen", {"service_request_identifier": sr.pk})
    assert response.status_code == 404
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "COMPLETED"


# -- the staff page --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_offers_reopen_only_when_it_would_succeed(api, client, admin_user, agent_user):
    sr = completed(api)
    url = reverse("sr-detail", args=[sr.number])
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert 'id="action-reopen"' in page
    assert f'data-confirm="Reopen {sr.number}?' in page
    client.force_login(agent_user)
    assert 'id="action-reopen"' not in client.get(url).content.decode()
    ServiceRequest.objects.filter(pk=sr.pk).update(
        completed_date=sr.completed_date - timedelta(days=15)
    )
    client.force_login(admin_user)
    assert 'id="action-reopen"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_page_asks_first_then_reopens(api, client, admin_user):
    sr = completed(api)
    client.force_login(admin_user)
    url = reverse("sr-action", args=[sr.number, "reopen"])
    asked = client.post(url, {"reopen-reason": REASON})
    assert asked.status_code == 200
    assert f"Yes, reopen {sr.number}" in asked.content.decode()
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "COMPLETED"

    done = client.post(url, {"reopen-reason": REASON, "confirmed": "1"}, follow=True)
    assert done.redirect_chain == [(reverse("sr-detail", args=[sr.number]), 302)]
    assert f"{sr.number} reopened." in done.content.decode()
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "PENDING"
    assert f"Reopened: {REASON}" in done.content.decode()  # in the timeline


@pytest.mark.django_db
def test_the_page_refuses_an_empty_reason(api, client, admin_user):
    sr = completed(api)
    client.force_login(admin_user)
    url = reverse("sr-action", args=[sr.number, "reopen"])
    response = client.post(url, {"reopen-reason": "", "confirmed": "1"})
    assert response.status_code == 422
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "COMPLETED"


# -- two at once -----------------------------------------------------------------------------

THREADS = 6


def race(work, count: int = THREADS) -> list:
    return racing.race(work, count)


@pytest.mark.usefixtures("transactional_db")
def test_concurrent_reopens_have_one_winner(client):
    from tests.conftest import Api, token_for

    org = load_demo()
    sr = completed(Api(client, token_for(org["admin"])))

    outcomes = race(lambda i: reopen(sr, org["admin"]))

    winners = [o for o in outcomes if isinstance(o, ServiceRequest)]
    losers = [o for o in outcomes if isinstance(o, InvalidLifeCycleState)]
    assert (len(winners), len(losers)) == (1, THREADS - 1), outcomes
    assert ServiceRequestEvent.objects.filter(service_request=sr, action="reopen").count() == 1
    assert ServiceRequest.objects.get(pk=sr.pk).life_cycle_state == "PENDING"
