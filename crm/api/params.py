"""Declarative Web API parameters: parsing, validation and their OpenAPI description.

A method declares ``params = {"name": Param(...)}``. GET parameters arrive as query-string
text, POST parameters as JSON values; every type here parses both. Parsing never touches the
database: identifiers come out as :class:`IdentRef` and are resolved afterwards
(:mod:`crm.api.identifiers`).

Absent and ``null`` differ: an absent parameter is not in the result at all; ``null`` is kept
as ``None`` where the parameter is ``nullable`` (an update clears the field) and otherwise
treated as absent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crm.api.formats import DateFormatError, parse_datetime
from crm.api.parsers import has_surrogate
from crm.exceptions import InvalidIdentifier, InvalidParameter, MissingParameter
from crm.timeperiods import TimePeriod, TimeUnit

QUERY = "query"
BODY = "body"
MAX_OFFSET = 2_147_483_647
MAX_TEXT = 10_000
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def describe_type(raw: Any) -> str:
    if raw is None:
        return "null"
    return {
        bool: "a Boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(raw), type(raw).__name__)


def check_text(raw: Any, path: str, max_length: int) -> str:
    """Every string that enters the system passes here: type, NUL bytes, length."""
    if not isinstance(raw, str):
        raise InvalidParameter(
            f"The parameter {path} must be a string.",
            param=path,
            detail=f"expected a string, got {describe_type(raw)}",
        )
    if "\x00" in raw:
        raise InvalidParameter(
            f"The parameter {path} contains a NUL character.",
            param=path,
            detail="NUL characters are not allowed",
        )
    if has_surrogate(raw):
        raise InvalidParameter(
            f"The parameter {path} is not valid text.",
            param=path,
            detail="it contains a lone UTF-16 surrogate, which is not a character",
        )
    if len(raw) > max_length:
        raise InvalidParameter(
            f"The parameter {path} is too long.",
            param=path,
            detail=f"at most {max_length} characters are allowed, got {len(raw)}",
        )
    return raw


@dataclass(frozen=True)
class IdentRef:
    """A parsed identifier: one key of an identifier kind and its value.

    ``value`` is a string, or a nested :class:`IdentRef` (or, once resolved, a model
    instance) for keys that are identifiers themselves (``product_identifier`` inside a
    job requested expense identifier).
    """

    kind: str
    key: str
    value: Any
    path: str
    # Left for the method to resolve (e.g. ``show`` fetches the row with its joins at once).
    deferred: bool = False


@dataclass
class SetItem:
    """One element of an update set: its action and its other parameters."""

    action: str
    values: dict
    path: str


class Param:
    """Base parameter. ``required``: mandatory; ``nullable``: ``null`` is a value (clears)."""

    openapi_type: dict = {"type": "string"}

    def __init__(
        self,
        *,
        required: bool = False,
        nullable: bool = False,
        refuse_null: bool = False,
        description: str = "",
    ):
        self.required = required
        self.nullable = nullable
        # On updates, null means "clear": a field that cannot be cleared refuses it.
        self.refuse_null = refuse_null
        self.description = description

    # -- parsing -------------------------------------------------------------------------------
    def parse(self, raw: Any, path: str, source: str) -> Any:
        raise NotImplementedError

    def invalid(self, path: str, detail: str) -> InvalidParameter:
        return InvalidParameter(f"The parameter {path} is invalid.", param=path, detail=detail)

    # -- OpenAPI -------------------------------------------------------------------------------
    def body_schema(self) -> dict:
        schema = dict(self.openapi_type)
        if self.nullable:
            schema["nullable"] = True
        if self.description:
            schema["description"] = self.description
        return schema

    def query_schema(self) -> dict:
        return dict(self.openapi_type)


class Str(Param):
    def __init__(self, *, max_length: int = 255, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    @property
    def openapi_type(self):
        return {"type": "string", "maxLength": self.max_length}

    def parse(self, raw, path, source):
        return check_text(raw, path, self.max_length)


class Text(Str):
    """Free text: descriptions and notes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)


class Email(Str):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    @property
    def openapi_type(self):
        return {"type": "string", "format": "email", "maxLength": self.max_length}

    def parse(self, raw, path, source):
        text = super().parse(raw, path, source).strip()
        try:
            validate_email(text)
        except ValidationError:
            raise self.invalid(path, f"{text!r} is not an email address") from None
        return text


class Int(Param):
    def __init__(self, *, min_value: int = 0, max_value: int = MAX_OFFSET, **kwargs):
        super().__init__(**kwargs)
        self.min_value = min_value
        self.max_value = max_value

    @property
    def openapi_type(self):
        return {"type": "integer", "minimum": self.min_value, "maximum": self.max_value}

    def parse(self, raw, path, source):
        if isinstance(raw, str):
            text = check_text(raw, path, 20).strip()
            # ASCII digits only: str.isdigit() also accepts "²" or Arabic-Indic digits.
            if not _INTEGER.fullmatch(text):
                raise self.invalid(path, f"expected a whole number, got {raw!r}")
            value = int(text)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            raise self.invalid(path, f"expected a whole number, got {describe_type(raw)}")
        if not self.min_value <= value <= self.max_value:
            raise self.invalid(path, f"must be between {self.min_value} and {self.max_value}")
        return value


class Float(Param):
    openapi_type = {"type": "number", "format": "double"}

    def parse(self, raw, path, source):
        if isinstance(raw, str):
            try:
                value = float(check_text(raw, path, 50))
            except ValueError:
                raise self.invalid(path, f"expected a number, got {raw!r}") from None
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw)
        else:
            raise self.invalid(path, f"expected a number, got {describe_type(raw)}")
        if not math.isfinite(value) or abs(value) > 1e15:
            raise self.invalid(path, "the number is out of range")
        return value


class Bool(Param):
    openapi_type = {"type": "boolean"}

    def parse(self, raw, path, source):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
            return raw.strip().lower() == "true"
        raise self.invalid(path, f"expected true or false, got {raw!r}")


class Enum(Param):
    """One of a fixed set of values, matched case-insensitively; ``aliases`` adds spellings."""

    def __init__(self, values: Iterable[str], *, aliases: Mapping[str, str] | None = None, **kw):
        super().__init__(**kw)
        self.values = [str(v) for v in values]
        self._lookup = {v.upper(): v for v in self.values}
        for alias, target in (aliases or {}).items():
            self._lookup[alias.upper()] = target
        self.aliases = dict(aliases or {})

    @property
    def openapi_type(self):
        return {"type": "string", "enum": self.values + list(self.aliases)}

    def parse(self, raw, path, source):
        text = check_text(raw, path, 100)
        try:
            return self._lookup[text.strip().upper()]
        except KeyError:
            raise self.invalid(path, f"{text!r} is not one of {', '.join(self.values)}") from None


class DateTime(Param):
    openapi_type = {
        "type": "string",
        "example": "2016-07-27T14:00:00",
        "pattern": (
            r"^\d{4}-\d{2}-\d{2}"
            r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
        ),
    }

    def parse(self, raw, path, source):
        text = check_text(raw, path, 40)
        try:
            return parse_datetime(text)
        except DateFormatError as exc:
            raise self.invalid(path, f"{text!r} is not a valid date: {exc}") from None


class Period(Param):
    """A time period object ``{time_period_value, time_period_uot}``."""

    def __init__(self, *, max_value: int = 100_000, **kwargs):
        super().__init__(**kwargs)
        self.value = Int(required=True, min_value=0, max_value=max_value)
        self.uot = Enum(TimeUnit.values, required=True)

    @property
    def openapi_type(self):
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["time_period_value", "time_period_uot"],
            "properties": {
                "time_period_value": self.value.body_schema(),
                "time_period_uot": self.uot.body_schema(),
            },
        }

    def parse(self, raw, path, source):
        values = parse_object(
            {"time_period_value": self.value, "time_period_uot": self.uot}, raw, path, source
        )
        return TimePeriod(values["time_period_value"], values["time_period_uot"])


class Ident(Param):
    """An identifier of a registered kind: exactly one of the kind's keys.

    GET flattens it as ``key=value``; POST nests it as ``{"key": "value"}``.
    """

    def __init__(self, kind: str, *, resolve: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.kind = kind
        self.resolve = resolve

    @property
    def identifier_kind(self):
        from crm.api.identifiers import get_kind

        return get_kind(self.kind)

    def parse(self, raw, path, source):
        kind = self.identifier_kind
        if source == QUERY:
            return self._parse_flat(kind, raw, path)
        if not isinstance(raw, dict):
            raise InvalidParameter(
                f"The identifier {path} must be an object.",
                param=path,
                detail=f"expected an object with one of {kind.key_list()}, "
                f"got {describe_type(raw)}",
            )
        if len(raw) != 1:
            raise kind.wrong_keys(path, list(raw))
        ((key, value),) = raw.items()
        return self._ref(kind, key, value, path, source)

    def _parse_flat(self, kind, raw, path):
        text = check_text(raw, path, 300)
        key, sep, value = text.partition("=")
        if not sep:
            raise InvalidIdentifier(
                f"The identifier {path} must be written as key=value.",
                param=path,
                detail=f"expected one of {kind.key_list()} as key=value, got {text!r}",
            )
        return self._ref(kind, key.strip(), value, path, QUERY)

    def _ref(self, kind, key, value, path, source):
        spec = kind.keys.get(key)
        if spec is None:
            raise kind.wrong_keys(path, [key])
        key_path = join(path, key)
        if isinstance(spec, Ident):
            nested = spec.parse(value, key_path, source)
            return IdentRef(kind.name, key, nested, path, deferred=not self.resolve)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        text = check_text(value, key_path, 255)
        if not text.strip():
            raise InvalidIdentifier(
                f"The identifier {path} has an empty value.",
                param=key_path,
                detail="the value must not be empty",
            )
        return IdentRef(kind.name, key, text, path, deferred=not self.resolve)

    def body_schema(self):
        schema = self.identifier_kind.body_schema()
        if self.nullable:
            schema = {**schema, "nullable": True}
        if self.description:
            schema = {**schema, "description": self.description}
        return schema

    def query_schema(self):
        kind = self.identifier_kind
        flat = [k for k, spec in kind.keys.items() if not isinstance(spec, Ident)]
        return {
            "type": "string",
            "pattern": "^(" + "|".join(flat) + ")=.+$",
            "example": f"{flat[0]}=...",
        }


class Obj(Param):
    """A nested object with its own parameters."""

    def __init__(self, fields: dict[str, Param], **kwargs):
        super().__init__(**kwargs)
        self.fields = fields

    def parse(self, raw, path, source):
        return parse_object(self.fields, raw, path, source)

    @property
    def openapi_type(self):
        return object_schema(self.fields)


class ListOf(Param):
    """An array of items (the sets on create methods)."""

    def __init__(self, item: Param, *, max_items: int = 200, **kwargs):
        super().__init__(**kwargs)
        self.item = item
        self.max_items = max_items

    def parse(self, raw, path, source):
        if not isinstance(raw, list):
            raise self.invalid(path, f"expected an array, got {describe_type(raw)}")
        if len(raw) > self.max_items:
            raise self.invalid(path, f"at most {self.max_items} items are allowed")
        return [self.item.parse(value, join(path, i), source) for i, value in enumerate(raw)]

    @property
    def openapi_type(self):
        return {"type": "array", "maxItems": self.max_items, "items": self.item.body_schema()}


class SetUpdate(Param):
    """An update set: each element has an ``action`` (read case-insensitively) and the
    parameters that action takes."""

    def __init__(self, actions: dict[str, dict[str, Param]], *, max_items: int = 200, **kw):
        super().__init__(**kw)
        self.actions = actions
        self.max_items = max_items

    def parse(self, raw, path, source):
        if not isinstance(raw, list):
            raise self.invalid(path, f"expected an array, got {describe_type(raw)}")
        if len(raw) > self.max_items:
            raise self.invalid(path, f"at most {self.max_items} items are allowed")
        return [self._parse_item(item, join(path, i), source) for i, item in enumerate(raw)]

    def _parse_item(self, raw, path, source):
        if not isinstance(raw, dict):
            raise self.invalid(path, f"expected an object, got {describe_type(raw)}")
        action_path = join(path, "action")
        if raw.get("action") is None:
            raise MissingParameter(
                f"The parameter {action_path} is mandatory.",
                param=action_path,
                detail=f"one of {', '.join(self.actions)} is required",
            )
        action = Enum(self.actions).parse(raw["action"], action_path, source)
        rest = {k: v for k, v in raw.items() if k != "action"}
        for key in rest:
            if key not in self.actions[action]:
                owners = [a for a, fields in self.actions.items() if key in fields]
                if owners:
                    key_path = join(path, key)
                    raise InvalidParameter(
                        f"The parameter {key_path} does not apply to {action}.",
                        param=key_path,
                        detail=f"applicable only on {' and '.join(owners)}",
                    )
        values = parse_object(self.actions[action], rest, path, source)
        return SetItem(action=action, values=values, path=path)

    @property
    def openapi_type(self):
        variants = []
        for action, fields in self.actions.items():
            schema = object_schema(fields)
            schema["properties"] = {
                "action": {"type": "string", "enum": [action, action.lower()]},
                **schema["properties"],
            }
            schema["required"] = ["action", *schema.get("required", [])]
            variants.append(schema)
        item = variants[0] if len(variants) == 1 else {"oneOf": variants}
        return {"type": "array", "maxItems": self.max_items, "items": item}


class FieldsSet(Param):
    """``fields_set``: comma-separated top-level field names of the result."""

    def __init__(self, representation, **kwargs):
        kwargs.setdefault(
            "description",
            "Comma-separated top-level fields to return; all fields when omitted.",
        )
        super().__init__(**kwargs)
        self.representation = representation

    def parse(self, raw, path, source):
        if isinstance(raw, list):
            names = [check_text(v, path, 100) for v in raw]
        else:
            names = check_text(raw, path, 4000).split(",")
        names = [n.strip() for n in names if n.strip()]
        allowed = self.representation.fields
        for name in names:
            if name not in allowed:
                raise InvalidParameter(
                    f"The parameter {path} names an unknown field.",
                    param=path,
                    detail=f"unknown field {name!r}; allowed: {', '.join(allowed)}",
                )
        return tuple(dict.fromkeys(names)) or None

    @property
    def openapi_type(self):
        return {"type": "string", "example": ",".join(list(self.representation.fields)[:3])}


# -- objects and whole parameter lists ---------------------------------------------------------


def _absent_or_null(param: Param, path: str, present: bool) -> Any:
    """What an absent or null value means for ``param``: raises, or returns a marker."""
    if present and param.nullable:
        return None
    if present and param.refuse_null:
        raise InvalidParameter(
            f"The parameter {path} cannot be cleared.", param=path, detail="null is not allowed"
        )
    if param.required:
        raise MissingParameter(
            f"The parameter {path} is mandatory.", param=path, detail="this parameter is mandatory"
        )
    return _ABSENT


_ABSENT = object()


def parse_object(fields: Mapping[str, Param], raw: Any, path: str, source: str) -> dict:
    """Parse a mapping against ``fields``: unknown names refused, mandatory ones enforced."""
    if not isinstance(raw, Mapping):
        raise InvalidParameter(
            f"The parameter {path} must be an object.",
            param=path or "body",
            detail=f"expected an object, got {describe_type(raw)}",
        )
    for name in raw:
        if name not in fields:
            name_path = join(path, str(name))
            raise InvalidParameter(
                f"Unknown parameter {name_path}.",
                param=name_path,
                detail="this method does not take this parameter",
            )
    result: dict = {}
    for name, param in fields.items():
        name_path = join(path, name)
        present = name in raw
        value = raw.get(name)
        if value is None:
            value = _absent_or_null(param, name_path, present)
            if value is not _ABSENT:
                result[name] = value
            continue
        result[name] = param.parse(value, name_path, source)
    return result


def object_schema(fields: Mapping[str, Param]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: p.body_schema() for name, p in fields.items()},
        **({"required": req} if (req := [n for n, p in fields.items() if p.required]) else {}),
    }


@dataclass
class Rules:
    """Method-level rules between parameters."""

    exactly_one_of: list[tuple[str, ...]] = field(default_factory=list)
    at_most_one_of: list[tuple[str, ...]] = field(default_factory=list)

    def check(self, values: Mapping[str, Any]) -> None:
        for group in self.exactly_one_of:
            given = [name for name in group if values.get(name) is not None]
            if not given:
                names = ", ".join(group)
                raise MissingParameter(
                    f"One of {names} is mandatory.",
                    param=group[0],
                    detail=f"specify exactly one of {names}",
                )
            self._at_most_one(group, given)
        for group in self.at_most_one_of:
            # Null for both is fine: on an update that clears them together.
            self._at_most_one(group, [name for name in group if values.get(name) is not None])

    @staticmethod
    def _at_most_one(group, given):
        if len(given) > 1:
            raise InvalidParameter(
                f"Only one of {', '.join(group)} is allowed.",
                param=given[1],
                detail=f"{given[0]} and {given[1]} cannot be given together",
            )


def query_to_raw(query, fields: Mapping[str, Param]) -> dict[str, str]:
    """A QueryDict as plain values. A parameter given twice is refused; for an identifier
    that means several keys. An empty value means "not given" (blank form fields)."""
    raw: dict[str, str] = {}
    for name, values in query.lists():
        check_text(name, "parameter name", 100)
        if len(values) > 1:
            if isinstance(fields.get(name), Ident):
                raise InvalidIdentifier(
                    f"The identifier {name} has several keys.",
                    param=name,
                    detail="give exactly one key=value",
                )
            raise InvalidParameter(
                f"The parameter {name} is given more than once.",
                param=name,
                detail="give each parameter once",
            )
        if values[0] != "" or name not in fields:
            raw[name] = values[0]
    return raw


def parse_params(
    fields: Mapping[str, Param], raw: Mapping, source: str, rules: Rules | None = None
):
    """Parse a method's parameters (without ``token``) and apply its rules."""
    values = parse_object(fields, raw, "", source)
    if rules:
        rules.check(values)
    return values
