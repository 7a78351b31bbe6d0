"""``python manage.py seed_demo``: load (or restore) the demo organisation. Idempotent."""

from django.core.management.base import BaseCommand

from crm.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organisation that makes every example of the seed pages run verbatim."

    def handle(self, *args, **options):
        load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: users MPAdministrator, agent, field1 and field2 (password: "
                "$DEMO_PASSWORD, default 'demo'), organisation CRMDEMO."
            )
        )
