"""``python manage.py seed_demo_activity``: on top of the demo organisation (seed_demo), six
weeks of service requests raised and worked through the services, each write at its own past
moment, so that the dashboard, the queues and the reports have a history to show.

Every request goes through the same services as a person's would (events, service levels,
numbers), with the clock set back to the moment of each step. A second run adds nothing:
the activity is there once (``--force`` adds another batch).
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from crm.actor import Actor
from crm.demo import load_demo
from crm.models import Group, Notification, User
from customers.models import AccountsReceivable
from servicerequests import models as sm
from servicerequests import services

MARK = "Demo activity"
DAYS = 42
LEVELS = ("1", "2", "3")
TYPES = ("Technical Support", "Customer Complaint", "On-site Repair")
CATEGORIES = ("TECH", "BILL", "COMP")
SUBJECTS = (
    "No signal on the decoder",
    "Invoice shows a double charge",
    "Engineer visit to replace the antenna",
    "Channel package missing after upgrade",
    "Remote control not pairing",
    "Slow internet in the evenings",
    "Complaint about a missed appointment",
    "Router keeps restarting",
)


class Command(BaseCommand):
    help = "Add six weeks of worked service requests to the demo data (for the dashboard)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=240)
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--force", action="store_true", help="add a batch even if present")

    def handle(self, *args, count: int, seed: int, force: bool, **options):
        load_demo()
        if not force and sm.ServiceRequest.objects.filter(notes=MARK).exists():
            self.stdout.write("Demo activity is already there (--force adds more).")
            return
        world = World.load(random.Random(seed))
        ours = Notification.objects.filter(service_request__notes=MARK)
        before = set(ours.values_list("pk", flat=True))
        # The notices of this made-up history are not mailed (the services enqueue the
        # mail after each commit: held back here)...
        with mock.patch("crm.notify.mail_later"):
            for _ in range(count):
                world.raise_and_work()
        # ...and they are history, already read, not ninety unread items for the agent.
        ours.exclude(pk__in=before).filter(read_at__isnull=True).update(read_at=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"{count} demo requests added."))


class World:
    """The demo's people, accounts and configuration, and a random source."""

    def __init__(self, rng: random.Random, **rows):
        self.rng = rng
        self.__dict__.update(rows)

    @classmethod
    def load(cls, rng: random.Random) -> World:
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        groups = {g.name: g for g in Group.objects.all()}
        # Who may work a group's requests: its members (an assignee must see the request).
        membership = set(User.crm_groups.through.objects.values_list("group_id", "user_id"))
        teams = {
            name: [u for u in users.values() if (g.pk, u.pk) in membership]
            for name, g in groups.items()
        }
        return cls(
            rng,
            admin=users["MPAdministrator"],
            groups=groups,
            teams=teams,
            accounts=list(AccountsReceivable.objects.filter(number__in=["ACR001143", "ACR001179"])),
            types=[sm.ServiceRequestType.objects.get(name=name) for name in TYPES],
            categories=[sm.ServiceRequestCategory.objects.get(code=c) for c in CATEGORIES],
            pending=sm.ServiceRequestStatus.objects.get(name="Pending"),
        )

    def raise_and_work(self) -> None:
        rng = self.rng
        # More requests lately: the last days are busier than six weeks ago.
        age = timedelta(hours=DAYS * 24 * rng.random() ** 1.6)
        start = _working_moment(timezone.now() - age, rng)
        group_name = rng.choice(list(self.groups))
        team = self.teams[group_name]
        assignee = rng.choice(team) if team and rng.random() < 0.85 else None
        with at(start):
            sr = self.create(group_name, assignee)
        self.work(sr, start)

    def create(self, group_name: str, assignee) -> sm.ServiceRequest:
        rng = self.rng
        return services.service_request_create(
            actor=Actor.of(self.admin),
            type=rng.choice(self.types),
            accounts_receivable=rng.choice(self.accounts),
            status=self.pending,
            category=rng.choice(self.categories),
            urgency_level=f"URGENCY{rng.choice(LEVELS)}",
            impact_level=f"IMPACT{rng.choice(LEVELS)}",
            fields={
                "description": rng.choice(SUBJECTS),
                "notes": MARK,
                "owned_by_group": self.groups[group_name],
                "assigned_to_user": assignee,
            },
        )

    def work(self, sr: sm.ServiceRequest, start: datetime) -> None:
        """Walk the request as far as its age allows: older ones are mostly done."""
        rng, now = self.rng, timezone.now()
        age_days = (now - start).total_seconds() / 86400
        done = min(0.95, age_days / 6)  # the chance of each next step having happened
        moment = start
        plan = ["respond", "final_resolve", "complete"]
        if rng.random() < 0.06:
            plan = ["cancel"]
        for action in plan:
            moment += timedelta(hours=rng.uniform(0.5, 20 if action == "respond" else 60))
            if moment >= now or rng.random() > done:
                return
            with at(moment):
                sr = self.step(sr, action, moment)
            waits = action == "final_resolve" and sr.final_resolution_category
            if waits and waits.requires_customer_acceptance:
                return  # awaiting the customer's acceptance

    def step(self, sr: sm.ServiceRequest, action: str, moment: datetime) -> sm.ServiceRequest:
        actor = Actor.of(sr.assigned_to_user or self.admin)
        by = actor.user
        if action == "respond":
            step = services.Step(sm.ResponseCategory.objects.get(code="ACK"), by, moment)
            return services.service_request_respond(service_request=sr, actor=actor, response=step)
        if action == "final_resolve":
            code = "RPC" if self.rng.random() < 0.08 else "RSLV"
            step = services.Step(sm.FinalResolutionCategory.objects.get(code=code), by, moment)
            return services.service_request_final_resolve(
                service_request=sr, actor=actor, final_resolution=step
            )
        if action == "complete":
            return services.service_request_complete(service_request=sr, actor=actor)
        return services.service_request_cancel(service_request=sr, actor=actor)


def _working_moment(moment: datetime, rng: random.Random) -> datetime:
    """The same day between 08:00 and 18:00 (people raise requests in the day), never in
    the future."""
    local = timezone.localtime(moment)
    hour = rng.randint(8, 17)
    day = local.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return min(day, timezone.now() - timedelta(minutes=rng.randint(5, 90)))


@contextmanager
def at(moment: datetime):
    """The services' clock (django.utils.timezone.now) set to ``moment``, in a transaction."""
    with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=moment):
        yield
