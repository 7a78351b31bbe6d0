from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    """Assignment by policy: each group's policy, its members' caps and availability
    (contract section 10)."""

    name = "assignment"
