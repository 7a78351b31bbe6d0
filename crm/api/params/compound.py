"""Parameters holding others: identifiers, objects, lists, update sets, ``fields_set``;
and the parsing of an object of parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm.api.params.scalars import Enum, IdentRef, Int, Param, SetItem
from crm.api.params.text import QUERY, check_text, describe_type, join
from crm.exceptions import InvalidIdentifier, InvalidParameter, MissingParameter
from crm.timeperiods import TimePeriod, TimeUnit


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
