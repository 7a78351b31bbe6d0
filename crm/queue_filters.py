"""What a person filters a staff queue by, read against what the queue fixes
(crm.paging.Queue ``states`` and ``owns``).

A valid value applies. An invalid one (a hand-edited link, a bad date) is named next to its
field and ignored, the other filters still apply. A value the queue cannot hold (Pending and
the state CANCELLED, Unassigned and an assignee) is never lost under the queue's own filter:
the page moves to the app's All queue with the person's filters and says why (issue 13).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone


@dataclass
class Chosen:
    """The filters a person set: the bound form (its errors are shown next to the fields),
    the valid values as the FilterSet takes them, and what was ignored, as sentences."""

    form: forms.Form
    filters: dict
    ignored: list[str] = field(default_factory=list)


def read(filterset_class, query: QueryDict, names, multi) -> Chosen:
    """The filters ``names`` of ``query`` (``multi``: those that repeat), checked by the
    app's FilterSet form before anything is selected."""
    data = QueryDict(mutable=True)
    for name in names:
        values = [value for value in query.getlist(name) if value]
        if values:
            data.setlist(name, values if name in multi else values[-1:])
    form = filterset_class(data).form
    form.is_valid()
    filters = {
        name: data.getlist(name) if name in multi else data[name]
        for name in data
        if name not in form.errors
    }
    ignored = [
        f"Filter ignored: {form.fields[name].label}: {errors[0]}"
        for name, errors in form.errors.items()
        if name in form.fields
    ]
    return Chosen(form, filters, ignored)


def owned(queue, fixed: dict, names) -> dict[str, str | None]:
    """The person's filters ``queue`` decides, each with its own filter a value must lie
    within: those it declares, and those it fixes by the same name (the state apart when
    the queue declares its states)."""
    same = {
        name: name
        for name in fixed
        if name in names and not (name == "state" and queue.states is not None)
    }
    return {**same, **queue.owns}


def within(value, fixed) -> bool:
    """Whether a person's cleaned ``value`` lies within the queue's own ``fixed`` one: a
    moment at or after the queue's (its own moments are "since"), else every value among
    the queue's (a list, a comma-separated text of ids, or one value)."""
    if isinstance(fixed, datetime):
        return isinstance(value, datetime) and value >= fixed
    if isinstance(fixed, str):
        allowed = set(fixed.split(","))
    elif isinstance(fixed, list | tuple | set | frozenset):
        allowed = {str(item) for item in fixed}
    else:
        allowed = {str(fixed)}
    values = value if isinstance(value, list | tuple) else [value]
    return {str(getattr(item, "pk", item)) for item in values} <= allowed


def misfits(queue, fixed: dict, chosen: Chosen, names, noun: str) -> dict[str, str]:
    """The person's filters ``queue`` (its own filters: ``fixed``) cannot hold, each with
    what it asked for, as words ("Cancelled requests", "requests with assignee “Jane”")."""
    cleaned = chosen.form.cleaned_data
    found = {}
    states = cleaned.get("state") or []
    outside = [state for state in states if queue.states is not None and state not in queue.states]
    if outside:
        labels = dict(chosen.form.fields["state"].choices)
        found["state"] = f"{' and '.join(str(labels[s]) for s in outside)} {noun}"
    for name, own in owned(queue, fixed, names).items():
        value = cleaned.get(name)
        if value is None or value in ("", [], ()):
            continue
        if own is None or own not in fixed or not within(value, fixed[own]):
            label = str(chosen.form.fields[name].label).lower()
            found[name] = f"{noun} with {label} “{shown(chosen.form, name, value)}”"
    return found


@dataclass(frozen=True)
class Placement:
    """Where a person's filters put a queue page: ``found`` the filters ``queue`` cannot
    hold, as words; ``moved_to`` the All queue the page goes to for them, or None (then
    they were taken out of the person's filters, and the page says so)."""

    found: dict[str, str]
    moved_to: object | None


def place(queue, fixed: dict, chosen: Chosen, page) -> Placement:
    """The one decision the queue page and what counts a saved view share: the filters
    ``queue`` cannot hold move the page to ``page``'s All queue, or, with none to go to,
    are left out of ``chosen``. ``page`` is the queue page class (crm.staff_views)."""
    found = misfits(queue, fixed, chosen, page.user_filters, page.nouns[1])
    target = page.queues.get(page.all_queue) if found else None
    if target is None or target is queue:
        for name in found:
            chosen.filters.pop(name, None)
        return Placement(found, None)
    return Placement(found, target)


def shown(form: forms.Form, name: str, value) -> str:
    """A cleaned value as the filter's field names it."""
    field_ = form.fields[name]
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        labels = dict(getattr(field_, "choices", ()))
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, bool):
        labels = dict(getattr(field_.widget, "choices", ()))
        return str(labels.get(str(value).lower(), value))
    if isinstance(value, str) and hasattr(field_, "queryset"):  # an id (IdChoiceField)
        value = field_.queryset.filter(pk=value).first() or value
    return getattr(value, "display_name", None) or str(value)


def carried(query: QueryDict, queue) -> QueryDict:
    """What the All queue is opened with: the person's filters, columns and sort, without
    the empty fields a form sends, a cursor (it means nothing there), or the sort that is
    only this queue's default (the All queue has its own)."""
    kept = QueryDict(mutable=True)
    default = f"{'-' if queue.descending else ''}{queue.sort}"
    for name, values in query.lists():
        values = [value for value in values if value]
        if name in ("after", "before") or (name == "sort" and values == [default]):
            continue
        if values:
            kept.setlist(name, values)
    return kept


def moved(found: dict[str, str], queue, target) -> str:
    """The message of a move: "Cancelled requests are not in Pending: showing All requests."""
    words = " and ".join(found.values())
    return f"{words[:1].upper()}{words[1:]} are not in {queue.label}: showing {target.label}."


def refused(found: dict[str, str], queue) -> str:
    """The message when there is no All queue to move to: the filters are left out."""
    words = " and ".join(found.values())
    return f"Filter ignored: {words[:1].upper()}{words[1:]} are not in {queue.label}."


def explain(form: forms.Form, queue, fixed: dict, names, target) -> None:
    """Under each filter ``queue`` decides, what choosing outside it does."""
    if target is None or target is queue:
        return
    decided = set(owned(queue, fixed, names))
    if queue.states is not None:
        decided.add("state")
    text = f"Choosing one that {queue.label} does not hold opens {target.label}."
    for name in decided & set(names):
        # The bound field copied its field's help when the form was validated; the
        # field's own gives the input its aria-describedby.
        form.fields[name].help_text = form[name].help_text = text
