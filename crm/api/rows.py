"""Reads rendered from rows, not model instances (issue 17).

``fetch(rep, queryset, names)`` is ``rep.fetch`` without the models: the query selects
exactly the columns and joins ``names`` render (``values_list``), each result tuple becomes
a small :class:`Row` with attribute access (nested rows for the joined objects), and each
prefetched object and set is one query for the whole page, as ``prefetch_related`` did. The
fields render a row exactly as they render a model instance (same attributes, same values:
``values_list`` applies the same database converters), so the output is the same bytes; a
field reading something its plan did not load raises instead of querying (no hidden N+1).

Building ~600 model instances per 50-row page (``Model.__init__``, signals, descriptors)
and Django's prefetch machinery were most of a list's time over its SQL. The queries of the
prefetched objects and sets have one shape per plan (``WHERE key IN (...)``): their SQL is
compiled once per process and run through the cursor with the page's keys. The main query's
select list and joins are resolved once per plan too (``RowPlan._template``) and given to
each caller's filtered, ordered, sliced queryset; only its WHERE and ORDER BY compile.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesListIterable

from crm.api.representation import Attr, Computed, Field, Many, Nested, Representation

_LOCK = threading.Lock()
_PLANS: dict[tuple, RowPlan] = {}
_ROW_CLASSES: dict[type, type] = {}


def enabled() -> bool:
    """Whether reads render from rows (``CRM_API_ROWS``, on unless set false): the switch
    that takes this module out again, back to ``Representation.fetch``."""
    return getattr(settings, "CRM_API_ROWS", True)


def fetch(rep: type[Representation], queryset: QuerySet, names: Sequence[str] | None) -> QuerySet:
    """``queryset`` narrowed to what ``names`` of ``rep`` render, yielding rows: filter,
    slice, ``get`` and ``find`` work on it as on the model queryset it replaces."""
    if not enabled():
        return rep.fetch(queryset, names)
    return plan_for(rep, names, annotations=tuple(queryset.query.annotations)).queryset(queryset)


def plan_for(
    rep: type[Representation], names: Sequence[str] | None, extra=(), annotations=()
) -> RowPlan:
    key = (rep, tuple(names) if names else None, tuple(extra), tuple(annotations))
    plan = _PLANS.get(key)
    if plan is None:
        plan = RowPlan(rep, names, extra, annotations)
        with _LOCK:
            plan = _PLANS.setdefault(key, plan)
    return plan


# -- rows ---------------------------------------------------------------------------------------


class RowSet(list):
    """A prefetched set on a row: ``Many.render`` calls ``.all()`` as on a related manager."""

    def all(self):
        return self


class Row:
    """One object of a fetched row. Attributes: the loaded columns (under their attribute
    names, ``type_id`` for a key), ``pk``, the joined and prefetched objects and sets. The
    model's properties (``is_open``, a contact's ``name``) and class attributes (choices)
    are reachable as on an instance; a field the plan did not load is an error."""

    model: type[Model]
    field_names: frozenset[str] = frozenset()

    def __getattr__(self, name: str):
        value = getattr(self.model, name, None)
        # Constants and choices only: a descriptor (a field, or what looks a value up on
        # first use) on a row would answer wrongly or query.
        if name.startswith("__") or name in self.field_names or hasattr(value, "__get__"):
            raise AttributeError(
                f"{type(self).__name__} has no {name!r}: its plan does not load it"
            )
        return getattr(self.model, name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.__dict__.get('pk')!r}>"


def row_class(model: type[Model]) -> type[Row]:
    """The row class of ``model``: the model's own properties copied over, so that computed
    fields reading them (``row.is_open``) run unchanged."""
    cls = _ROW_CLASSES.get(model)
    if cls is None:
        members: dict[str, Any] = {}
        for klass in reversed(model.__mro__):
            if not issubclass(klass, Model) or klass.__module__.startswith("django."):
                continue
            for name, value in vars(klass).items():
                if isinstance(value, property | cached_property):
                    members[name] = value
        meta = model._meta
        names = {f.name for f in meta.get_fields()}
        names |= {f.attname for f in meta.concrete_fields}
        names |= {f.get_accessor_name() for f in meta.related_objects}
        members.update(model=model, field_names=frozenset(names - set(members)))
        cls = type(f"{model.__name__}Row", (Row,), members)
        _ROW_CLASSES[model] = cls
    return cls


# -- plans --------------------------------------------------------------------------------------


@dataclass
class _Node:
    """An object of the row: where its attributes are in the result tuple, which joined
    objects hang off it, and which prefetched objects and sets its rows receive."""

    model: type[Model]
    attrs: dict[str, int] = field(default_factory=dict)  # attribute -> index in the tuple
    # attribute -> (node, index of the value that is null when the object is absent)
    children: dict[str, tuple[_Node, int]] = field(default_factory=dict)
    loads: list[_Load] = field(default_factory=list)

    @cached_property
    def row_class(self) -> type[Row]:
        return row_class(self.model)

    def build(self, values: tuple, owners: dict[int, list]) -> Row:
        row = self.row_class.__new__(self.row_class)
        state = {name: values[index] for name, index in self.attrs.items()}
        for name, (child, present) in self.children.items():
            state[name] = None if values[present] is None else child.build(values, owners)
        row.__dict__ = state
        if self.loads:
            owners.setdefault(id(self), []).append(row)
        return row

    def walk(self):
        yield self
        for child, _ in self.children.values():
            yield from child.walk()


class RowPlan:
    """The columns and joins ``names`` of ``rep`` need, as ``values_list`` paths, and how a
    result tuple becomes rows; worked out once per representation and names."""

    def __init__(self, rep, names: Sequence[str] | None, extra=(), annotations=()):
        self.rep, self.names, self.extra = rep, names, tuple(extra)
        # The queryset's annotations (a selector's, such as
        # ``next_default``): attributes of the root row, as on the instances they replace
        # (a computed field may read one without declaring a column).
        self.annotations = tuple(annotations)
        self.paths: list[str] = []
        self.root = _Node(rep.model)
        self._add_fields("", rep, names)
        for path in extra:
            self._column("", path)
        self._column("", "pk")
        for name in self.annotations:
            self.root.attrs[name] = self._index(name)
        self.iterable = type(f"{rep.__name__}Rows", (_RowIterable,), {"plan": self})

    def queryset(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` selecting this plan's columns and yielding rows (its annotations,
        such as a selector's ``next_default``, become attributes)."""
        annotations = tuple(queryset.query.annotations)
        if annotations != self.annotations:
            return plan_for(self.rep, self.names, self.extra, annotations).queryset(queryset)
        if self._joins_ready(queryset.query):
            rows = queryset._chain()
            rows._fields = tuple(self.paths)
            self._select_into(rows.query)
        else:
            rows = queryset.values_list(*self.paths)
        rows._iterable_class = self.iterable
        return rows

    @cached_property
    def _template(self):
        """The plan's select list and joins, resolved once (``values_list`` resolves each of
        a whole object's ~150 paths again on every call: most of a ``show``'s time left)."""
        rows = self.rep.model._default_manager.all()
        if tuple(rows.query.annotations) != self.annotations:
            return None  # a selector's own annotation (``next_default``): values_list then
        return rows.values_list(*self.paths).query

    def _joins_ready(self, query) -> bool:
        """Whether ``query`` (what the caller filtered, ordered and sliced) can take the
        template's select list and joins: same base table, same annotations, nothing
        selected or grouped of its own."""
        template = self._template
        return template is not None and (
            list(query.alias_map)[:1] in ([], list(template.alias_map)[:1])
            and query.annotations.keys() == template.annotations.keys()
            and not (query.extra or query.values_select or query.select or query.combinator)
            and not (query.distinct or query.group_by or query._filtered_relations)
            and query.default_cols
        )

    def _select_into(self, query) -> None:
        """``query.set_values(self.paths)`` from the template: what ``values_list`` does
        with this plan's paths, without resolving them again. The joins ``query`` made for
        its filters (visibility joins the privacy level) are renamed ``R1``, ``R2``... so
        that they cannot clash with the template's (which may join the same table, outer)."""
        template = self._template
        base = next(iter(template.alias_map))
        query.table_map = {table: list(aliases) for table, aliases in query.table_map.items()}
        own = [alias for alias in query.alias_map if alias != base]
        query.change_aliases({alias: f"R{n}" for n, alias in enumerate(own, 1)})
        own_joins = {alias: join for alias, join in query.alias_map.items() if alias != base}
        own_counts = {alias: query.alias_refcount[alias] for alias in own_joins}
        query.select_related = False
        query.clear_deferred_loading()
        query.clear_select_fields()
        query.default_cols = template.default_cols
        query.set_extra_mask(())
        query.set_annotation_mask(template.annotation_select_mask)
        query.alias_map = {**template.alias_map, **own_joins}
        query.alias_refcount = {**template.alias_refcount, **own_counts}
        tables = {table: list(aliases) for table, aliases in template.table_map.items()}
        for alias, join in own_joins.items():
            tables.setdefault(join.table_name, []).append(alias)
        query.table_map = tables
        query.select = template.select
        query.values_select = template.values_select
        query.selected = template.selected

    def build(self, tuples, using: str) -> list[Row]:
        """Rows of the result ``tuples``, with their prefetched objects and sets, read from
        the database the tuples came from (the replica, when the read goes there)."""
        owners: dict[int, list] = {}
        rows = [self.root.build(values, owners) for values in tuples]
        for node in self.root.walk():
            for load in node.loads:
                load.run(owners.get(id(node), []), using)
        return rows

    # -- working out the plan ---------------------------------------------------------------
    def _index(self, path: str) -> int:
        if path not in self.paths:
            self.paths.append(path)
        return self.paths.index(path)

    def _add_fields(self, prefix: str, rep, names) -> None:
        for column in rep.always_columns:
            self._column(prefix, column)
        for name in names or rep.fields:
            self._add_field(prefix, rep.fields[name])

    def _add_field(self, prefix: str, f: Field) -> None:
        """``f``'s columns, joins and loads; ``prefix`` is where its object is joined."""
        parts = getattr(f, "parts", None)  # a Composite: fields of the same row
        if parts is not None:
            for part in parts.values():
                self._add_field(prefix, part)
        elif isinstance(f, Nested) and f.prefetch:
            self._column(prefix, f.attr)
            owner = self._node(prefix)
            key = owner.model._meta.get_field(f.attr).attname
            owner.loads.append(_Load(f.attr, f.representation, key=key))
        elif isinstance(f, Nested):
            self._column(prefix, f.attr)
            self._node(f"{prefix}{f.attr}__")  # joined even when it renders no column
            self._add_fields(f"{prefix}{f.attr}__", f.representation, None)
        elif isinstance(f, Many):
            self._column(prefix, "pk")
            self._node(prefix).loads.append(_Load(f.related_name, f.representation, many=f))
        elif isinstance(f, Attr):
            self._column(prefix, f.attr)
        elif isinstance(f, Computed):
            if f._plan.prefetch:
                raise NotImplementedError("a computed field with a prefetch")
            for path in [*f._plan.select, *f._plan.columns]:
                self._column(prefix, path)
        else:
            raise NotImplementedError(f"rows cannot render a {type(f).__name__}")

    def _node(self, prefix: str) -> _Node:
        """The node of the object at ``prefix`` (``type__calendar__``), joined if new."""
        node, done = self.root, ""
        for part in prefix.split("__")[:-1]:
            node = self._child(node, done, part)
            done = f"{done}{part}__"
        return node

    def _child(self, node: _Node, prefix: str, name: str) -> _Node:
        if name in node.children:
            return node.children[name][0]
        f = node.model._meta.get_field(name)
        child = _Node(f.related_model)
        if f.concrete:  # a foreign key: absent when the key is null
            present = self._index(f"{prefix}{f.attname}")
            node.attrs[f.attname] = present
        else:  # a reverse one-to-one (a job's billing terms): absent when no row joins
            present = self._index(f"{prefix}{name}__{f.related_model._meta.pk.attname}")
        node.children[name] = (child, present)
        self._column(f"{prefix}{name}__", "pk")
        return child

    def _column(self, prefix: str, path: str) -> None:
        """Load ``path`` (relative to the object at ``prefix``) onto its node."""
        *relations, last = f"{prefix}{path}".split("__")
        base = "".join(f"{r}__" for r in relations)
        if not base and last in self.annotations:
            self.root.attrs[last] = self._index(last)
            return
        node = self._node(base)
        meta = node.model._meta
        f = meta.pk if last == "pk" else meta.get_field(last)
        if f.concrete:
            index = self._index(f"{base}{f.attname}")
            node.attrs[f.attname] = index
            if f.primary_key:
                node.attrs["pk"] = index
        else:  # a reverse one-to-one named as a column: the object joined
            self._child(node, base, last)


class _RowIterable(ValuesListIterable):
    """Result tuples as rows, then the page's prefetched objects and sets."""

    plan: RowPlan

    def __iter__(self):
        yield from self.plan.build(list(super().__iter__()), self.queryset.db)


# -- prefetched objects and sets ----------------------------------------------------------------


class _Load:
    """A prefetched object (``many`` None: ``attr`` is a foreign key) or set (``many``: the
    Many field) of the rows of one node: one query for all of them."""

    def __init__(self, attr: str, rep: type[Representation], *, key="", many=None):
        # key: the owner's foreign key column (``caller_id``) of a prefetched object.
        self.attr, self.rep, self.key, self.many = attr, rep, key, many

    @cached_property
    def _key(self) -> str:
        """The column the query looks the rows up by: their pk, or a set's foreign key."""
        if self.many is None:
            return self.rep.model._meta.pk.attname
        return self.rep.model._meta.get_field(self.many.fk).attname

    @cached_property
    def plan(self) -> RowPlan:
        if self.many is None:
            return plan_for(self.rep, None)
        return plan_for(self.rep, None, (self.many.fk,))

    def run(self, owners: list[Row], using: str) -> None:
        if self.many is None:
            keys = {owner.__dict__[self.key] for owner in owners} - {None}
            found = {row.pk: row for row in self.fetch(keys, using)} if keys else {}
            for owner in owners:
                owner.__dict__[self.attr] = found.get(owner.__dict__[self.key])
            return
        keys = {owner.pk for owner in owners}
        sets: dict[Any, RowSet] = {key: RowSet() for key in keys}
        for row in self.fetch(keys, using) if keys else ():
            sets[row.__dict__[self._key]].append(row)
        for owner in owners:
            owner.__dict__[self.attr] = sets[owner.pk]

    def fetch(self, keys: set, using: str) -> list[Row]:
        return self.plan.build(compiled(self, using).run(sorted(keys, key=str)), using)


# -- compiled once ------------------------------------------------------------------------------


_SENTINEL = "\x00crm-rows-key\x00"


@dataclass
class Compiled:
    """A load's SQL with one ``IN (%s)`` to widen to the page's keys, per database."""

    alias: str
    before: str
    after: str
    params_before: tuple
    params_after: tuple
    select: list

    def converters(self, connection) -> list[tuple[int, list]]:
        """What turns the driver's values into Python's (as ``values_list`` does), per
        connection: they are the connection's own methods."""
        cache = connection.__dict__.setdefault("_crm_row_converters", {})
        found = cache.get(id(self))
        if found is None:
            found = cache[id(self)] = [
                (i, functions)
                for i, expression in enumerate(self.select)
                if (
                    functions := connection.ops.get_db_converters(expression)
                    + expression.get_db_converters(connection)
                )
            ]
        return found

    def run(self, keys: list) -> list[tuple]:
        connection = connections[self.alias]
        marks = ", ".join(["%s"] * len(keys))
        sql = f"{self.before}{marks}{self.after}"
        params = (*self.params_before, *keys, *self.params_after)
        converters = self.converters(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for i, functions in converters:
                value = row[i]
                for function in functions:
                    value = function(value, self.select[i], connection)
                row[i] = value
            converted.append(tuple(row))
        return converted


_COMPILED: dict[tuple, Compiled] = {}


def compiled(load: _Load, alias: str) -> Compiled:
    """The load's query compiled once per process and database: ``key IN (<sentinel>)``,
    split at the sentinel's placeholder."""
    cache_key = (id(load), alias)
    found = _COMPILED.get(cache_key)
    if found is not None:
        return found
    queryset = load.rep.model.objects.db_manager(alias).filter(**{f"{load._key}__in": [_SENTINEL]})
    if load.many is not None:
        queryset = queryset.order_by(*load.many.order_by)
    else:
        queryset = queryset.order_by()
    queryset = queryset.values_list(*load.plan.paths)
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    position = params.index(_SENTINEL)
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1 or params.count(_SENTINEL) != 1:
        raise RuntimeError(f"cannot widen the key list of {sql!r}")
    before = "%s".join(pieces[: position + 1])
    after = "%s".join(pieces[position + 1 :])
    found = Compiled(
        alias=alias,
        before=before,
        after=after,
        params_before=tuple(params[:position]),
        params_after=tuple(params[position + 1 :]),
        select=[expression for expression, _, _ in compiler.select],
    )
    with _LOCK:
        _COMPILED[cache_key] = found
    return found
