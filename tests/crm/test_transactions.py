"""crm.db.run_atomic: a transaction the database aborts to resolve a conflict (deadlock,
serialisation failure) is run again; one that keeps losing answers 409, never 500."""

import pytest
from django.db import OperationalError

from crm import db
from crm.exceptions import InvalidLifeCycleState
from crm.models import Community


class Aborted(Exception):
    """What psycopg raises: an error with the SQLSTATE of the conflict."""

    def __init__(self, sqlstate: str):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def conflict(sqlstate: str = "40P01") -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = Aborted(sqlstate)
    return error


@pytest.fixture
def outermost(transactional_db):
    """No test transaction around the test: the retry applies to the outermost transaction
    only."""


def test_a_deadlock_is_retried_and_its_first_attempt_rolled_back(outermost, monkeypatch):
    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)
    attempts = []

    def work():
        attempts.append(len(attempts))
        Community.objects.create(name=f"attempt {len(attempts)}")
        if len(attempts) < 3:
            raise conflict("40P01" if len(attempts) == 1 else "40001")
        return "done"

    assert db.run_atomic(work) == "done"
    assert len(attempts) == 3
    names = set(Community.objects.filter(name__startswith="attempt").values_list("name", flat=True))
    assert names == {"attempt 3"}


def test_a_transaction_that_keeps_losing_is_a_409(outermost, monkeypatch):
    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)
    calls = []

    def work():
        calls.append(1)
        raise conflict()

    with pytest.raises(InvalidLifeCycleState) as raised:
        db.run_atomic(work)
    assert len(calls) == db.ATTEMPTS
    assert raised.value.http_status == 409


def test_other_database_errors_are_not_retried(outermost):
    calls = []

    def work():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        db.run_atomic(work)
    assert calls == [1]


@pytest.mark.django_db
def test_inside_another_transaction_the_work_runs_once():
    calls = []

    def work():
        calls.append(1)
        raise conflict()

    with pytest.raises(OperationalError):
        db.run_atomic(work)
    assert calls == [1]


def test_the_web_api_answers_409_when_a_write_keeps_losing(outermost, api, monkeypatch):
    import servicerequests.services.update  # noqa: F401 (the module patched below)
    from servicerequests import services

    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)

    def always_deadlocks(**kwargs):
        raise conflict()

    monkeypatch.setattr(services.update, "lock_request", lambda sr: always_deadlocks())
    from tests.factories import make_service_request

    sr = make_service_request()
    response = api.post(
        "service_requests/update",
        {"service_request_identifier": {"number": sr.number}, "description": "x"},
    )
    assert (response.status_code, response.code) == (409, "INVALID_LIFE_CYCLE_STATE")
