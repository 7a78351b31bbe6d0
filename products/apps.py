from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Products"

    def ready(self):
        # Identifier kinds must be registered before any request is parsed.
        from products.api import identifiers  # noqa: F401
