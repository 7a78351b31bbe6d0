"""Checks a service request must pass: what its type allows, who may accept, priority and
completion defaults. Each raises the contract's error naming the parameter."""

from __future__ import annotations

from django.db.models import Q

from crm.access import access_for
from crm.exceptions import MissingParameter, ValidationFailed
from crm.models import PrivacyLevel, User
from crm.timeperiods import TimePeriod
from customers.models import AccountsReceivable, Contact
from products.models import Product, ProductType
from servicerequests import models as m


def check_status(
    sr_type: m.ServiceRequestType,
    status: m.ServiceRequestStatus,
    state: str,
    *,
    param: str = "status_identifier",
) -> None:
    """The status must be of the target life cycle state and allowed for the type."""
    if status.life_cycle_state != state:
        raise ValidationFailed(
            f"The status {status.name} is not a {state} status.",
            param=param,
            detail=f"{status.name} belongs to {status.life_cycle_state}, this step needs {state}",
        )
    if not m.ServiceRequestTypeStatus.objects.filter(type=sr_type, status=status).exists():
        raise ValidationFailed(
            f"The status {status.name} is not allowed for {sr_type.name}.",
            param=param,
            detail=f"{sr_type.name} does not allow the status {status.name}",
        )


def default_status(
    sr_type: m.ServiceRequestType, state: str, *, param: str
) -> m.ServiceRequestStatus:
    row = (
        m.ServiceRequestTypeStatus.objects.select_related("status")
        .filter(type=sr_type, life_cycle_state=state, is_default=True)
        .first()
    )
    if row is None:
        raise MissingParameter(
            f"{sr_type.name} has no default {state} status; give one.",
            param=param,
            detail=f"no default {state} status is configured for {sr_type.name}",
        )
    return row.status


def check_category(sr_type: m.ServiceRequestType, category: m.ServiceRequestCategory) -> None:
    if not sr_type.categories.filter(pk=category.pk).exists():
        raise ValidationFailed(
            f"The category {category.name} is not allowed for {sr_type.name}.",
            param="category_identifier",
            detail=f"{sr_type.name} does not allow the category {category.name}",
        )


def _allowed_product(model, sr_type, product: Product) -> bool:
    return model.objects.filter(
        Q(product=product) | Q(product_type_id=product.product_type_id), type=sr_type
    ).exists()


def check_service(sr_type: m.ServiceRequestType, product: Product, *, param: str) -> None:
    if product.product_type.classification != ProductType.Classification.SERVICES:
        raise ValidationFailed(
            f"{product.code} is not a service.",
            param=param,
            detail=f"{product.code} is classified {product.product_type.classification}",
        )
    if not _allowed_product(m.ServiceRequestTypeService, sr_type, product):
        raise ValidationFailed(
            f"The service {product.code} is not allowed for {sr_type.name}.",
            param=param,
            detail=f"{sr_type.name} does not allow the service {product.code}",
        )


def check_physical_good(
    sr_type: m.ServiceRequestType, product: Product, serial: str | None, *, param: str
) -> None:
    kind = product.product_type
    if kind.classification != ProductType.Classification.PHYSICALGOODS:
        raise ValidationFailed(
            f"{product.code} is not a physical good.",
            param=param,
            detail=f"{product.code} is classified {kind.classification}",
        )
    if not _allowed_product(m.ServiceRequestTypePhysicalGood, sr_type, product):
        raise ValidationFailed(
            f"The physical good {product.code} is not allowed for {sr_type.name}.",
            param=param,
            detail=f"{sr_type.name} does not allow the physical good {product.code}",
        )
    traceable = kind.physical_good_type == ProductType.PhysicalGoodType.TRACEABLE
    if serial and not (traceable and kind.composition_method == ProductType.CompositionMethod.FLAT):
        raise ValidationFailed(
            "A serial number applies only to traceable flat goods.",
            param=param,
            detail=f"{product.code} is not a traceable flat good",
        )


def related_contacts(account: AccountsReceivable) -> Q:
    """The account's owner and the contacts related to the account."""
    return Q(pk=account.owner_id) | Q(related_accounts=account)


def check_caller(account: AccountsReceivable, caller: Contact) -> None:
    if not Contact.objects.filter(related_contacts(account), pk=caller.pk).exists():
        raise ValidationFailed(
            "The caller must be the account owner or a contact related to the account.",
            param="contact_information_identifier",
            detail=f"{caller.name} is not related to {account.number}",
        )


def check_acceptor(sr: m.ServiceRequest, contact: Contact, *, param: str) -> None:
    """Acceptance comes from the caller or a contact related to the caller's account."""
    if contact.pk == sr.caller_id:
        return
    if not Contact.objects.filter(related_contacts(sr.accounts_receivable), pk=contact.pk).exists():
        raise ValidationFailed(
            "Only the caller or a contact of the caller's account may accept.",
            param=param,
            detail=f"{contact.name} is neither the caller nor related to "
            f"{sr.accounts_receivable.number}",
        )


def check_privacy_level(user: User, level: PrivacyLevel | None) -> None:
    """Nobody may classify a request above their own clearance: they could not see it."""
    if level is None or level.pk in access_for(user).privacy_level_ids:
        return
    raise ValidationFailed(
        f"The privacy level {level.name} is above your clearance.",
        param="privacy_level_identifier",
        detail=f"level {level.number} is above your clearance",
    )


def priority_for(impact: str, urgency: str) -> str | None:
    return (
        m.PriorityRule.objects.filter(impact_level=impact, urgency_level=urgency)
        .values_list("priority", flat=True)
        .first()
    )


def default_completion(sr_type: m.ServiceRequestType, priority: str | None) -> TimePeriod | None:
    """The type's completion target for the priority, else its default estimated time."""
    if priority:
        target = m.CompletionTarget.objects.filter(type=sr_type, priority=priority).first()
        if target is not None:
            return TimePeriod(target.time_period_value, target.time_period_uot)
    if sr_type.estimated_completion_value is not None and sr_type.estimated_completion_uot:
        return TimePeriod(sr_type.estimated_completion_value, sr_type.estimated_completion_uot)
    return None


def requires_acceptance(sr: m.ServiceRequest, step_category) -> bool:
    """A step waits for the customer when its own category says so (seed 000: "considering
    that the specified response category requires customer acceptance"); the request's
    category does not decide it."""
    return step_category is not None and step_category.requires_customer_acceptance


def cancellation_reason(sr_type: m.ServiceRequestType, reason: m.CancellationReason | None):
    """The reason given, if the type allows it; else the type's default (or none)."""
    rows = m.ServiceRequestTypeCancellationReason.objects.filter(type=sr_type)
    if reason is None:
        row = rows.filter(is_default=True).select_related("reason").first()
        return row.reason if row else None
    if not rows.filter(reason=reason).exists():
        raise ValidationFailed(
            f"The cancellation reason {reason.name} is not allowed for {sr_type.name}.",
            param="cancellation_reason_identifier",
            detail=f"{sr_type.name} does not allow {reason.name}",
        )
    return reason


def check_referring(account: AccountsReceivable, subscription, job) -> None:
    """What a request refers to must be the same customer's."""
    for value, name in ((subscription, "subscription_identifier"), (job, "job_identifier")):
        if value is not None and value.accounts_receivable_id != account.pk:
            raise ValidationFailed(
                f"{value.number} belongs to another account.",
                param=f"referring_to.{name}",
                detail=f"{value.number} is not of {account.number}",
            )
