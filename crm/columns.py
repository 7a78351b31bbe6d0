"""The columns a queue table can show, declared once per app (``<app>/columns.py``), and the
choice a person makes among them, which lives in the URL (``?columns=subject&columns=status``)
so that a link, a bookmark or a saved view opens the same table.

A column says how to render its cell and which relations the cell reads; the selector joins
exactly those (one query for the page whatever the columns: no N+1, no join nobody shows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PARAM = "columns"
# The subject is the description's first line, cut at a word near this many characters; the
# whole text stays in the cell's title. The CSS ellipsis may cut it shorter on a narrow screen.
SUBJECT_LENGTH = 90


@dataclass(frozen=True)
class Column:
    """``render(record, now)`` gives the cell's content; ``related`` the select_related paths
    it reads; ``sort`` the key of the sort its header offers (crm.paging.Sort), if any;
    ``required`` columns are always shown (the number: the row's link and its name)."""

    key: str
    label: str
    render: Callable[..., SafeString] = lambda record, now: mark_safe("")
    related: tuple[str, ...] = ()
    sort: str | None = None
    default: bool = True
    required: bool = False
    css: str = ""


def columns(*items: Column) -> dict[str, Column]:
    return {column.key: column for column in items}


def chosen(declared: dict[str, Column], asked: Iterable[str], *, extra=()) -> list[Column]:
    """The columns to show, in declaration order: those ``asked`` for (unknown names are
    ignored: a hand-edited or outdated link still opens), else the defaults and ``extra`` (a
    queue's own, e.g. the completion date of Recently completed). Required ones always."""
    known = {key for key in asked if key in declared}
    if not known - {c.key for c in declared.values() if c.required}:
        known = {c.key for c in declared.values() if c.default} | set(extra)
    return [c for c in declared.values() if c.required or c.key in known]


def related_of(shown: Iterable[Column]) -> tuple[str, ...]:
    """The relations the shown cells read, each once, in a stable order."""
    return tuple(dict.fromkeys(path for column in shown for path in column.related))


def subject(text: str | None, length: int = SUBJECT_LENGTH) -> str:
    """The first non-blank line of ``text``, cut after a word under ``length`` characters
    with an ellipsis; "" when there is none."""
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    if len(line) <= length:
        return line
    cut = line[: length - 1]
    if " " in cut[length // 2 :]:  # a word boundary not too far back
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def subject_cell(record, now) -> SafeString:
    """The subject, with the whole description (whitespace folded) in the title."""
    text = subject(record.description)
    if not text:
        return mark_safe('<span class="muted">—</span>')
    whole = " ".join((record.description or "").split())
    return format_html('<span class="subject" title="{}">{}</span>', whole, text)


def text_cell(value) -> SafeString:
    """A plain value, or a dash where there is none."""
    return format_html("{}", value if value not in (None, "") else "—")


def assignee_cell(record, now) -> SafeString:
    """The assignee's name (a dash when nobody), and the owning group beside it."""
    name = record.assigned_to_user.display_name if record.assigned_to_user else "—"
    if record.owned_by_group is None:
        return format_html("{}", name)
    return format_html('{} <span class="muted">({})</span>', name, record.owned_by_group.name)
