from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    """Customer acceptance by e-mail link (contract section 12): the links mailed to
    callers, and the page (no sign-in) where they accept or decline a step."""

    name = "acceptance"
