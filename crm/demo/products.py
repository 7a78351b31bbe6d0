"""The demo products and product types."""

from __future__ import annotations

from crm.demo.base import upsert
from products.models import Product, ProductType

PT = ProductType


PRODUCT_TYPES = [
    (
        "7EDF537A938DECAB1352E6EEAD54A5D0",
        "One Time Services - Flat",
        "OTS-F",
        "A type which is used for one time services",
        PT.Classification.SERVICES,
        PT.ServiceType.ONETIME,
        None,
        False,
    ),
    (
        "67FA013211E348C58F7CD27F8399AADE",
        "Expense Type",
        "ET",
        None,
        PT.Classification.SERVICES,
        PT.ServiceType.EXPENSE,
        None,
        False,
    ),
    (
        "0F94B51F175F06A475EB2948B4030074",
        "Accessories",
        "005",
        "A type which is used for accessories physical goods",
        PT.Classification.PHYSICALGOODS,
        None,
        PT.PhysicalGoodType.NONTRACEABLE,
        False,
    ),
    (
        "B4A1396AE3D1384B304A0FEB22F7BA50",
        "Decoders",
        "D",
        "Decoders",
        PT.Classification.PHYSICALGOODS,
        None,
        PT.PhysicalGoodType.TRACEABLE,
        True,
    ),
]


PRODUCTS = [
    (
        "362AF22847BA4ED0CDED5CDFF8BABBC1",
        "Material Delivery",
        "MD",
        "Delivery of Materials Service Charge",
        "One Time Services - Flat",
    ),
    ("28709F00389D79015AF4511B4A1BDFF6", "MFee", "MFee", "Meeting Fees", "Expense Type"),
    ("81D5550CF6004CE0B206A371F9F3A18A", "Expence 2", "exp2", "Expence 2", "Expense Type"),
    ("70FFDF2B2A74466DD7D0D5246ED1DD2D", "Antenna 1", "ANT1", "Antenna v1", "Accessories"),
    ("E8672BB71A9B1BD25E30705AC34D7D61", "Decoders 1", "D1", "Decoders 1", "Decoders"),
]


def load_products() -> dict[str, Product]:
    types = {}
    for id, name, alt, description, classification, service, good, provisioning in PRODUCT_TYPES:
        types[name] = upsert(
            ProductType,
            {"name": name},
            {
                "alternative_code": alt,
                "description": description,
                "classification": classification,
                "service_type": service,
                "physical_good_type": good,
                "composition_method": PT.CompositionMethod.FLAT,
                "used_for_provisioning": provisioning,
            },
            id=id,
        )
    return {
        code: upsert(
            Product,
            {"code": code},
            {"alternative_code": alt, "description": description, "product_type": types[type_name]},
            id=id,
        )
        for id, code, alt, description, type_name in PRODUCTS
    }


# -- service request configuration --------------------------------------------------------------
