"""``products/show``, ``products/list`` and ``product_types/list``."""

from crm.api.identifiers import find
from crm.api.params import Enum, Ident
from crm.api.rows import fetch as fetch_rows
from crm.api.views import ApiMethod
from products import selectors
from products.api import identifiers  # noqa: F401 (registers the identifier kinds)
from products.api.serializers import ProductRepr, ProductTypeRepr
from products.models import Product, ProductType


class ProductShow(ApiMethod):
    """One product with its product type and global rate."""

    method_name = "products/show"
    summary = "Show a product."
    permission = "products.view_product"
    # Resolved here, with the joins fields_set needs, in one query.
    params = {"product_identifier": Ident("product", required=True, resolve=False)}
    representation = ProductRepr

    def handle(self, ctx, params):
        rows = fetch_rows(ProductRepr, Product.objects.all(), params.get("fields_set"))
        return self.render_one(ctx, find(params["product_identifier"], rows), params)


class ProductList(ApiMethod):
    """Products, optionally of one product type or classification."""

    method_name = "products/list"
    summary = "List products."
    permission = "products.view_product"
    params = {
        "product_type_identifier": Ident("product_type"),
        "classification": Enum(ProductType.Classification.values),
    }
    representation = ProductRepr
    many = True
    paged = True

    def handle(self, ctx, params):
        product_type = params.get("product_type_identifier")
        filters = {
            "product_type": product_type.pk if product_type else None,
            "classification": params.get("classification"),
        }
        queryset = selectors.product_list(filters={k: v for k, v in filters.items() if v})
        return self.render_list(ctx, queryset, params)


class ProductTypeList(ApiMethod):
    """Product types (read-only)."""

    method_name = "product_types/list"
    summary = "List product types."
    permission = "products.view_producttype"
    params = {"classification": Enum(ProductType.Classification.values)}
    representation = ProductTypeRepr
    many = True
    paged = True

    def handle(self, ctx, params):
        filters = {"classification": params.get("classification")}
        queryset = selectors.product_type_list(filters={k: v for k, v in filters.items() if v})
        return self.render_list(ctx, queryset, params)


VIEWS = [ProductShow, ProductList, ProductTypeList]
