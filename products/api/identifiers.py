"""Identifier kinds of products and product types."""

from crm.api.identifiers import IdentifierKind, register
from products.models import Product, ProductType

register(
    IdentifierKind(
        "product",
        "product",
        {"id": "id", "code": "code", "alternative_code": "alternative_code"},
        queryset=lambda ctx: Product.objects.all(),
    )
)
register(
    IdentifierKind(
        "product_type",
        "product type",
        {"id": "id", "name": "name", "alternative_code": "alternative_code"},
        queryset=lambda ctx: ProductType.objects.all(),
    )
)
