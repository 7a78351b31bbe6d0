"""``manage.py sla_check``: recompute every request's clock figures from its event rows
and report those whose stored figures disagree (contract section 8)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from crm.templatetags.crm_tags import local_dt
from servicerequests.models import ServiceRequest, ServiceRequestEvent
from sla import replay
from sla.calendars import calendars

BATCH = 500


class Command(BaseCommand):
    help = (
        "Recompute the service-level figures of service requests from their event rows and "
        "list every request whose stored figures disagree. Exits with status 1 if any does."
    )

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="Only these requests (default: all).")
        parser.add_argument(
            "--open-only", action="store_true", help="Only requests whose clock is not stopped."
        )

    def handle(self, *args, numbers, open_only, **options):
        rows = ServiceRequest.objects.select_related("type__calendar").order_by("pk")
        if numbers:
            rows = rows.filter(number__in=numbers)
            missing = set(numbers) - set(rows.values_list("number", flat=True))
            if missing:
                raise CommandError(f"No such service request: {', '.join(sorted(missing))}")
        if open_only:
            rows = rows.filter(sla_stopped_at__isnull=True)
        checked = unrecorded = wrong = 0
        for batch in _batches(rows):
            for sr, replayed in _replayed(batch):
                checked += 1
                if replayed is None:
                    unrecorded += 1
                    continue
                found = replay.disagreements(sr, replayed)
                if found:
                    wrong += 1
                    self._report(sr, found)
        self.stdout.write(
            f"Checked {checked} request(s): {wrong} disagree with their events, "
            f"{unrecorded} raised before service levels were recorded (not checkable)."
        )
        if wrong:
            raise SystemExit(1)

    def _report(self, sr, found) -> None:
        self.stdout.write(self.style.ERROR(f"{sr.number}:"))
        for item in found:
            self.stdout.write(
                f"  {item.figure}: stored {_shown(item.stored)}, "
                f"events give {_shown(item.replayed)}"
            )


def _shown(value) -> str:
    if value is None:
        return "nothing"
    return local_dt(value, True) if hasattr(value, "tzinfo") else str(value)


def _batches(rows):
    """Keyset batches by primary key: constant memory over a million rows."""
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _replayed(batch):
    """Each request of ``batch`` with its replayed figures (two queries for the events and
    the calendars of the whole batch)."""
    events: dict[str, list] = {sr.pk: [] for sr in batch}
    for event in ServiceRequestEvent.objects.filter(service_request_id__in=list(events)).only(
        "service_request_id", "action", "from_status_id", "to_status_id", "created_at", "changes"
    ):
        events[event.service_request_id].append(event)
    arithmetic = calendars(sr.type.calendar for sr in batch)
    for sr in batch:
        calendar = arithmetic.get(sr.type.calendar_id)
        yield sr, replay.replay(events[sr.pk], calendar)
