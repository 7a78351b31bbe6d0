"""Representations: how a model row becomes a Web API object, and what fetching it costs.

A representation lists its top-level fields. Each field knows the columns, joins
(``select_related``) and prefetches it needs, so a ``fields_set`` of a few fields fetches
only those: fewer columns, no joins for nested objects it does not return, no prefetch
queries for sets it does not return. Nested objects are always returned whole, as in
CRM.COM. Each representation is also an OpenAPI component.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.fields.tuple_lookups import TupleIn
from django.db.models.sql.where import AND
from django.utils import timezone

from crm.api.formats import format_datetime
from crm.timeperiods import TimeUnit

_PLANS: dict[tuple, Plan] = {}

DATE_SCHEMA = {"type": "string", "example": "2016-07-27T14:00:00"}
# A time period object (``time_period_value`` + ``time_period_uot``).
TIME_PERIOD_SCHEMA = {
    "type": "object",
    "properties": {
        "time_period_value": {"type": "integer", "nullable": True},
        "time_period_uot": {"type": "string", "enum": TimeUnit.values, "nullable": True},
    },
}


@dataclass
class RenderContext:
    """What rendering needs besides the row: one clock reading per response, and the
    caller (records reached through a visible one are hidden if the caller may not see
    them)."""

    now: datetime = field(default_factory=timezone.now)
    user: Any = None

    @cached_property
    def access(self):
        from crm.access import access_for

        return access_for(self.user) if self.user is not None else None

    def can_see(self, record) -> bool:
        from crm.access import can_see

        return can_see(self.access, record)


@dataclass
class Plan:
    columns: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    prefetch: list[Any] = field(default_factory=list)

    def prefixed(self, prefix: str) -> Plan:
        return Plan(
            columns=[f"{prefix}__{c}" for c in self.columns],
            select=[f"{prefix}__{s}" for s in self.select],
            prefetch=[
                Prefetch(f"{prefix}__{p.prefetch_through}", queryset=p.queryset)
                for p in self.prefetch
            ],
        )


def _looks_up_only_nulls(where) -> bool:
    """Whether ``where`` (a prefetch's filter) looks rows up by foreign keys that are all
    null: it can match nothing."""
    return (
        where.connector == AND
        and not where.negated
        and any(
            isinstance(child, TupleIn)
            and isinstance(child.rhs, list | tuple)
            and all(None in key for key in child.rhs)
            for child in where.children
        )
    )


class _SkipNullKeys:
    """Mixed into a nested object's prefetch queryset. Django compiles a forward foreign
    key's prefetch even when every row's key is null (and only then finds it matches
    nothing); compiling, with the nested object's joins, was the largest part of a
    ``show`` (the accepted_by contacts, the referring subscription and job are usually
    null). Such a prefetch now returns nothing without being compiled."""

    def _fetch_all(self):
        if self._result_cache is None and _looks_up_only_nulls(self.query.where):
            self._result_cache = []
        super()._fetch_all()


_SKIPPING: dict[type, type] = {}


def skipping_null_keys(queryset: QuerySet) -> QuerySet:
    cls = type(queryset)
    if cls not in _SKIPPING:
        _SKIPPING[cls] = type(f"SkipNullKeys{cls.__name__}", (_SkipNullKeys, cls), {})
    queryset.__class__ = _SKIPPING[cls]
    return queryset


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


class Field:
    """A top-level field of a representation."""

    def __init__(self, *, schema: dict | None = None, nullable: bool = True):
        self._schema = schema or {"type": "string"}
        self.nullable = nullable

    def plan(self) -> Plan:
        return Plan()

    def render(self, obj, ctx: RenderContext) -> Any:
        raise NotImplementedError

    def schema(self) -> dict:
        return _nullable(self._schema) if self.nullable else dict(self._schema)

    def nested(self) -> list[type[Representation]]:
        return []


class Attr(Field):
    """A column, returned as stored (decimals as numbers, dates in the API format)."""

    def __init__(self, attr: str, **kwargs):
        super().__init__(**kwargs)
        self.attr = attr

    def plan(self) -> Plan:
        return Plan(columns=[self.attr])

    def render(self, obj, ctx):
        value = getattr(obj, self.attr)
        if isinstance(value, datetime):
            return format_datetime(value)
        if isinstance(value, Decimal):
            return float(value)
        return value


def Date(attr: str) -> Attr:
    return Attr(attr, schema=DATE_SCHEMA)


def Id(schema: dict) -> Attr:
    """The ``id`` field: the row's primary key, never null (``schema`` gives an example)."""
    return Attr("id", schema=schema, nullable=False)


def attrs(*names: str) -> dict[str, Attr]:
    """Text columns returned as stored under their own names, in the order given (the
    order of the output): ``**attrs("name", "alternative_code", "description")``."""
    return {name: Attr(name) for name in names}


def dates(*names: str) -> dict[str, Field]:
    """Date columns returned under their own names, in the order given."""
    return {name: Date(name) for name in names}


def Choice(attr: str, choices: Iterable[str], nullable: bool = True) -> Attr:
    return Attr(attr, schema={"type": "string", "enum": list(choices)}, nullable=nullable)


class _Related(Field):
    """A field that returns objects of another representation (one, or an array of them)."""

    def __init__(self, representation: Callable[[], type[Representation]] | type, **kw):
        super().__init__(**kw)
        # A function returning it where the representation is declared further down.
        self._representation = representation

    @property
    def representation(self) -> type[Representation]:
        rep = self._representation
        return rep if isinstance(rep, type) else rep()

    def ref(self) -> dict:
        return {"$ref": f"#/components/schemas/{self.representation.component_name()}"}

    def nested(self):
        return [self.representation]


class Nested(_Related):
    """A foreign key, returned as the whole nested object (or null)."""

    def __init__(
        self,
        attr: str,
        representation: Callable[[], type[Representation]] | type,
        *,
        guarded: bool = False,
        prefetch: bool = False,
        **kw,
    ):
        super().__init__(representation, **kw)
        self.attr = attr
        # Fetched by a query of its own rather than joined: PostgreSQL's planning time
        # grows steeply with the number of joins, and a few deep objects (contacts with
        # their countries, units with group and community) would double them.
        self.prefetch = prefetch
        # A record with its own visibility: null when the caller may not see it.
        self.guarded = guarded

    def plan(self) -> Plan:
        if self.prefetch:
            rep = self.representation
            queryset = rep.fetch(skipping_null_keys(rep.model.objects.all()), None)
            return Plan(columns=[self.attr], prefetch=[Prefetch(self.attr, queryset=queryset)])
        inner = self.representation.plan(None).prefixed(self.attr)
        return Plan(
            columns=[self.attr, *inner.columns],
            select=[self.attr, *inner.select],
            prefetch=inner.prefetch,
        )

    def render(self, obj, ctx):
        value = getattr(obj, self.attr)
        if value is None or (self.guarded and not ctx.can_see(value)):
            return None
        return self.representation.render(value, None, ctx)

    def schema(self) -> dict:
        return _nullable(self.ref()) if self.nullable else self.ref()


class Many(_Related):
    """A reverse relation (a ``*_set``), returned as an array; one prefetch query."""

    def __init__(
        self,
        related_name: str,
        representation,
        *,
        fk: str,
        order_by=("pk",),
        guard: str | None = None,
        **kw,
    ):
        kw.setdefault("nullable", False)
        super().__init__(representation, **kw)
        self.related_name = related_name
        self.fk = fk
        self.order_by = order_by
        # Attribute of each item holding a record with its own visibility: items whose
        # record the caller may not see are left out.
        self.guard = guard

    def plan(self) -> Plan:
        rep = self.representation
        queryset = rep.fetch(rep.model.objects.all(), None, extra_columns=[self.fk])
        return Plan(prefetch=[Prefetch(self.related_name, queryset.order_by(*self.order_by))])

    def render(self, obj, ctx):
        rep = self.representation
        items = getattr(obj, self.related_name).all()
        if self.guard:
            items = [item for item in items if ctx.can_see(getattr(item, self.guard))]
        return [rep.render(item, None, ctx) for item in items]

    def schema(self) -> dict:
        return {"type": "array", "items": self.ref()}


class Computed(Field):
    """A value computed from the row at read time (``time_to_completion``, ...)."""

    def __init__(
        self,
        function: Callable[[Any, RenderContext], Any],
        *,
        columns: Sequence[str] = (),
        select: Sequence[str] = (),
        prefetch: Sequence[Any] = (),
        nested: Sequence[Callable[[], type[Representation]]] = (),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.function = function
        self._plan = Plan(list(columns), list(select), list(prefetch))
        self._nested = nested

    def plan(self) -> Plan:
        return Plan(list(self._plan.columns), list(self._plan.select), list(self._plan.prefetch))

    def render(self, obj, ctx):
        return self.function(obj, ctx)

    def nested(self):
        return [n() for n in self._nested]


class Representation:
    """Base: subclasses set ``model`` and ``fields`` (ordered as the API returns them)."""

    model: type
    fields: dict[str, Field] = {}
    description: str = ""
    # Columns loaded whatever fields_set says (what visibility checks read).
    always_columns: tuple[str, ...] = ()

    @classmethod
    def component_name(cls) -> str:
        return cls.__name__.removesuffix("Repr")

    @classmethod
    def plan(cls, names: Sequence[str] | None) -> Plan:
        """What rendering ``names`` needs; worked out once per representation and names
        (declarations do not change while the process runs). Callers must not mutate it."""
        key = (cls, tuple(names) if names else None)
        plan = _PLANS.get(key)
        if plan is None:
            plan = Plan(columns=list(cls.always_columns))  # primary keys are always loaded
            for name in names or cls.fields:
                part = cls.fields[name].plan()
                plan.columns += part.columns
                plan.select += part.select
                plan.prefetch += part.prefetch
            _PLANS[key] = plan
        return plan

    @classmethod
    def fetch(cls, queryset: QuerySet, names: Sequence[str] | None, extra_columns=()) -> QuerySet:
        """``queryset`` joined, prefetched and narrowed to what ``names`` render."""
        plan = cls.plan(names)
        queryset = queryset.select_related(*plan.select) if plan.select else queryset
        if plan.prefetch:
            queryset = queryset.prefetch_related(*plan.prefetch)
        if names is None:
            # Every field: narrowing the columns would cost Django more than it saves.
            return queryset
        columns = list(dict.fromkeys([*plan.columns, *extra_columns]))
        # Annotations (a selector's) are loaded whatever only() says.
        columns = [c for c in columns if c not in queryset.query.annotations]
        return queryset.only(*columns) if columns else queryset.only("pk")

    @classmethod
    def render(cls, obj, names: Sequence[str] | None = None, ctx: RenderContext | None = None):
        ctx = ctx or RenderContext()
        return {name: cls.fields[name].render(obj, ctx) for name in names or cls.fields}

    @classmethod
    def render_many(cls, objs, names=None, ctx: RenderContext | None = None) -> list[dict]:
        ctx = ctx or RenderContext()
        return [cls.render(obj, names, ctx) for obj in objs]

    @classmethod
    def schema(cls) -> dict:
        schema = {
            "type": "object",
            "properties": {name: f.schema() for name, f in cls.fields.items()},
        }
        if cls.description:
            schema["description"] = cls.description
        return schema

    @classmethod
    def components(cls) -> dict[str, dict]:
        """This representation's OpenAPI component and those of everything it nests."""
        found: dict[str, dict] = {}
        pending: list[type[Representation]] = [cls]
        while pending:
            rep = pending.pop()
            if rep.component_name() in found:
                continue
            found[rep.component_name()] = rep.schema()
            for f in rep.fields.values():
                pending.extend(f.nested())
        return found
