"""Reads of products and product types, newest first like every Web API list."""

from django.db.models import QuerySet

from crm.filtering import filter_queryset
from products.filtersets import ProductFilterSet, ProductTypeFilterSet
from products.models import Product, ProductType

NEWEST_FIRST = ("-created_date", "-id")


def product_list(*, filters: dict | None = None) -> QuerySet:
    queryset = filter_queryset(ProductFilterSet, filters or {}, Product.objects.all())
    return queryset.order_by(*NEWEST_FIRST)


def product_type_list(*, filters: dict | None = None) -> QuerySet:
    queryset = filter_queryset(ProductTypeFilterSet, filters or {}, ProductType.objects.all())
    return queryset.order_by(*NEWEST_FIRST)
