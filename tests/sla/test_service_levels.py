"""Service levels through the Web API (contract section 8): targets on a business calendar,
the clock that pauses, the ``sla`` object, the response target, the ``sla_status`` filter,
and figures that the event rows reproduce (``manage.py sla_check``)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from servicerequests import models as sm
from tests.servicerequests.helpers import (
    assert_error,
    call,
    create,
    final_obj,
    response_obj,
    show,
)

pytestmark = pytest.mark.django_db

ON_SITE = {"type_identifier": {"name": "On-site Repair"}}
ACCOUNT = {"accounts_receivable_identifier": "number=ACR001143"}
RESPONDED = {"status_identifier": {"name": "Responded"}, "response": response_obj()}
FINAL = {"status_identifier": {"name": "Final Resolved"}, "final_resolution": final_obj()}
ON_HOLD = {"name": "On Hold"}
PENDING = {"name": "Pending"}
SLA_KEYS = [
    "clock",
    "status",
    "calendar",
    "target",
    "elapsed_seconds",
    "paused_seconds",
    "remaining_seconds",
    "at_risk_date",
    "breach_date",
    "response",
]


def sla_of(api, number: str) -> dict:
    response = show(api, number, "sla")
    assert response.status_code == 200, response.body
    return response.data["sla"]


def parsed(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.get_default_timezone())


# -- the contract's two calendar examples --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-12-04T16:00:00", "2026-12-07T16:00:00"),  # Friday: the weekend does not count
        ("2026-12-24T16:00:00", "2026-12-28T16:00:00"),  # Christmas Day and the weekend
    ],
)
def test_on_site_repair_counts_office_hours(api, start, expected):
    created = create(api, **ON_SITE, start_date=start)
    assert created["expected_completion_date"] == expected
    assert created["estimated_completion_time"] == {
        "time_period_value": 8,
        "time_period_uot": "HOURS",
    }
    sla = sla_of(api, created["number"])
    assert list(sla) == SLA_KEYS
    assert sla["calendar"] == "Office hours"
    assert sla["target"] == {"time_period_value": 8, "time_period_uot": "HOURS"}
    assert sla["breach_date"] == expected
    assert sla["clock"] == "RUNNING"
    # The start is still ahead (today is before it): the whole target remains.
    assert sla["status"] == "ON_TRACK"
    assert (sla["elapsed_seconds"], sla["remaining_seconds"]) == (0, 8 * 3600)
    assert sla["paused_seconds"] == 0
    # At risk when 2 working hours remain (the warning period comes before 75%).
    assert sla["at_risk_date"] == expected.replace("16:00", "14:00")
    assert sla["response"] is None


def test_a_type_without_a_calendar_runs_around_the_clock(api):
    created = create(api, start_date="2026-12-04T16:00:00")  # Technical Support: 3 DAYS
    assert created["expected_completion_date"] == "2026-12-07T16:00:00"
    assert sla_of(api, created["number"])["calendar"] is None


def test_sla_is_last_in_the_default_object_and_a_fields_set_name(api):
    created = create(api)
    assert list(created)[-1] == "sla"
    response = show(api, created["number"], "number,sla")
    assert list(response.data) == ["number", "sla"]
    response = show(api, created["number"], "number")
    assert list(response.data) == ["number"]


# -- pauses ----------------------------------------------------------------------------------------


def test_a_pause_moves_the_target_by_its_length(api):
    """A real pause of N seconds on a 24x7 type moves expected completion by N seconds."""
    created = create(api)
    number = created["number"]
    expected = parsed(created["expected_completion_date"])

    held = call(api, "update", number, status_identifier=ON_HOLD)
    assert held.status_code == 200, held.body
    paused = sla_of(api, number)
    assert paused["clock"] == "PAUSED"
    assert paused["status"] == "ON_TRACK"
    time.sleep(2.2)
    assert sla_of(api, number)["paused_seconds"] >= 2  # the current pause counts when read

    resumed = call(api, "update", number, status_identifier=PENDING)
    assert resumed.status_code == 200, resumed.body
    moved = parsed(resumed.data["expected_completion_date"]) - expected
    sla = resumed.data["sla"]
    assert sla["clock"] == "RUNNING"
    assert sla["paused_seconds"] >= 2
    assert moved == timedelta(seconds=sla["paused_seconds"])
    # The pause does not count as elapsed time.
    assert sla["elapsed_seconds"] <= 1
    row = sm.ServiceRequest.objects.get(number=number)
    assert row.sla_paused_since is None
    assert row.sla_paused_seconds == sla["paused_seconds"]


def test_a_pause_records_its_start_and_end_on_the_timeline(api):
    number = create(api)["number"]
    call(api, "update", number, status_identifier=ON_HOLD)
    call(api, "update", number, status_identifier=PENDING)
    clock_changes = [
        (row["old"], row["new"])
        for event in sm.ServiceRequestEvent.objects.filter(service_request__number=number).order_by(
            "created_at"
        )
        for row in event.changes.get("fields", [])
        if row["name"] == "clock"
    ]
    assert clock_changes == [("Running", "Paused"), ("Paused", "Running")]


def test_an_explicit_target_date_is_kept_and_pauses_still_move_it(api):
    created = create(api, expected_completion_date="2030-01-10T12:00:00")
    assert created["expected_completion_date"] == "2030-01-10T12:00:00"
    row = sm.ServiceRequest.objects.get(number=created["number"])
    row.sla_paused_since = timezone.now() - timedelta(hours=1)  # as if paused an hour ago
    row.status = sm.ServiceRequestStatus.objects.get(name="On Hold")
    row.save()
    resumed = call(api, "update", created["number"], status_identifier=PENDING)
    assert resumed.data["expected_completion_date"] == "2030-01-10T13:00:00"


def test_a_new_estimate_after_a_pause_excludes_the_paused_time(api):
    created = create(api, start_date="2030-01-01T10:00:00")
    row = sm.ServiceRequest.objects.get(number=created["number"])
    row.sla_paused_seconds = 1800
    row.save()
    updated = call(
        api,
        "update",
        created["number"],
        estimated_completion_time={"time_period_value": 2, "time_period_uot": "HOURS"},
    )
    assert updated.data["expected_completion_date"] == "2030-01-01T12:30:00"


def test_a_closed_request_stops_the_clock_met_or_missed(api):
    number = create(api, start_date="2020-01-01T10:00:00")["number"]  # breached long ago
    assert sla_of(api, number)["status"] == "BREACHED"
    assert sla_of(api, number)["remaining_seconds"] < 0
    assert call(api, "respond", number, **RESPONDED).status_code == 200
    final = call(api, "final_resolve", number, **FINAL)
    assert final.status_code == 200, final.body
    sla = sla_of(api, number)
    assert (sla["clock"], sla["status"]) == ("STOPPED", "MISSED")
    stopped = sla["elapsed_seconds"]
    time.sleep(1.1)
    assert sla_of(api, number)["elapsed_seconds"] == stopped  # a stopped clock stays put

    on_time = create(api)["number"]
    call(api, "respond", on_time, **RESPONDED)
    assert call(api, "final_resolve", on_time, **FINAL).status_code == 200
    assert sla_of(api, on_time)["status"] == "MET"


def test_a_cancelled_request_has_no_sla_status(api):
    number = create(api)["number"]
    assert call(api, "cancel", number).status_code == 200
    sla = sla_of(api, number)
    assert (sla["clock"], sla["status"], sla["remaining_seconds"]) == ("STOPPED", None, None)


def test_at_risk_at_75_percent_of_the_target_when_that_comes_first(api):
    # 10 hours, 24x7, warning period 1 day: 75% (7.5 hours) comes first... the warning
    # period (1 day before a 10-hour target) would be before the start: at risk at 7.5h.
    created = create(
        api,
        start_date="2030-01-01T00:00:00",
        estimated_completion_time={"time_period_value": 10, "time_period_uot": "HOURS"},
    )
    assert sla_of(api, created["number"])["at_risk_date"] == "2030-01-01T00:00:00"
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    support.warning_period_value, support.warning_period_uot = 1, "HOURS"
    support.save()
    created = create(
        api,
        start_date="2030-01-01T00:00:00",
        estimated_completion_time={"time_period_value": 10, "time_period_uot": "HOURS"},
    )
    assert sla_of(api, created["number"])["at_risk_date"] == "2030-01-01T07:30:00"


# -- the response target -------------------------------------------------------------------------


def test_the_response_target_is_met_or_missed_by_the_response(api):
    support = sm.ServiceRequestType.objects.get(name="Technical Support")
    support.response_target_value, support.response_target_uot = 1, "HOURS"
    support.save()
    late = create(api, start_date="2020-01-01T10:00:00")["number"]
    assert sla_of(api, late)["response"] == {
        "status": "BREACHED",
        "due_date": "2020-01-01T11:00:00",
    }
    fresh = create(api)["number"]
    assert sla_of(api, fresh)["response"]["status"] == "ON_TRACK"
    assert call(api, "respond", fresh, **RESPONDED).status_code == 200
    assert sla_of(api, fresh)["response"]["status"] == "MET"
    assert call(api, "respond", late, **RESPONDED).status_code == 200
    assert sla_of(api, late)["response"]["status"] == "MISSED"


# -- the sla_status filter -----------------------------------------------------------------------


def test_lists_filter_by_sla_status(api):
    on_track = create(api)["number"]
    breached = create(api, start_date="2020-01-01T10:00:00")["number"]
    at_risk = create(
        api,
        expected_completion_date=(timezone.now() + timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M:%S"
        ),
    )["number"]

    def listed(value: str) -> set[str]:
        response = api.get("service_requests/list", {**ACCOUNT, "sla_status": value})
        assert response.status_code == 200, response.body
        return {row["number"] for row in response.data} & {on_track, breached, at_risk}

    assert listed("ON_TRACK") == {on_track}
    assert listed("AT_RISK") == {at_risk}
    assert listed("BREACHED") == {breached}
    assert listed("AT_RISK,BREACHED") == {at_risk, breached}
    for number, value in ((on_track, "ON_TRACK"), (at_risk, "AT_RISK"), (breached, "BREACHED")):
        assert sla_of(api, number)["status"] == value  # the filter and the object agree


@pytest.mark.parametrize("value", ["LATE", "AT_RISK,LATE", "at risk", ""])
def test_a_bad_sla_status_is_refused_naming_it(api, value):
    response = api.get("service_requests/list", {**ACCOUNT, "sla_status": value})
    if value == "":
        assert response.status_code == 200  # empty means no filter, as every other filter
        return
    assert_error(response, 400, "INVALID_PARAMETER", "sla_status")


# -- sla_check ------------------------------------------------------------------------------------


def test_sla_check_agrees_with_what_the_services_stored_and_finds_a_tampered_row(api, capsys):
    numbers = [create(api)["number"] for _ in range(3)]
    call(api, "update", numbers[0], status_identifier=ON_HOLD)
    time.sleep(1.1)
    call(api, "update", numbers[0], status_identifier=PENDING)
    call(api, "update", numbers[1], status_identifier=ON_HOLD)
    call(
        api,
        "update",
        numbers[2],
        estimated_completion_time={"time_period_value": 5, "time_period_uot": "HOURS"},
    )
    call(api, "respond", numbers[2], **RESPONDED)
    assert call(api, "final_resolve", numbers[2], **FINAL).status_code == 200
    call_command("sla_check", *numbers)
    assert "Checked 3 request(s): 0 disagree" in capsys.readouterr().out

    sm.ServiceRequest.objects.filter(number=numbers[0]).update(sla_paused_seconds=0)
    with pytest.raises(SystemExit) as exit_:
        call_command("sla_check", *numbers)
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"{numbers[0]}:" in out
    assert "sla_paused_seconds: stored 0, events give" in out
    assert "1 disagree" in out


@pytest.mark.parametrize(
    ("method", "extra"),
    [
        ("get_pending", {}),
        ("get_overdue", {}),
        ("get_close_to_estimated_completion_time", {"period": "10", "uot": "YEARS"}),
    ],
)
def test_every_list_method_takes_sla_status(api, method, extra):
    breached = create(api, start_date="2020-01-01T10:00:00")["number"]
    on_track = create(api)["number"]

    def listed(value: str) -> set[str]:
        params = {**extra, "sla_status": value, "number_of_results": "500"}
        response = api.get(f"service_requests/{method}", params)
        assert response.status_code == 200, response.body
        return {row["number"] for row in response.data} & {breached, on_track}

    assert on_track not in listed("BREACHED")
    assert breached not in listed("ON_TRACK")
    if method != "get_close_to_estimated_completion_time":  # past due is not "close"
        assert listed("BREACHED") == {breached}


def test_queue_pages_take_sla_status(admin_client, api):
    from django.urls import reverse

    breached = create(api, start_date="2020-01-01T10:00:00")["number"]
    on_track = create(api)["number"]
    url = reverse("sr-queue", args=["pending"])
    page = admin_client.get(url, {"sla_status": "BREACHED"}).content.decode()
    assert breached in page
    assert on_track not in page
    page = admin_client.get(url, {"sla_status": ["ON_TRACK", "AT_RISK"]}).content.decode()
    assert on_track in page
    assert breached not in page


def test_a_request_paused_long_ago_keeps_the_status_it_had_when_paused(api):
    """Judged at the start of its pause: paused ten days ago two hours before its target,
    it is at risk (not breached, though its target date has passed since)."""
    number = create(api)["number"]
    now = timezone.now()
    sm.ServiceRequest.objects.filter(number=number).update(
        status=sm.ServiceRequestStatus.objects.get(name="On Hold"),
        sla_paused_since=now - timedelta(days=10),
        sla_at_risk_date=now - timedelta(days=11),
        expected_completion_date=now - timedelta(days=10) + timedelta(hours=2),
    )
    assert sla_of(api, number)["status"] == "AT_RISK"

    def listed(value: str) -> bool:
        response = api.get("service_requests/list", {**ACCOUNT, "sla_status": value})
        return number in {row["number"] for row in response.data}

    assert listed("AT_RISK")
    assert not listed("BREACHED")
    assert not listed("ON_TRACK")
