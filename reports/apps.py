from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports, the team lead's dashboard and CSV export (contract section 9)."""

    name = "reports"
