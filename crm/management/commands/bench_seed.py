"""``python manage.py bench_seed``: load benchmark volumes (default 1,000,000 service requests
and 200,000 jobs) on PostgreSQL with COPY, on top of the demo data.

Rows are spread over states, accounts, assignees and due dates like a real organisation's:
mostly closed, a tail of open ones, a few thousand due within the warning window (what the
background scan works on). Numbers are issued from the same sequences the application uses.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from crm.demo import load_demo
from crm.ids import new_id
from crm.models import Group, PrivacyLevel, Unit, User
from crm.numbering import advance_to
from customers.models import AccountsReceivable, SubscriptionType
from jobs.models import JobStatus, JobType
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

    # -- service requests ---------------------------------------------------------------------

    def _requests(self, count: int, due: int, accounts, people, rng) -> int:
        types = list(ServiceRequestType.objects.values_list("id", flat=True))
        category = ServiceRequestCategory.objects.get(code="TECH").pk
        statuses = {s.life_cycle_state: s.pk for s in ServiceRequestStatus.objects.all()}
        first = self._reserve("service_request", count)
        now = timezone.now()
        columns = [
            "id",
            "number",
            "type_id",
            "status_id",
            "life_cycle_state",
            "category_id",
            "accounts_receivable_id",
            "caller_id",
            "urgency_level",
            "impact_level",
            "priority",
            "assigned_to_user_id",
            "owned_by_group_id",
            "privacy_level_id",
            "start_date",
            "expected_completion_date",
            "approaching_completion",
            "created_date",
            "updated_date",
            "created_by_user_id",
            "updated_by_user_id",
            "description",
        ]

        def rows():
            for n in range(count):
                created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 900))
                state = "PENDING" if n < due else _pick(SR_STATES, rng)
                if n < due:  # due within the next hours, not flagged yet
                    expected, flagged = now + timedelta(minutes=rng.randint(5, 600)), None
                else:
                    expected = created + timedelta(days=rng.randint(1, 10))
                    # Open history was flagged long ago; the scan has nothing to do there.
                    flagged = expected - timedelta(hours=1)
                account, owner = rng.choice(accounts)
                yield (
                    new_id(),
                    f"SR{first + n:08d}",
                    rng.choice(types),
                    statuses[state],
                    state,
                    category,
                    account,
                    owner,
                    f"URGENCY{rng.randint(1, 3)}",
                    f"IMPACT{rng.randint(1, 3)}",
                    f"P{rng.randint(1, 5)}",
                    rng.choice(people["agents"]),
                    people["group"],
                    people["public"] if rng.random() < 0.1 else None,
                    created,
                    expected,
                    flagged,
                    created,
                    created,
                    people["admin"],
                    people["admin"],
                    f"Benchmark request {n}",
                )

        loaded = _copy("servicerequests_servicerequest", columns, rows())
        # Overdue open history is flagged as overdue too, so only the due rows remain.
        ServiceRequest.objects.filter(number__gte=f"SR{first + due:08d}").open().filter(
            expected_completion_date__lt=now, overdue_flagged_at=None
        ).update(overdue_flagged_at=now)
        return loaded

    # -- jobs ---------------------------------------------------------------------------------

    def _jobs(self, count: int, accounts, people, rng) -> int:
        job_type = JobType.objects.get(name="Deactivate Subscription")
        statuses = {s.life_cycle_state: s.pk for s in JobStatus.objects.all()}
        london = SubscriptionType.objects.get(name="London").pk
        first = self._reserve("job", count)
        now = timezone.now()
        subscriptions = []

        def subscription_rows():
            for n, (account, _owner) in enumerate(accounts):
                sid = new_id()
                subscriptions.append((sid, account))
                yield (sid, f"BS{n:07d}", account, london, "EFFECTIVE", "PENDING", now)

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
            subscription_rows(),
        )
        columns = [
            "id",
            "number",
            "type_id",
            "status_id",
            "life_cycle_state",
            "rating_state",
            "accounts_receivable_id",
            "subscription_id",
            "start_date",
            "expected_completion_date",
            "approaching_completion",
            "overdue_flagged_at",
            "assigned_to_user_id",
            "owned_by_group_id",
            "created_date",
            "updated_date",
        ]

        def rows():
            for n in range(count):
                created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 900))
                expected = created + timedelta(days=3)
                subscription, account = rng.choice(subscriptions)
                state = _pick(JOB_STATES, rng)
                yield (
                    new_id(),
                    f"JOB{first + n:06d}",
                    job_type.pk,
                    statuses[state],
                    state,
                    "PENDING",
                    account,
                    subscription,
                    created,
                    expected,
                    expected - timedelta(hours=1),
                    expected,
                    rng.choice(people["agents"]),
                    people["group"],
                    created,
                    created,
                )

        return _copy("jobs_job", columns, rows())

    @staticmethod
    def _reserve(counter: str, count: int) -> int:
        """The first of ``count`` numbers taken from the application's sequence."""
        from crm.numbering import next_value

        first = next_value(counter)
        advance_to(counter, first + count)
        return first
