"""Parameters holding one value: text, numbers, choices, dates, time periods."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crm.api.formats import DateFormatError, parse_datetime
from crm.api.params.text import _INTEGER, MAX_OFFSET, MAX_TEXT, check_text, describe_type
from crm.exceptions import InvalidParameter


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


class EnumList(Enum):
    """One or more of a fixed set of values: comma-separated text (or a JSON array), each
    matched as ``Enum`` matches one; duplicates are dropped, the order kept."""

    @property
    def openapi_type(self):
        values = ", ".join(self.values)
        return {"type": "string", "description": f"Comma-separated, each one of {values}."}

    def parse(self, raw, path, source):
        parts = raw if isinstance(raw, list) else check_text(raw, path, 1000).split(",")
        values = [
            super(EnumList, self).parse(part, path, source) for part in parts if str(part).strip()
        ]
        if not values:
            raise self.invalid(path, "give at least one value")
        return tuple(dict.fromkeys(values))


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
