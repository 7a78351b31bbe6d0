"""Identifier kinds (which keys each identifier accepts) and their resolution.

Each app registers its kinds in ``<app>/api/identifiers.py``. A kind with a ``queryset`` is
resolved by the plumbing to a model instance through that queryset, which applies the
caller's visibility: what the caller may not see is ``ENTITY_NOT_FOUND``, exactly like what
does not exist. A kind without one (a row of a set, identified within its parent) stays an
:class:`~crm.api.params.IdentRef` for the service to resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from crm.api.params import Ident, IdentRef, SetItem
from crm.exceptions import EntityNotFound, InvalidIdentifier

# A key is a model lookup ("number"), a function of the value giving a filter (for keys
# that only apply to some rows, like a person's id_number), or a nested identifier.
KeySpec = str | Callable[[str], Q] | Ident

_KINDS: dict[str, IdentifierKind] = {}
# The keys of configuration identified by name or alternative code, or by name or code.
NAMED = {"id": "id", "name": "name", "alternative_code": "alternative_code"}
CODED = {"id": "id", "name": "name", "code": "code"}


@dataclass
class IdentifierKind:
    name: str
    label: str
    keys: dict[str, KeySpec]
    queryset: Callable[[Any], QuerySet] | None = None
    # Converts a key's text before lookup (e.g. privacy level numbers); ValueError: no match.
    converters: dict[str, Callable[[str], Any]] = field(default_factory=dict)
    # Model field a nested identifier key matches; default: the key without "_identifier".
    nested_lookups: dict[str, str] = field(default_factory=dict)

    def key_list(self) -> str:
        return ", ".join(self.keys)

    def wrong_keys(self, path: str, given: list[str]) -> InvalidIdentifier:
        if not given:
            detail = f"no key given; specify one of {self.key_list()}"
        elif len(given) > 1:
            keys = ", ".join(map(str, given))
            detail = f"several keys given ({keys}); specify only one of {self.key_list()}"
        else:
            detail = f"unknown key {given[0]!r}; allowed keys: {self.key_list()}"
        return InvalidIdentifier(
            f"The {self.label} identifier {path} is invalid.", param=path, detail=detail
        )

    def body_schema(self) -> dict:
        properties = {}
        for key, spec in self.keys.items():
            properties[key] = (
                spec.body_schema()
                if isinstance(spec, Ident)
                else {
                    "type": "string",
                    "maxLength": 255,
                }
            )
        return {
            "type": "object",
            "description": f"{self.label} identifier: exactly one of {self.key_list()}",
            "properties": properties,
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": False,
        }

    def lookup(self, key: str, value: Any) -> Q:
        spec = self.keys[key]
        if callable(spec) and not isinstance(spec, Ident):
            return spec(value)
        if isinstance(spec, Ident):
            return Q(**{self.nested_lookups.get(key, key.removesuffix("_identifier")): value})
        converter = self.converters.get(key)
        if converter is None and key == "id":
            converter = str.upper  # ids are upper-case hex; accept them in any case
        return Q(**{spec: converter(value) if converter else value})


def register(kind: IdentifierKind) -> IdentifierKind:
    _KINDS[kind.name] = kind
    return kind


def register_config(name: str, label: str, model, keys: dict[str, KeySpec] = NAMED) -> None:
    """A configuration kind: every row is visible to every caller."""
    register(IdentifierKind(name, label, dict(keys), queryset=lambda ctx: model.objects.all()))


def get_kind(name: str) -> IdentifierKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"identifier kind {name!r} is not registered") from None


def not_found(ref: IdentRef, label: str) -> EntityNotFound:
    value = ref.value if isinstance(ref.value, str) else getattr(ref.value, "pk", ref.value)
    return EntityNotFound(
        f"No {label} matches {ref.path}.",
        param=ref.path,
        detail=f"no {label} with {ref.key} {value!r}",
    )


def find(ref: IdentRef, queryset: QuerySet):
    """The one row of ``queryset`` that ``ref`` identifies, or ENTITY_NOT_FOUND."""
    kind = get_kind(ref.kind)
    try:
        condition = kind.lookup(ref.key, ref.value)
        rows = list(queryset.filter(condition)[:2])
    except (ValueError, TypeError, ValidationError):
        rows = []
    if not rows:
        raise not_found(ref, kind.label)
    if len(rows) > 1:
        raise InvalidIdentifier(
            f"The {kind.label} identifier {ref.path} is ambiguous.",
            param=ref.path,
            detail=f"several {kind.label}s have {ref.key} {ref.value!r}; use another key",
        )
    return rows[0]


def resolve(value: Any, ctx) -> Any:
    """Replace every resolvable :class:`IdentRef` inside parsed parameters by its row."""
    if isinstance(value, IdentRef) and value.deferred:
        return value
    if isinstance(value, IdentRef):
        inner = resolve(value.value, ctx) if isinstance(value.value, IdentRef) else value.value
        ref = IdentRef(value.kind, value.key, inner, value.path)
        kind = get_kind(ref.kind)
        if kind.queryset is None:
            return ref
        return find(ref, kind.queryset(ctx))
    if isinstance(value, SetItem):
        return SetItem(value.action, resolve(value.values, ctx), value.path)
    if isinstance(value, dict):
        return {k: resolve(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ctx) for v in value]
    return value
