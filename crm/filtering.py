"""Running a FilterSet for a selector: invalid filter values become INVALID_PARAMETER."""

from django.db.models import QuerySet

from crm.exceptions import InvalidParameter


def filter_queryset(filterset_class, data: dict, queryset: QuerySet) -> QuerySet:
    """Apply ``filterset_class`` to ``queryset`` with ``data`` (values as text or ids)."""
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        raise InvalidParameter(
            f"The filter {name} is invalid.", param=name, detail="; ".join(map(str, errors))
        )
    return filterset.qs
