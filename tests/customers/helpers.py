"""Rows and page readers for the customer history tests."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from django.utils import timezone

from jobs import models as jm
from servicerequests import models as sm
from tests.factories import AccountFactory, ContactFactory
from tests.servicerequests.helpers import make_sr

_numbers = itertools.count(1)
_moments = itertools.count(1)
COUNT = re.compile(r'data-state="([A-Z_]*)"[^>]*>[^<]*<span class="count">(\d+)</span>')
SECTION = re.compile(r'<section class="card history" id="(\w+)-history".*?</section>', re.S)
ROW_NUMBER = re.compile(r'<td><a href="/(?:requests|jobs)/[^/]+/">([^<]+)</a></td>')


def customer() -> dict:
    """A fresh account (owner with an e-mail and a phone) and a related contact."""
    owner = ContactFactory(email="owner@example.com", phone="555-0100")
    relative = ContactFactory(email="relative@example.com", phone="555-0101")
    account = AccountFactory(owner=owner)
    account.related_contacts.set([relative])
    return {"account": account, "owner": owner, "relative": relative}


def moment():
    """A creation time later than the last one: the history is newest first."""
    return timezone.now() - timedelta(days=30) + timedelta(minutes=next(_moments))


def request_of(account, state=sm.LifeCycleState.PENDING, **overrides) -> sm.ServiceRequest:
    """A request of ``account`` in ``state`` (its owner calling unless told), created now."""
    values = {"accounts_receivable": account, "caller": account.owner, "created_date": moment()}
    return make_sr(state, **{**values, **overrides})


def job_of(account, state=jm.JobLifeCycleState.DRAFT, **overrides) -> jm.Job:
    """A job of ``account`` in ``state``: the demo job JOB000814 copied, created now."""
    demo = jm.Job.objects.get(number="JOB000814")
    values = {
        f.attname: getattr(demo, f.attname)
        for f in jm.Job._meta.concrete_fields
        if f.name not in ("id", "number", "subscription")
    }
    status = jm.JobStatus.objects.filter(life_cycle_state=state).order_by("name").first()
    values.update(
        number=f"JOBH{next(_numbers):05d}",
        accounts_receivable_id=account.pk,
        status_id=status.pk,
        life_cycle_state=state,
        contact_email=None,
        contact_phone=None,
        created_date=moment(),
        description=None,
    )
    for name in overrides:  # a related row given by name replaces the copied id
        values.pop(f"{name}_id", None)
    values.update(overrides)
    return jm.Job.objects.create(**values)


def sections(page: str) -> dict[str, str]:
    """The history page's lists by prefix (``sr``, ``job``)."""
    return {match.group(1): match.group(0) for match in SECTION.finditer(page)}


def counts(section: str) -> dict[str, int]:
    """A list's counts by state ("" is All)."""
    return {state: int(count) for state, count in COUNT.findall(section)}


def numbers(section: str) -> list[str]:
    """The numbers of a list's rows, in the page's order."""
    return ROW_NUMBER.findall(section)
