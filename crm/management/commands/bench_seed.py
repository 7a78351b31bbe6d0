"""``python manage.py bench_seed``: load benchmark volumes (default 1,000,000 service requests
and 200,000 jobs) on PostgreSQL with COPY, on top of the demo data.

Rows are spread over states, accounts, assignees and due dates like a real organisation's:
mostly closed, a tail of open ones, a few thousand due within the warning window (what the
background scan works on). Numbers are issued from the same sequences the application uses.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from crm.demo import load_demo
from crm.ids import new_id
from crm.models import Group, PrivacyLevel, Unit, User
from crm.numbering import advance_to
from customers.models import AccountsReceivable, SubscriptionType
from jobs.models import Job, JobStatus, JobType
from servicerequests.models import (
    ServiceRequest,
    ServiceRequestCategory,
    ServiceRequestStatus,
    ServiceRequestType,
)

ACCOUNTS = 20_000
AGENTS = 50
# (state, share) of service requests: most are history.
SR_STATES = [
    ("COMPLETED", 0.80),
    ("CANCELLED", 0.05),
    ("PENDING", 0.07),
    ("RESPONDED", 0.04),
    ("TEMPORARY_RESOLVED", 0.02),
    ("FINAL_RESOLVED", 0.02),
]
JOB_STATES = [
    ("COMPLETED", 0.80),
    ("CANCELLED", 0.05),
    ("DRAFT", 0.05),
    ("PENDING", 0.06),
    ("IN_PROGRESS", 0.04),
]


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows into ``table``; returns how many."""
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _pick(choices: list[tuple[str, float]], rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for value, share in choices:
        total += share
        if roll < total:
            return value
    return choices[-1][0]


def _state_case(choices: list[tuple[str, float]]) -> str:
    """SQL picking a state by share from the row's ``roll`` (a random number in [0, 1))."""
    total, branches = 0.0, []
    for state, share in choices[:-1]:
        total += share
        branches.append(f"WHEN roll < {total:.4f} THEN '{state}'")
    return f"CASE {' '.join(branches)} ELSE '{choices[-1][0]}' END"


@contextmanager
def _indexes_dropped(table: str):
    """Drop ``table``'s secondary indexes for the load and build them again afterwards:
    one sorted build per index is several times faster than maintaining sixteen of them
    row by row. Constraint indexes (primary key, unique number) stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # The loaded rows' deferred foreign-key checks must run before an index is built.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


# A row picks its account by position in ``bench_account`` (see ``_positions``).
ACCOUNT_PICK = "JOIN bench_account account ON account.position = g.account_position"

REQUESTS_SQL = """
INSERT INTO servicerequests_servicerequest (
    id, number, type_id, status_id, life_cycle_state, category_id, accounts_receivable_id,
    caller_id, urgency_level, impact_level, priority, assigned_to_user_id, owned_by_group_id,
    privacy_level_id, start_date, expected_completion_date, approaching_completion,
    overdue_flagged_at, created_date, updated_date, created_by_user_id, updated_by_user_id,
    description
)
SELECT
    upper(replace(gen_random_uuid()::text, '-', '')),
    'SR' || lpad((%(first)s + n)::text, 8, '0'),
    (%(types)s::text[])[1 + floor(random() * cardinality(%(types)s::text[]))::int],
    %(statuses)s::jsonb ->> state,
    state,
    %(category)s,
    account_id,
    owner_id,
    'URGENCY' || (1 + floor(random() * 3)::int),
    'IMPACT' || (1 + floor(random() * 3)::int),
    'P' || (1 + floor(random() * 5)::int),
    (%(agents)s::text[])[1 + floor(random() * cardinality(%(agents)s::text[]))::int],
    %(group)s,
    CASE WHEN random() < 0.1 THEN %(public)s END,
    created,
    expected,
    -- Due rows wait for the scan; open history was flagged long ago (and as overdue once
    -- past due), so the scan has nothing else to do.
    CASE WHEN n >= %(due)s THEN expected - interval '1 hour' END,
    CASE WHEN n >= %(due)s AND expected < now()
         AND state NOT IN ('COMPLETED', 'CANCELLED') THEN now() END,
    created,
    created,
    %(admin)s,
    %(admin)s,
    'Benchmark request ' || n
FROM (
    SELECT
        n, created, account.id AS account_id, account.owner_id,
        CASE WHEN n < %(due)s THEN 'PENDING' ELSE {state} END AS state,
        CASE WHEN n < %(due)s
             THEN now() + (5 + floor(random() * 596)::int) * interval '1 minute'
             ELSE created + (1 + floor(random() * 10)::int) * interval '1 day'
        END AS expected
    FROM (
        SELECT
            n,
            random() AS roll,
            1 + floor(random() * %(accounts)s)::int AS account_position,
            now() - (60 + floor(random() * (60 * 24 * 900 - 59))::int) * interval '1 minute'
                AS created
        FROM generate_series(0, %(count)s - 1) AS n
    ) g
    {account_pick}
) r
"""

JOBS_SQL = """
INSERT INTO jobs_job (
    id, number, type_id, status_id, life_cycle_state, rating_state, accounts_receivable_id,
    subscription_id, start_date, expected_completion_date, approaching_completion,
    overdue_flagged_at, assigned_to_user_id, owned_by_group_id, created_date, updated_date
)
SELECT
    upper(replace(gen_random_uuid()::text, '-', '')),
    'JOB' || lpad((%(first)s + n)::text, 6, '0'),
    %(type)s,
    %(statuses)s::jsonb ->> state,
    state,
    'PENDING',
    account_id,
    subscription.id,
    created,
    created + interval '3 days',
    created + interval '3 days' - interval '1 hour',
    created + interval '3 days',
    (%(agents)s::text[])[1 + floor(random() * cardinality(%(agents)s::text[]))::int],
    %(group)s,
    created,
    created
FROM (
    SELECT n, created, account.id AS account_id, {state} AS state
    FROM (
        SELECT
            n,
            random() AS roll,
            1 + floor(random() * %(accounts)s)::int AS account_position,
            now() - (60 + floor(random() * (60 * 24 * 900 - 59))::int) * interval '1 minute'
                AS created
        FROM generate_series(0, %(count)s - 1) AS n
    ) g
    {account_pick}
) r
JOIN customers_subscription subscription
    ON subscription.accounts_receivable_id = r.account_id AND subscription.number LIKE 'BS%%'
"""


class Command(BaseCommand):
    help = "Load benchmark volumes of service requests and jobs (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--jobs", type=int, default=200_000)
        parser.add_argument(
            "--due",
            type=int,
            default=3_000,
            help="open requests due within the warning window, not flagged",
        )
        parser.add_argument("--seed", type=int, default=20261123)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed loads with COPY: point DATABASE_URL at PostgreSQL.")
        started = time.monotonic()
        load_demo()
        rng = random.Random(options["seed"])
        with transaction.atomic():
            people = self._people(rng)
            accounts = self._accounts(rng)
            self._positions()
            loaded = self._requests(options["requests"], options["due"], accounts, people, rng)
            jobs = self._jobs(options["jobs"], accounts, people, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Loaded {loaded} service requests and {jobs} jobs in "
            f"{time.monotonic() - started:.1f} s"
        )

    # -- reference rows -----------------------------------------------------------------------

    def _people(self, rng) -> dict:
        unit, group = Unit.objects.get(name="Admin Unit"), Group.objects.get(name="Main Group")
        existing = set(
            User.objects.filter(username__startswith="bench-agent-").values_list(
                "username", flat=True
            )
        )
        users = [
            User(
                username=f"bench-agent-{n}",
                person_name=f"Bench Agent {n}",
                default_unit=unit,
                password="!",
            )
            for n in range(AGENTS)
            if f"bench-agent-{n}" not in existing
        ]
        User.objects.bulk_create(users)
        agents = list(User.objects.filter(username__startswith="bench-agent-"))
        User.crm_groups.through.objects.bulk_create(
            [User.crm_groups.through(user_id=u.pk, group_id=group.pk) for u in agents],
            ignore_conflicts=True,
        )
        return {
            "agents": [u.pk for u in agents],
            "group": group.pk,
            "unit": unit.pk,
            "public": PrivacyLevel.objects.get(number=1).pk,
            "admin": User.objects.get(username="MPAdministrator").pk,
        }

    def _accounts(self, rng) -> list[tuple[str, str]]:
        """(account id, owner contact id) pairs, created once."""
        have = list(
            AccountsReceivable.objects.filter(number__startswith="BEN").values_list(
                "id", "owner_id"
            )
        )
        if len(have) >= ACCOUNTS:
            return have
        contacts = [(new_id(), f"First{n}", f"Last{n}", f"B{n:08d}") for n in range(ACCOUNTS)]
        _copy(
            "customers_contact",
            [
                "id",
                "type",
                "title",
                "first_name",
                "middle_name",
                "last_name",
                "company_name",
                "company_profile",
                "life_cycle_state",
                "email",
                "phone",
                "gender",
                "id_number",
            ],
            (
                (c[0], "PERSON", "", c[1], "", c[2], "", "", "FINANCIAL", "", "", "", c[3])
                for c in contacts
            ),
        )
        _copy(
            "customers_accountsreceivable",
            ["id", "number", "name", "life_cycle_state", "owner_id"],
            (
                (new_id(), f"BEN{n:07d}", f"BEN{n:07d}", "ACTIVE", c[0])
                for n, c in enumerate(contacts)
            ),
        )
        return list(
            AccountsReceivable.objects.filter(number__startswith="BEN").values_list(
                "id", "owner_id"
            )
        )

    @staticmethod
    def _positions() -> None:
        """The benchmark accounts numbered 1..N in a keyed temporary table, so generated rows
        can pick one at random with an index lookup."""
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_account "
                "(position integer PRIMARY KEY, id varchar(32), owner_id varchar(32)) "
                "ON COMMIT DROP"
            )
            cursor.execute(
                "INSERT INTO bench_account SELECT row_number() OVER (ORDER BY number), id, "
                "owner_id FROM customers_accountsreceivable WHERE number LIKE 'BEN%%'"
            )
            cursor.execute("ANALYZE bench_account")

    # -- service requests ---------------------------------------------------------------------

    def _requests(self, count: int, due: int, accounts, people, rng) -> int:
        """Generated inside PostgreSQL (``generate_series``): a Python row loop and COPY
        spent most of the old seeding time producing and shipping the million rows."""
        statuses = {s.life_cycle_state: s.pk for s in ServiceRequestStatus.objects.all()}
        params = {
            "first": self._reserve("service_request", count),
            "count": count,
            "due": due,
            "types": list(ServiceRequestType.objects.values_list("id", flat=True)),
            "category": ServiceRequestCategory.objects.get(code="TECH").pk,
            "statuses": json.dumps(statuses),
            "agents": people["agents"],
            "group": people["group"],
            "public": people["public"],
            "admin": people["admin"],
            "accounts": len(accounts),
            "seed": rng.random() * 2 - 1,
        }
        with _indexes_dropped(ServiceRequest._meta.db_table), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%(seed)s)", params)
            cursor.execute(
                REQUESTS_SQL.format(state=_state_case(SR_STATES), account_pick=ACCOUNT_PICK), params
            )
            return cursor.rowcount

    # -- jobs ---------------------------------------------------------------------------------

    def _jobs(self, count: int, accounts, people, rng) -> int:
        now = timezone.now()
        london = SubscriptionType.objects.get(name="London").pk
        _copy(
            "customers_subscription",
            [
                "id",
                "number",
                "accounts_receivable_id",
                "type_id",
                "life_cycle_state",
                "rating_state",
                "first_activated_date",
            ],
            (
                (new_id(), f"BS{n:07d}", account, london, "EFFECTIVE", "PENDING", now)
                for n, (account, _owner) in enumerate(accounts)
            ),
        )
        params = {
            "first": self._reserve("job", count),
            "count": count,
            "type": JobType.objects.get(name="Deactivate Subscription").pk,
            "statuses": json.dumps({s.life_cycle_state: s.pk for s in JobStatus.objects.all()}),
            "agents": people["agents"],
            "group": people["group"],
            "accounts": len(accounts),
        }
        with _indexes_dropped(Job._meta.db_table), connection.cursor() as cursor:
            cursor.execute(
                JOBS_SQL.format(state=_state_case(JOB_STATES), account_pick=ACCOUNT_PICK), params
            )
            return cursor.rowcount

    @staticmethod
    def _reserve(counter: str, count: int) -> int:
        """The first of ``count`` numbers taken from the application's sequence."""
        from crm.numbering import next_value

        first = next_value(counter)
        advance_to(counter, first + count)
        return first
