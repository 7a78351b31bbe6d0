from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        # Identifier kinds must be registered before any request is parsed.
        from customers.api import identifiers  # noqa: F401
