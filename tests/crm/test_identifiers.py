"""Identifier resolution: visibility applied, so what a caller may not see does not exist."""

import pytest

from crm.api.identifiers import find, get_kind, resolve
from crm.api.params import BODY, QUERY, Ident, IdentRef
from crm.api.views import CallContext
from crm.exceptions import EntityNotFound, InvalidIdentifier
from crm.models import PrivacyLevel
from customers.models import Contact
from tests.factories import ContactFactory, GroupFactory, make_service_request

pytestmark = pytest.mark.django_db


def resolve_as(user, kind, raw, source=BODY):
    ref = Ident(kind).parse(raw, "p", source)
    return resolve(ref, CallContext(request=None, user=user))


def test_restricted_record_is_not_found_without_clearance(demo):
    restricted = make_service_request(privacy_level=PrivacyLevel.objects.get(number=5))
    assert resolve_as(demo["admin"], "service_request", {"number": restricted.number}) == restricted
    with pytest.raises(EntityNotFound) as error:
        resolve_as(demo["agent"], "service_request", {"number": restricted.number})
    # Exactly the error of a number that does not exist: no hint that it does.
    with pytest.raises(EntityNotFound) as missing:
        resolve_as(demo["agent"], "service_request", {"number": "SR99999999"})
    assert type(error.value) is type(missing.value)
    assert error.value.message == missing.value.message


def test_public_record_is_visible_to_the_agent(demo):
    public = make_service_request(privacy_level=PrivacyLevel.objects.get(number=1))
    assert resolve_as(demo["agent"], "service_request", f"id={public.id}", QUERY) == public


def test_group_owned_record_is_visible_to_members_only(demo):
    other_group = GroupFactory()
    theirs = make_service_request(owned_by_group=other_group)
    ours = make_service_request(owned_by_group=demo["group"])
    assert resolve_as(demo["agent"], "service_request", {"id": ours.id}) == ours
    with pytest.raises(EntityNotFound):
        resolve_as(demo["agent"], "service_request", {"id": theirs.id})
    # The superuser holds the all-groups permission.
    assert resolve_as(demo["admin"], "service_request", {"id": theirs.id}) == theirs


def test_all_groups_permission(demo):
    from django.contrib.auth.models import Permission

    theirs = make_service_request(owned_by_group=GroupFactory())
    agent = demo["agent"]
    agent.user_permissions.add(Permission.objects.get(codename="view_all_groups"))
    agent = type(agent).objects.get(pk=agent.pk)  # fresh permission cache
    assert resolve_as(agent, "service_request", {"id": theirs.id}) == theirs


def test_contact_keys_apply_to_persons_or_companies(demo):
    person = Contact.objects.get(id_number="8945612")
    assert resolve_as(demo["admin"], "contact_information", {"id_number": "8945612"}) == person
    company = ContactFactory(
        type="COMPANY", company_name="Acme", id_number=None, vat_registration_number="CY123"
    )
    found = resolve_as(demo["admin"], "contact_information", {"vat_registration_number": "CY123"})
    assert found == company
    with pytest.raises(EntityNotFound):
        resolve_as(demo["admin"], "contact_information", {"id_number": "CY123"})


def test_ambiguous_identifier(demo):
    ContactFactory(id_number="DUP1")
    ContactFactory(id_number="DUP1")
    with pytest.raises(InvalidIdentifier):
        resolve_as(demo["admin"], "contact_information", {"id_number": "DUP1"})


def test_numeric_key_with_text_matches_nothing(demo):
    with pytest.raises(EntityNotFound):
        resolve_as(demo["admin"], "privacy_level", {"number": "five"})
    level = resolve_as(demo["admin"], "privacy_level", {"number": 5})
    assert level.name == "Restricted"


def test_user_name_key_is_case_insensitive(demo):
    assert resolve_as(demo["admin"], "user", {"username": "mpadministrator"}) == demo["admin"]


def test_find_with_a_prepared_queryset(demo):
    from products.models import Product

    ref = IdentRef("product", "code", "MFee", "product_identifier")
    product = find(ref, Product.objects.select_related("product_type"))
    assert product.product_type.name == "Expense Type"
    assert get_kind("product").label == "product"
