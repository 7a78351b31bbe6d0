"""The three sets of a request: services, physical goods and related requests."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from crm.exceptions import ValidationFailed
from servicerequests import rules
from servicerequests.models import (
    ServiceRequest,
    ServiceRequestPhysicalGood,
    ServiceRequestRelation,
    ServiceRequestService,
)
from servicerequests.services.inputs import SetChanges


def apply_sets(sr: ServiceRequest, sets: SetChanges) -> None:
    for rows in (sets.remove_services, sets.remove_goods, sets.remove_related):
        for row in rows:
            row.delete()
    for path, product in sets.add_services:
        param = f"{path}.product_identifier"
        rules.check_service(sr.type, product, param=param)
        if sr.services.filter(product=product).exists():
            raise ValidationFailed(
                f"The service {product.code} is already in the set.",
                param=param,
                detail=f"{product.code} is already listed",
            )
        ServiceRequestService.objects.create(service_request=sr, product=product)
    for path, product, serial in sets.add_goods:
        rules.check_physical_good(sr.type, product, serial, param=f"{path}.product_identifier")
        ServiceRequestPhysicalGood.objects.create(
            service_request=sr, product=product, serial_number=serial
        )
    apply_related(sr, sets)


def apply_related(sr: ServiceRequest, sets: SetChanges) -> None:
    for relation, description in sets.update_related:
        relation.description = description
        relation.save(update_fields=["description"])
    # In id order: the foreign keys take their locks on the related rows in this order at
    # commit, and one global order means two such transactions cannot wait for each other.
    for path, other, description in sorted(sets.add_related, key=lambda item: item[1].pk):
        param = f"{path}.service_request_identifier"
        if other.pk == sr.pk:
            raise ValidationFailed(
                "A request cannot relate to itself.",
                param=param,
                detail=f"{sr.number} is this request",
            )
        if sr.relations.filter(related=other).exists():
            raise ValidationFailed(
                f"{other.number} is already related.",
                param=param,
                detail=f"{other.number} is already in the set",
            )
        try:
            with transaction.atomic():
                ServiceRequestRelation.objects.create(
                    service_request=sr, related=other, description=description
                )
        except IntegrityError:  # a concurrent update added it first
            raise ValidationFailed(f"{other.number} is already related.", param=param) from None
