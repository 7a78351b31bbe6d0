"""Identifier kinds of products and product types."""

from crm.api.identifiers import register_config
from products.models import Product, ProductType

register_config(
    "product",
    "product",
    Product,
    {"id": "id", "code": "code", "alternative_code": "alternative_code"},
)
register_config("product_type", "product type", ProductType)
