"""Filters for product lists, shared by the Web API and the staff pages."""

import django_filters
from django.db.models import Q

from products.models import Product, ProductType


class ProductFilterSet(django_filters.FilterSet):
    product_type = django_filters.CharFilter(field_name="product_type_id")
    classification = django_filters.ChoiceFilter(
        field_name="product_type__classification", choices=ProductType.Classification.choices
    )
    q = django_filters.CharFilter(method="search", label="Code or description")

    class Meta:
        model = Product
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value)
            | Q(alternative_code__icontains=value)
            | Q(description__icontains=value)
        )


class ProductTypeFilterSet(django_filters.FilterSet):
    classification = django_filters.ChoiceFilter(choices=ProductType.Classification.choices)

    class Meta:
        model = ProductType
        fields = []
