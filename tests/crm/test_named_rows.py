"""The named rows built on the shared abstract bases (``Named``, ``NamedEntity``,
``NamedConfig``, products' ``MeasurementConfig``): shown and listed by name, and each keeps
its own kind of alternative code and description."""

import pytest

from crm.models import Community, Group, Unit
from customers.models import Country, SubscriptionType
from products.models import MeterReadingType, ProductType, UdrType, UnitOfMeasurement

NAMED_ROWS = [
    Community,
    Group,
    Unit,
    Country,
    SubscriptionType,
    UnitOfMeasurement,
    UdrType,
    MeterReadingType,
    ProductType,
]


@pytest.mark.parametrize("model", NAMED_ROWS, ids=lambda model: model.__name__)
def test_a_named_row_is_shown_and_listed_by_its_unique_name(model):
    assert str(model(name="Main")) == "Main"
    assert model._meta.ordering == ["name"]
    assert model._meta.get_field("name").unique


def _code_and_description(model) -> tuple:
    code = model._meta.get_field("alternative_code")
    return code.unique, code.max_length, getattr(model(name="Main"), "description", "absent")


def test_each_kind_keeps_its_alternative_code_and_description():
    assert {model.__name__: _code_and_description(model) for model in NAMED_ROWS[1:]} == {
        # The organisation and customers: a unique code; a description is empty, not null.
        "Group": (True, 50, ""),
        "Unit": (True, 50, ""),
        "SubscriptionType": (True, 50, ""),
        "Country": (False, 20, "absent"),
        # Configuration: a description is null until given; codes of units and of what is
        # measured in them may repeat.
        "UnitOfMeasurement": (False, 50, None),
        "UdrType": (False, 50, None),
        "MeterReadingType": (False, 50, None),
        "ProductType": (True, 50, None),
    }


def test_configuration_records_its_creation_and_the_organisation_does_not():
    assert {m.__name__ for m in NAMED_ROWS if hasattr(m, "created_date")} == {
        "UnitOfMeasurement",
        "UdrType",
        "MeterReadingType",
        "ProductType",
    }
