"""Declarative Web API parameters: parsing, validation and their OpenAPI description.

A method declares ``params = {"name": Param(...)}``. GET parameters arrive as query-string
text, POST parameters as JSON values; every type here parses both. Parsing never touches the
database: identifiers come out as :class:`IdentRef` and are resolved afterwards
(:mod:`crm.api.identifiers`).

Absent and ``null`` differ: an absent parameter is not in the result at all; ``null`` is kept
as ``None`` where the parameter is ``nullable`` (an update clears the field) and otherwise
treated as absent.

``text`` holds the checks every value passes, ``scalars`` the one-value parameters,
``compound`` time periods, identifiers, objects, lists and update sets, ``methods`` a
method's whole parameter list.
"""

from crm.api.params.compound import (
    FieldsSet,
    Ident,
    ListOf,
    Obj,
    Period,
    SetUpdate,
    object_schema,
    parse_object,
)
from crm.api.params.methods import Rules, parse_params, query_to_raw
from crm.api.params.scalars import (
    Bool,
    DateTime,
    Email,
    Enum,
    EnumList,
    Float,
    IdentRef,
    Int,
    Param,
    SetItem,
    Str,
    Text,
)
from crm.api.params.text import BODY, MAX_OFFSET, MAX_TEXT, QUERY, check_text, describe_type, join

__all__ = [
    "BODY",
    "MAX_OFFSET",
    "MAX_TEXT",
    "QUERY",
    "Bool",
    "DateTime",
    "Email",
    "Enum",
    "EnumList",
    "FieldsSet",
    "Float",
    "Ident",
    "IdentRef",
    "Int",
    "ListOf",
    "Obj",
    "Param",
    "Period",
    "Rules",
    "SetItem",
    "SetUpdate",
    "Str",
    "Text",
    "check_text",
    "describe_type",
    "join",
    "object_schema",
    "parse_object",
    "parse_params",
    "query_to_raw",
]
