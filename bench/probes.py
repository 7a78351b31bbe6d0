"""What the benchmark asks of Django in its own process, once ``server.setup_django`` ran:
whether the database is seeded, a token and a session, sample numbers and queries from the
seeded rows, the SQL floor of a call, and the beat scan's timing."""

from __future__ import annotations

import random
import statistics
import time


def seeded(count: int) -> bool:
    from servicerequests.models import ServiceRequest

    return ServiceRequest.objects.count() >= count


def search_fields_seeded() -> bool:
    from servicerequests.models import ServiceRequest

    return ServiceRequest.objects.filter(caller_email__isnull=False).exists()


def token() -> str:
    from crm.models import ApiToken, User
    from crm.services import token_issue

    admin = User.objects.get(username="MPAdministrator")
    return token_issue(user=admin, unit=admin.default_unit, source=ApiToken.Source.LOGIN)


def session_cookie() -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from crm.models import User

    admin = User.objects.get(username="MPAdministrator")
    session = SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "crm.backends.CaseInsensitiveModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def numbers(state: str, limit: int) -> list[str]:
    from servicerequests.models import ServiceRequest

    return list(
        ServiceRequest.objects.filter(life_cycle_state=state, approaching_completion__isnull=False)
        .order_by("?")
        .values_list("number", flat=True)[:limit]
    )


def captured_sql(path: str) -> list[tuple[str, tuple]]:
    """The SQL one in-process call of ``path`` runs (the floor replays it)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return [(q["sql"], ()) for q in queries.captured_queries]


def floor(sql: list[tuple[str, tuple]], database_url: str, repeat: int) -> float:
    """Median ms to run the same statements straight through psycopg on one connection,
    asking of PostgreSQL what the application asks: the same session settings, and
    statements prepared as the application's connections prepare them."""
    import psycopg
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    times = []
    with psycopg.connect(database_url, autocommit=True, options=options.get("options", "")) as conn:
        conn.prepare_threshold = options.get("prepare_threshold")
        for _ in range(repeat):
            started = time.perf_counter()
            for statement, params in sql:
                # None, not (): without parameters a LIKE pattern's % is not a placeholder.
                conn.execute(statement.encode(), params or None).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


SEARCH_SAMPLE_SQL = """
SELECT r.number, a.number, c.last_name, r.caller_email, r.description
FROM servicerequests_servicerequest r TABLESAMPLE SYSTEM (1) REPEATABLE (13)
JOIN customers_accountsreceivable a ON a.id = r.accounts_receivable_id
JOIN customers_contact c ON c.id = r.caller_id
WHERE r.caller_email IS NOT NULL AND r.description LIKE '%%: %%'
LIMIT %s
"""


def search_mix(count: int) -> list[str]:
    """What people type into a search, in turn: a request number, an account number, a
    caller's surname, an e-mail, a word of a description; each from a seeded request."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SEARCH_SAMPLE_SQL, [count])
        rows = cursor.fetchall()
    rng = random.Random(13)
    kinds = [
        lambda row: row[0],
        lambda row: row[1],
        lambda row: row[2],
        lambda row: row[3],
        lambda row: rng.choice(row[4].split(": ", 1)[1].split()),
    ]
    return [kinds[i % len(kinds)](rows[i % len(rows)]) for i in range(count)]


def job_search_mix(count: int) -> list[str]:
    """A job number, an account number, a subscription number, an e-mail, in turn."""
    from jobs.models import Job

    rows = list(
        Job.objects.filter(contact_email__isnull=False, subscription__isnull=False)
        .order_by("-created_date")
        .values_list(
            "number", "accounts_receivable__number", "subscription__number", "contact_email"
        )[: count * 50 : 50]
    )
    return [rows[i % len(rows)][i % 4] for i in range(count)]


def busiest_accounts(count: int) -> list[str]:
    """Account numbers, the ten with the most requests in turn: lists with rows to show."""
    from django.db.models import Count

    from servicerequests.models import ServiceRequest

    top = list(
        ServiceRequest.objects.values("accounts_receivable__number")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("accounts_receivable__number", flat=True)[:10]
    )
    return [top[i % len(top)] for i in range(count)]


def prepare_due(count: int) -> int:
    """``count`` pending requests due within the next ten hours and not flagged: the scan's
    work, laid out just before it runs (seeded due dates go stale while the load runs)."""
    from datetime import timedelta

    from django.db.models import Case, When
    from django.utils import timezone

    from servicerequests.models import ServiceRequest

    now, rng = timezone.now(), random.Random(1)
    # Whatever else is open and unflagged counts as flagged long ago: exactly ``count`` due.
    ServiceRequest.objects.open().filter(approaching_completion=None).update(
        approaching_completion=now - timedelta(days=1)
    )
    ids = list(
        ServiceRequest.objects.filter(life_cycle_state="PENDING").values_list("id", flat=True)[
            :count
        ]
    )
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        due = [now + timedelta(minutes=rng.randint(5, 600)) for _ in chunk]
        ServiceRequest.objects.filter(id__in=chunk).update(
            approaching_completion=None,
            overdue_flagged_at=None,
            expected_completion_date=Case(
                *(When(id=i, then=d) for i, d in zip(chunk, due, strict=True))
            ),
            # At risk a day before the target: every one of them is at risk now.
            sla_at_risk_date=Case(
                *(When(id=i, then=d - timedelta(days=1)) for i, d in zip(chunk, due, strict=True))
            ),
            sla_paused_since=None,
        )
    return len(ids)


def scan_timing(due: int) -> tuple[float, str]:
    """One scan over ``due`` requests due within the window: ms, and what it flagged."""
    from crm import flagging
    from servicerequests.tasks import TARGET

    prepare_due(due)
    started = time.perf_counter()
    result = flagging.scan(TARGET)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, f"{result.approaching} approaching and {result.overdue} overdue"
