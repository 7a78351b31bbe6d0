"""The background scan: flag open service requests and jobs that approach, or passed, their
expected completion, and notify who works them. For service requests that is their service
level (contract section 8): at risk at the row's at-risk moment, breached at its target,
never while the clock is paused, once per target (a moved target may be flagged again).

The flags live in a narrow, insert-only table (crm.models.Flag), one row per record, kind
and target; the wide request or job row is never updated here (it carries some sixteen
indexes, and updating it was most of the scan's time). A batch writes with three
statements whatever its size: ``INSERT INTO flag ... SELECT`` the due rows (every guard
in the SELECT: open, not paused, due, no flag for this target yet) ``ON CONFLICT DO
NOTHING RETURNING`` the flagged ids; ``INSERT INTO events ... SELECT`` from those ids;
and the notifications (whose recipients need the visibility rules, worked out in Python
from the flagged rows) in one multi-row INSERT. Each batch is its own transaction, so a
crash loses at most the batch in flight, which the next run redoes.

The flag table's unique key is the guard against overlapping runs, so rows are no longer
locked (no SKIP LOCKED): two scans may pick the same rows, but of their two inserts of
one flag the second waits for the first to commit and then does nothing, so it returns no
id and writes no event or notification for it. The price: the record row is not locked,
so a request closed while a batch runs may still be flagged by it (once, and its page and
the Web API show no flag on a closed record). A notification exists once per flag (a
unique key). Mail goes out after commit, claimed first so that it is never sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, Exists, F, Func, JSONField, Q, Value
from django.db.models.functions import (
    Cast,
    Concat,
    ExtractDay,
    ExtractHour,
    ExtractMinute,
    ExtractMonth,
    ExtractYear,
    LPad,
)
from django.utils import timezone

from crm import notify, queuecounts, registry
from crm.access import accesses_for, can_see
from crm.ids import new_id
from crm.models import Flag, Notification, User, current_flag
from crm.timeperiods import add_period

APPROACHING = Notification.Kind.APPROACHING
OVERDUE = Notification.Kind.OVERDUE
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
    """The guards, all in the SELECT that feeds the flag insert. "Not flagged for this
    target" is there too, although the insert would skip such rows anyway, so that a
    batch's LIMIT is spent on rows still to flag."""
    unflagged = Q(~Exists(current_flag(target.model, kind)))
    unflagged &= Q(life_cycle_state__in=target.open_states)
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
            # A short batch: nothing left, or another scan flagged some of these rows first
            # (and goes on with the rest itself; what is left, the next run takes).
            if picked < size:
                break
    return result


@transaction.atomic
def flag_batch(
    target: Target, kind: str, condition: Q, now: datetime, size: int
) -> tuple[int, int]:
    """Flag up to ``size`` rows; returns how many were picked and how many flagged (the
    same number: rows another scan flagged first are not returned by the insert)."""
    ids = _insert_flags(target, kind, condition, now, size)
    if not ids:
        return 0, 0
    _insert_events(target, kind, ids, now)
    rows = list(target.model._base_manager.filter(pk__in=ids).values(*ROW_FIELDS))
    _record(target, kind, rows, now)
    return len(ids), len(ids)


def _insert_flags(target: Target, kind: str, condition: Q, now: datetime, size: int) -> list:
    """``INSERT INTO flag ... SELECT`` the first ``size`` due rows, soonest due first;
    returns the ids of the records flagged. The flag's unique key turns a second insert of
    the same record, kind and target into nothing (``ON CONFLICT DO NOTHING``)."""
    due = target.model._base_manager.filter(condition).order_by("expected_completion_date")
    columns = {
        f"{target.fk}_id": F("pk"),
        "kind": Value(kind, output_field=CharField()),
        "target": F("expected_completion_date"),
        "created_at": Value(now, output_field=DateTimeField()),
    }
    # SQLite needs a WHERE before ON CONFLICT in an INSERT ... SELECT (it would read the
    # ON as a join's otherwise).
    returning = f"WHERE 1 = 1 ON CONFLICT DO NOTHING RETURNING {_q(f'{target.fk}_id')}"
    return [row[0] for row in _insert_select(Flag, due, columns, returning, limit=size)]


def _insert_select(model, source, columns: dict, suffix: str = "", limit=None) -> list[tuple]:
    """``INSERT INTO model (columns) SELECT`` their expressions over the queryset
    ``source`` (its first ``limit`` rows); the ORM writes the SELECT, so it is the same
    on SQLite and PostgreSQL. Returns what a RETURNING in ``suffix`` returns."""
    # Aliases of their own: a column's name may be one of the source model's fields.
    aliases = {f"insert_{n}": expression for n, expression in enumerate(columns.values())}
    rows = source.values(**aliases)
    select, params = (rows[:limit] if limit else rows).query.sql_with_params()
    names = ", ".join(map(_q, columns))
    picked = ", ".join(f"source.{_q(alias)}" for alias in aliases)
    # Only quoted names from the models and the ORM's own SQL (with its parameters).
    sql = f"INSERT INTO {_q(model._meta.db_table)} ({names}) SELECT {picked} FROM ({select}) source {suffix}"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if "RETURNING" in suffix else []


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class NewId(Func):
    """A new entity id (crm.ids.new_id: 32 upper-case hex digits) made by the database,
    for rows inserted by ``INSERT ... SELECT``."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        return "UPPER(REPLACE(CAST(gen_random_uuid() AS text), '-', ''))", []

    def as_sqlite(self, compiler, connection, **extra):
        return "UPPER(HEX(RANDOMBLOB(16)))", []


def _local_minute(field: str) -> Concat:
    """``field`` as "%Y-%m-%d %H:%M" in the current time zone (``_message``'s ``due``),
    written by the database."""

    def part(extract, width: int):
        text = Cast(extract(field), output_field=CharField())
        return LPad(text, width, Value("0"))

    return Concat(
        part(ExtractYear, 4),
        Value("-"),
        part(ExtractMonth, 2),
        Value("-"),
        part(ExtractDay, 2),
        Value(" "),
        part(ExtractHour, 2),
        Value(":"),
        part(ExtractMinute, 2),
        output_field=CharField(),
    )


def _note(target: Target, kind: str) -> Concat:
    """``_message`` as an SQL expression over the record's row."""
    before, after = _message_parts(target, kind)
    return Concat(
        Value(before),
        F("number"),
        Value(after[0]),
        _local_minute("expected_completion_date"),
        Value(after[1]),
        output_field=CharField(),
    )


def _insert_events(target: Target, kind: str, ids: list, now: datetime) -> None:
    """``INSERT INTO events ... SELECT`` one event row per flagged record, its note
    written by the database (the same text as ``_message``)."""
    action = "flag_approaching" if kind == APPROACHING else "flag_overdue"
    columns = {
        "id": NewId(),
        f"{target.fk}_id": F("pk"),
        "action": Value(action, output_field=CharField()),
        "from_state": F("life_cycle_state"),
        "to_state": F("life_cycle_state"),
        "from_status_id": F("status_id"),
        "to_status_id": F("status_id"),
        "created_at": Value(now, output_field=DateTimeField()),
        "note": _note(target, kind),
        "changes": Value({}, output_field=JSONField()),
    }
    records = target.model._base_manager.filter(pk__in=ids).order_by()
    _insert_select(target.event_model, records, columns)


def _record(target: Target, kind: str, rows: list[dict], now: datetime) -> None:
    """What follows a batch's flags and events: the queue counts, the flag listeners
    (crm.registry.FLAG_LISTENERS, inside the batch's transaction) and the notifications."""
    queuecounts.changed()  # rows moved into Close to expected completion or Overdue
    for listener in registry.FLAG_LISTENERS:
        listener(model=target.model, kind=kind, rows=rows, now=now)
    # One multi-row INSERT: the recipients need the visibility rules (crm.access), which
    # are worked out in Python from the flagged rows.
    notifications = _notify(target, kind, rows, now)
    # Mail only those who chose mail for this kind: one query for the whole batch.
    mailed = notify.mail_recipients(kind, {n.user_id for n in notifications})
    notify.mail_later(n for n in notifications if n.user_id in mailed)


def _message_parts(target: Target, kind: str) -> tuple[str, tuple[str, str]]:
    """The message about a record, around its number and its due moment (the events' note
    and the notifications' message)."""
    subject = f"{target.label.capitalize()} "
    if target.at_risk_field:  # a service level: at risk, then breached
        if kind == APPROACHING:
            return subject, (" is at risk of missing its target (", ").")
        return subject, (" breached its target (", ").")
    if kind == APPROACHING:
        return subject, (" is due on ", ".")
    return subject, (" was due on ", " and is overdue.")


def _message(target: Target, kind: str, row: dict) -> str:
    due = timezone.localtime(row["expected_completion_date"]).strftime("%Y-%m-%d %H:%M")
    before, (middle, after) = _message_parts(target, kind)
    return f"{before}{row['number']}{middle}{due}{after}"


def _recipients(rows: list[dict]) -> dict[str, list[str]]:
    """Who is told about each row: the assignee, or else every active member of the owning
    group; of them, only those who may see the row now (contract section 6). An assignee
    who may no longer see it (the row was reclassified) hands over to the group."""
    groups = {row["owned_by_group_id"] for row in rows} - {None}
    members: dict[str, list[str]] = {}
    for group_id, user_id in User.crm_groups.through.objects.filter(
        group_id__in=groups, user__is_active=True
    ).values_list("group_id", "user_id"):
        members.setdefault(group_id, []).append(user_id)
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


class Notice(NamedTuple):
    """A notification the scan wrote: what mail needs of it (crm.notify.mail_later)."""

    id: str
    user_id: str


def _notify(target: Target, kind: str, rows: list[dict], now: datetime) -> list[Notice]:
    """The notifications of the flagged ``rows``, written from plain columns: building (and
    compiling) a model instance for each was most of a batch's time. One per user and flag
    (the unique key): a notice that exists already is not written again."""
    recipients = _recipients(rows)
    notices, records, messages, keys = [], [], [], []
    for row in rows:
        message = _message(target, kind, row)
        key = f"{kind}:{target.fk}:{row['id']}:{row['expected_completion_date'].isoformat()}"
        for user_id in recipients[row["id"]]:
            notices.append(Notice(new_id(), user_id))
            records.append(row["id"])
            messages.append(message)
            keys.append(key)
    if notices:
        columns = [[n.id for n in notices], [n.user_id for n in notices], records, messages, keys]
        _insert_notifications(target, kind, columns, now)
    return notices


def _insert_notifications(target: Target, kind: str, columns: list[list], now: datetime):
    """One INSERT of the notifications given column by column (id, user, record, message,
    key). PostgreSQL takes each column as one array parameter (``unnest``): thousands of
    placeholders cost more to send than to insert. SQLite takes rows of placeholders, as
    many as its parameter limit allows per statement."""
    names = ["id", "user_id", f"{target.fk}_id", "message", "key", "kind", "created_at"]
    insert = f"INSERT INTO {_q(Notification._meta.db_table)} ({', '.join(map(_q, names))}) "
    created_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(["%s::varchar[]"] * len(columns))
            cursor.execute(
                f"{insert} SELECT *, %s::varchar, %s::timestamptz FROM unnest({arrays}) "  # noqa: S608
                "ON CONFLICT DO NOTHING",
                [kind, created_at, *columns],
            )
            return
        rows = [[*values, kind, created_at] for values in zip(*columns, strict=True)]
        per_statement = connection.features.max_query_params // len(names)
        placeholders = f"({', '.join(['%s'] * len(names))})"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"{insert} VALUES {', '.join([placeholders] * len(chunk))} ON CONFLICT DO NOTHING",
                [value for row in chunk for value in row],
            )


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
