"""The background scan: flag open service requests and jobs that approach, or passed, their
expected completion, and notify who works them. For service requests that is their service
level (contract section 8): at risk at the row's at-risk moment, breached at its target,
never while the clock is paused, once per target (a moved target may be flagged again).

It works in bounded batches, each its own transaction: rows are picked through a partial
index (open and not flagged yet), locked (skipping rows another scan holds), flagged by an
UPDATE that repeats every guard, and given their event rows and notifications in the same
transaction. So a crash loses at most the batch in flight, which the next run redoes;
overlapping runs never flag a row twice; and a notification exists once per flag (a
unique key). Mail goes out after commit, claimed first so that it is never sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm import notify, queuecounts, registry
from crm.access import accesses_for, can_see
from crm.models import Notification
from crm.timeperiods import add_period

APPROACHING = Notification.Kind.APPROACHING
OVERDUE = Notification.Kind.OVERDUE
FLAG_FIELDS = {APPROACHING: "approaching_completion", OVERDUE: "overdue_flagged_at"}
ROW_FIELDS = (
    "id",
    "number",
    "life_cycle_state",
    "status_id",
    "assigned_to_user_id",
    "owned_by_group_id",
    "privacy_level_id",
    "expected_completion_date",
)


@dataclass(frozen=True)
class Target:
    """What the scan flags: service requests or jobs."""

    model: type
    type_model: type
    event_model: type
    fk: str  # the foreign key to the row, on events and notifications
    open_states: tuple[str, ...]
    label: str
    # Service levels (service requests): the row's at-risk moment replaces the type's
    # warning window, and a paused row is never flagged.
    at_risk_field: str | None = None
    paused_field: str | None = None

    @classmethod
    def of(cls, model) -> Target:
        """The target for a work record model (crm.models.WorkRecord): its type, its
        event rows and their foreign key, its open states, its name and its clock."""
        events = model._meta.get_field("events")
        return cls(
            model=model,
            type_model=model._meta.get_field("type").related_model,
            event_model=events.related_model,
            fk=events.field.name,
            open_states=model.CLOCK_STATES or model.OPEN_STATES,
            label=str(model._meta.verbose_name),
            at_risk_field=model.AT_RISK_FIELD,
            paused_field=model.PAUSED_FIELD,
        )


@dataclass
class ScanResult:
    approaching: int = 0
    overdue: int = 0
    batches: int = 0


def warning_window(target: Target, now: datetime) -> Q:
    """Due between now and now + the type's warning period (or the default period)."""
    value, uot = settings.CRM_DEFAULT_WARNING_PERIOD
    configured = list(
        target.type_model.objects.exclude(warning_period_value=None).values_list(
            "id", "warning_period_value", "warning_period_uot"
        )
    )
    window = ~Q(type_id__in=[row[0] for row in configured]) & Q(
        expected_completion_date__lte=add_period(now, value, uot)
    )
    for type_id, period, unit in configured:
        window |= Q(type_id=type_id, expected_completion_date__lte=add_period(now, period, unit))
    return window & Q(expected_completion_date__gte=now)


def due_condition(target: Target, kind: str, now: datetime) -> Q:
    """The guards, used both to pick rows and again in the UPDATE that flags them."""
    unflagged = Q(life_cycle_state__in=target.open_states, **{FLAG_FIELDS[kind]: None})
    if target.paused_field:
        unflagged &= Q(**{f"{target.paused_field}__isnull": True})
    if kind == OVERDUE and target.at_risk_field:
        # A service level is breached at its target (sla.clock reads it the same way).
        return unflagged & Q(expected_completion_date__lte=now)
    if kind == OVERDUE:
        return unflagged & Q(expected_completion_date__lt=now)
    if target.at_risk_field:
        due = Q(**{f"{target.at_risk_field}__lte": now}, expected_completion_date__gt=now)
        return unflagged & due
    return unflagged & warning_window(target, now)


def scan(
    target: Target,
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> ScanResult:
    """Flag everything due; each batch commits on its own."""
    now = now or timezone.now()
    size = batch_size or settings.CRM_SCAN_BATCH_SIZE
    result = ScanResult()
    for kind in (OVERDUE, APPROACHING):
        condition = due_condition(target, kind, now)
        while max_batches is None or result.batches < max_batches:
            picked, flagged = flag_batch(target, kind, condition, now, size)
            result.batches += 1
            setattr(result, kind.lower(), getattr(result, kind.lower()) + flagged)
            if picked < size:
                break
    return result


@transaction.atomic
def flag_batch(
    target: Target, kind: str, condition: Q, now: datetime, size: int
) -> tuple[int, int]:
    """Flag up to ``size`` rows; returns how many were picked and how many flagged."""
    model, field = target.model, FLAG_FIELDS[kind]
    picked = list(
        model.objects.filter(condition)
        .order_by("expected_completion_date")
        .select_for_update(skip_locked=True, no_key=True)
        .values_list("id", flat=True)[:size]
    )
    if not picked:
        return 0, 0
    # The guards again: a row may have been completed or flagged since it was picked.
    model.objects.filter(condition, id__in=picked).update(**{field: now})
    rows = list(model.objects.filter(id__in=picked, **{field: now}).values(*ROW_FIELDS))
    _record(target, kind, rows, now)
    return len(picked), len(rows)


def _record(target: Target, kind: str, rows: list[dict], now: datetime) -> None:
    action = "flag_approaching" if kind == APPROACHING else "flag_overdue"
    target.event_model.objects.bulk_create(
        target.event_model(
            **{f"{target.fk}_id": row["id"]},
            action=action,
            from_state=row["life_cycle_state"],
            to_state=row["life_cycle_state"],
            from_status_id=row["status_id"],
            to_status_id=row["status_id"],
            created_at=now,
            note=_message(target, kind, row),
        )
        for row in rows
    )
    queuecounts.changed()  # rows moved into Close to expected completion or Overdue
    for listener in registry.FLAG_LISTENERS:
        listener(model=target.model, kind=kind, rows=rows, now=now)
    notifications = _notifications(target, kind, rows, now)
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    # Mail only those who chose mail for this kind: one query for the whole batch.
    mailed = notify.mail_recipients(kind, {n.user_id for n in notifications})
    notify.mail_later(n for n in notifications if n.user_id in mailed)


def _message(target: Target, kind: str, row: dict) -> str:
    due = timezone.localtime(row["expected_completion_date"]).strftime("%Y-%m-%d %H:%M")
    subject = f"{target.label.capitalize()} {row['number']}"
    if target.at_risk_field:  # a service level: at risk, then breached
        if kind == APPROACHING:
            return f"{subject} is at risk of missing its target ({due})."
        return f"{subject} breached its target ({due})."
    if kind == APPROACHING:
        return f"{subject} is due on {due}."
    return f"{subject} was due on {due} and is overdue."


def _recipients(rows: list[dict]) -> dict[str, list[str]]:
    """Who is told about each row: the assignee, or else every active member of the owning
    group; of them, only those who may see the row now (contract section 6). An assignee
    who may no longer see it (the row was reclassified) hands over to the group."""
    members = notify.active_members(row["owned_by_group_id"] for row in rows)
    candidates = {row["assigned_to_user_id"] for row in rows}
    candidates.update(user for group in members.values() for user in group)
    accesses = accesses_for(candidates)

    def sees(user_id, row) -> bool:
        access = accesses.get(user_id)
        return access is not None and can_see(access, SimpleNamespace(**row))

    recipients = {}
    for row in rows:
        assignee = row["assigned_to_user_id"]
        if assignee and sees(assignee, row):
            recipients[row["id"]] = [assignee]
        else:
            group = members.get(row["owned_by_group_id"], [])
            recipients[row["id"]] = [user for user in group if sees(user, row)]
    return recipients


def _notifications(target: Target, kind: str, rows: list[dict], now: datetime) -> list:
    recipients = _recipients(rows)
    return [
        Notification(
            user_id=user_id,
            kind=kind,
            created_at=now,
            message=_message(target, kind, row),
            key=f"{kind}:{target.fk}:{row['id']}:{row['expected_completion_date'].isoformat()}",
            **{f"{target.fk}_id": row["id"]},
        )
        for row in rows
        for user_id in recipients[row["id"]]
    ]


def scan_task(name: str, model):
    """The periodic scan of ``model`` as a Celery task (scheduled by beat, see
    CELERY_BEAT_SCHEDULE). Every batch commits on its own, so stopping at the time limit
    keeps what was done; the next run goes on."""
    from celery import shared_task
    from celery.exceptions import SoftTimeLimitExceeded
    from django.db import InterfaceError, OperationalError

    from crm.singleton import one_at_a_time

    target = Target.of(model)

    @shared_task(
        name=name,
        acks_late=True,
        autoretry_for=(OperationalError, InterfaceError),
        retry_backoff=5,
        retry_backoff_max=120,
        retry_jitter=True,
        max_retries=5,
        soft_time_limit=50,
        time_limit=60,
    )
    # Two beats, or a run overlapping the next tick, must not scan twice at once: the second
    # returns {"skipped": ...} (crm.singleton). The lock outlasts the hard time limit.
    @one_at_a_time(name, seconds=60)
    def scan_due() -> dict:
        try:
            result = scan(target)
        except SoftTimeLimitExceeded:
            return {"stopped": "time limit"}
        return {"approaching": result.approaching, "overdue": result.overdue}

    scan_due.__doc__ = f"Flag {target.label}s approaching or past their expected completion."
    return target, scan_due
