"""The scan on the narrow flag table (crm.models.Flag, issue 17): one flag per record, kind
and target; INSERT ... SELECT, never an UPDATE of the wide row; a constant number of
statements per batch; what the pages, the queues and the Web API read from it."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm import flagging
from crm.api.formats import format_datetime
from crm.models import Flag, Notification
from jobs.models import Job, JobEvent
from jobs.tasks import TARGET as JOB_TARGET
from servicerequests.filtersets import ServiceRequestFilterSet
from servicerequests.models import ServiceRequest, ServiceRequestEvent, ServiceRequestType
from servicerequests.tasks import TARGET
from tests.conftest import is_postgresql
from tests.factories import make_service_request
from tests.flags import flags
from tests.racing import race

NOW = timezone.now().replace(microsecond=0)
HOUR = timedelta(hours=1)


@pytest.fixture
def agent(demo):
    # The warning period decides (tests/sla covers the at-risk share of the target).
    ServiceRequestType.objects.update(at_risk_percentage=100)
    return demo["agent"]


def due_in(delta, **kwargs) -> ServiceRequest:
    kwargs.setdefault("start_date", NOW - timedelta(days=30))
    return make_service_request(expected_completion_date=NOW + delta, **kwargs)


def flag_rows(sr) -> list[tuple]:
    return sorted(
        Flag.objects.filter(service_request=sr).values_list("kind", "target", "created_at")
    )


@pytest.mark.django_db
def test_the_same_target_is_flagged_once_however_often_the_scan_runs(agent):
    sr = due_in(HOUR, assigned_to_user=agent)
    first = flagging.scan(TARGET, now=NOW)
    second = flagging.scan(TARGET, now=NOW + timedelta(minutes=1))
    third = flagging.scan(TARGET, now=NOW + 2 * HOUR)  # now past the target: overdue

    assert (first.approaching, first.overdue) == (1, 0)
    assert (second.approaching, second.overdue) == (0, 0)
    assert (third.approaching, third.overdue) == (0, 1)
    target = sr.expected_completion_date
    assert flag_rows(sr) == [
        ("APPROACHING", target, NOW),
        ("OVERDUE", target, NOW + 2 * HOUR),
    ]
    events = ServiceRequestEvent.objects.filter(service_request=sr, action__startswith="flag_")
    assert sorted(events.values_list("action", flat=True)) == ["flag_approaching", "flag_overdue"]
    assert sorted(
        Notification.objects.filter(service_request=sr).values_list("kind", flat=True)
    ) == [
        "APPROACHING",
        "OVERDUE",
    ]


@pytest.mark.django_db
def test_a_moved_target_is_flagged_again_and_the_old_flag_stops_counting(agent):
    sr = due_in(HOUR, assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    old = sr.expected_completion_date
    assert flags(sr) == (NOW, None)

    ServiceRequest.objects.filter(pk=sr.pk).update(expected_completion_date=NOW + 3 * HOUR)
    assert flags(sr) == (None, None)  # the flag was for the old target
    result = flagging.scan(TARGET, now=NOW + timedelta(minutes=5))

    assert result.approaching == 1
    new = NOW + 3 * HOUR
    assert flag_rows(sr) == [
        ("APPROACHING", old, NOW),
        ("APPROACHING", new, NOW + timedelta(minutes=5)),
    ]
    assert flags(sr) == (NOW + timedelta(minutes=5), None)
    assert Notification.objects.filter(service_request=sr).count() == 2
    # Moving it back to the first target: that one was flagged already, never twice.
    ServiceRequest.objects.filter(pk=sr.pk).update(expected_completion_date=old)
    assert flagging.scan(TARGET, now=NOW + timedelta(minutes=10)).approaching == 0
    assert flags(sr) == (NOW, None)
    assert Flag.objects.filter(service_request=sr).count() == 2


@pytest.mark.django_db
def test_no_update_of_the_wide_rows_while_scanning(agent):
    for i in range(4):
        due_in(HOUR + timedelta(minutes=i), assigned_to_user=agent)
        due_in(-HOUR - timedelta(minutes=i), assigned_to_user=agent)
    job = Job.objects.get(number="JOB000814")
    Job.objects.filter(pk=job.pk).update(
        life_cycle_state="PENDING", expected_completion_date=NOW - HOUR
    )

    with CaptureQueriesContext(connection) as queries:
        requests = flagging.scan(TARGET, now=NOW, batch_size=3)
        jobs = flagging.scan(JOB_TARGET, now=NOW, batch_size=3)

    assert (requests.approaching, requests.overdue) == (4, 4)
    assert jobs.overdue == Flag.objects.filter(job__isnull=False, kind="OVERDUE").count() >= 1
    statements = [q["sql"].lstrip().upper() for q in queries]
    assert [s for s in statements if s.startswith("UPDATE")] == []
    assert Flag.objects.filter(service_request__isnull=False).count() == 8
    assert JobEvent.objects.filter(job=job, action="flag_overdue").count() == 1


def batch_statements(count: int, agent, delta) -> list[str]:
    """The statements of one batch flagging ``count`` requests: each one's first words."""
    ServiceRequest.objects.all().delete()
    for i in range(count):
        due_in(delta * (1 + i / 100), assigned_to_user=agent)
    kind = "APPROACHING" if delta > timedelta(0) else "OVERDUE"
    condition = flagging.due_condition(TARGET, kind, NOW)
    with CaptureQueriesContext(connection) as queries:
        picked, flagged = flagging.flag_batch(TARGET, kind, condition, NOW, 500)
    assert picked == flagged == count
    shapes = []
    for query in queries:
        words = query["sql"].replace('"', "").upper().split()
        if words[0] == "INSERT":  # INSERT INTO t, INSERT OR IGNORE INTO t (SQLite)
            shapes.append(f"INSERT INTO {words[words.index('INTO') + 1]}")
        else:
            shapes.append(
                " ".join(words[:1] if words[0] in ("SAVEPOINT", "RELEASE") else words[:3])
            )
    return shapes


@pytest.mark.django_db
@pytest.mark.parametrize("delta", [HOUR, -HOUR], ids=["approaching", "overdue"])
def test_a_batch_is_the_same_statements_for_2_rows_as_for_80(agent, delta):
    few = batch_statements(2, agent, delta)
    many = batch_statements(80, agent, delta)

    assert few == many
    # The flags, the events and the notifications: one INSERT each, whatever the rows.
    inserts = [s for s in few if s.startswith("INSERT")]
    assert inserts == [
        "INSERT INTO CRM_FLAG",
        "INSERT INTO SERVICEREQUESTS_SERVICEREQUESTEVENT",
        "INSERT INTO CRM_NOTIFICATION",
    ]


@pytest.mark.django_db
def test_the_event_note_is_the_message_in_the_local_time_zone(agent):
    sr = make_service_request(
        start_date=NOW - timedelta(days=3),
        expected_completion_date=(NOW + HOUR).replace(minute=7, second=0),
        assigned_to_user=agent,
    )
    with timezone.override("America/New_York"):
        flagging.scan(TARGET, now=NOW)
        row = ServiceRequest.objects.values(*flagging.ROW_FIELDS).get(pk=sr.pk)
        expected = flagging._message(TARGET, "APPROACHING", row)
    event = ServiceRequestEvent.objects.get(service_request=sr, action="flag_approaching")
    local = timezone.localtime(sr.expected_completion_date, ZoneInfo("America/New_York"))
    assert (
        event.note
        == expected
        == (
            f"Service request {sr.number} is at risk of missing its target "
            f"({local:%Y-%m-%d %H}:07)."
        )
    )
    assert re.fullmatch("[0-9A-F]{32}", event.id)
    assert (event.from_state, event.to_state, event.changes) == (
        sr.life_cycle_state,
        sr.life_cycle_state,
        {},
    )
    assert Notification.objects.get(service_request=sr).message == expected


@pytest.mark.django_db
def test_what_reads_the_flags(agent, api):
    flagged = due_in(HOUR, assigned_to_user=agent)
    moved = due_in(2 * HOUR, assigned_to_user=agent)
    closed = due_in(3 * HOUR, assigned_to_user=agent)
    flagging.scan(TARGET, now=NOW)
    ServiceRequest.objects.filter(pk=moved.pk).update(expected_completion_date=NOW + 9 * HOUR)
    ServiceRequest.objects.filter(pk=closed.pk).update(life_cycle_state="COMPLETED")

    every = ServiceRequest.objects.all()
    approaching = ServiceRequestFilterSet({"approaching": "true"}, every).qs
    numbers = set(approaching.values_list("number", flat=True))
    assert flagged.number in numbers
    assert not {moved.number, closed.number} & numbers
    shown = {
        sr.number: api.get(
            "service_requests/show",
            {
                "service_request_identifier": f"number={sr.number}",
                "fields_set": "approaching_completion",
            },
        ).data["approaching_completion"]
        for sr in (flagged, moved, closed)
    }
    assert shown == {flagged.number: format_datetime(NOW), moved.number: None, closed.number: None}
    # The closed request keeps its flag row: nothing is reset or deleted on the way.
    assert Flag.objects.filter(service_request=closed).count() == 1


@pytest.mark.usefixtures("transactional_db")
def test_concurrent_scans_flag_each_request_once(demo):
    if not is_postgresql():
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite runs one writer at a time")
    ServiceRequestType.objects.update(at_risk_percentage=100)
    for i in range(60):
        due_in(HOUR + timedelta(minutes=i), assigned_to_user=demo["agent"])
    for i in range(30):
        due_in(-HOUR - timedelta(minutes=i), assigned_to_user=demo["agent"])

    outcomes = race(lambda i: flagging.scan(TARGET, now=NOW, batch_size=7), 4)

    assert [type(o).__name__ for o in outcomes] == ["ScanResult"] * 4
    assert sum(o.approaching for o in outcomes) == 60
    assert sum(o.overdue for o in outcomes) == 30
    assert Flag.objects.filter(kind="APPROACHING").count() == 60
    assert Flag.objects.filter(kind="OVERDUE").count() == 30
    assert ServiceRequestEvent.objects.filter(action="flag_approaching").count() == 60
    assert ServiceRequestEvent.objects.filter(action="flag_overdue").count() == 30
    assert Notification.objects.filter(kind="APPROACHING").count() == 60
    assert Notification.objects.filter(kind="OVERDUE").count() == 30
