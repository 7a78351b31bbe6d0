"""``python manage.py scan_due``: run the approaching/overdue scan once, by hand."""

from django.core.management.base import BaseCommand

from crm import flagging


class Command(BaseCommand):
    help = "Flag open service requests and jobs approaching or past their expected completion."

    def handle(self, *args, **options):
        from jobs.tasks import TARGET as JOBS
        from servicerequests.tasks import TARGET as REQUESTS

        for target in (REQUESTS, JOBS):
            result = flagging.scan(target)
            self.stdout.write(
                f"{target.label}s: {result.approaching} approaching, {result.overdue} overdue "
                f"flagged in {result.batches} batch(es)"
            )
