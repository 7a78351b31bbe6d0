"""Search of work records (service requests, jobs): what both apps' searches share.

Each app says what its records match, as ranked *branches* (``servicerequests.search``,
``jobs.search``): an exact number ranks first, exact identifiers next, names, then words of
the description. A record takes the rank of its best branch; ties are newest first
(created date, then id). The Web API and the staff pages both read through here, so their
results always agree.

Why branches rather than one ``ORDER BY CASE ...`` query: on a million rows, one query that
ORs every condition cannot use any index and has to rank every match. Each branch is one
narrow, index-backed query (``ORDER BY created_date DESC, id DESC LIMIT offset + count``),
and the page is merged from them. That is exact: a record among the first ``offset +
count`` of the merged order is among the first ``offset + count`` of its own best branch,
since at most as many records as rank above it in the merged order rank above it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Q, QuerySet

from crm.exceptions import InvalidParameter

MIN_LENGTH = 2
MAX_LENGTH = 200
# Deeper pages would fetch this many ids per branch: search is for finding, not for paging
# through a whole table (the lists do that).
MAX_OFFSET = 10_000
# What a word is: letters and digits (PostgreSQL's text search parser splits on the rest).
WORD = re.compile(r"[^\W_]+")


def clean_query(raw: str | None, *, param: str = "query") -> str:
    """The query stripped; at least ``MIN_LENGTH`` characters, else INVALID_PARAMETER."""
    text = " ".join((raw or "").split())
    if len(text) < MIN_LENGTH:
        raise InvalidParameter(
            f"Type at least {MIN_LENGTH} characters to search.",
            param=param,
            detail=f"{param} must have at least {MIN_LENGTH} characters besides spaces",
        )
    if len(text) > MAX_LENGTH:
        raise InvalidParameter(
            f"The search is too long (at most {MAX_LENGTH} characters).",
            param=param,
            detail=f"{param} must have at most {MAX_LENGTH} characters",
        )
    return text


def words_of(query: str) -> list[str]:
    """The query's words, lower-cased, each once. An e-mail address (anything with an @) has
    none: it is looked for whole, as an e-mail, not as the names "a" and "anton"."""
    if "@" in query:
        return []
    return list(dict.fromkeys(word.lower() for word in WORD.findall(query)))


@dataclass(frozen=True)
class Branch:
    """Records matching ``condition`` rank ``rank`` (lower is better)."""

    rank: int
    condition: Q


def each_word(words: list[str], fields: tuple[str, ...]) -> Q:
    """Every word is contained (any case) in one of ``fields``: "marina anton" finds the
    contact Anton Marina. On PostgreSQL each field has a trigram index (UPPER(field)
    gin_trgm_ops), which is what Django's ``icontains`` compares."""
    per_word = [reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words]
    return reduce(and_, per_word)


def words_in_text(field: str, words: list[str]) -> Q:
    """Every word begins a word of ``field`` ("rout" finds "router"). On PostgreSQL: full
    text search with the ``simple`` configuration (no stemming, so the fallback can agree),
    which the GIN index on ``to_tsvector('simple', COALESCE(field, ''))`` answers. Elsewhere
    (SQLite): a case-insensitive regular expression anchored at a word's start."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        text = " & ".join(f"{word}:*" for word in words)
        return Q(**{f"{field}__search": SearchQuery(text, search_type="raw", config="simple")})
    return reduce(and_, (Q(**{f"{field}__iregex": rf"(^|[\W_]){re.escape(w)}"}) for w in words))


# How many rows of a small table a branch takes as a list of ids (see ids_of).
FEW_IDS = 200


def ids_of(queryset: QuerySet):
    """The rows of a small table (contacts, accounts, subscriptions) that a branch looks
    the records up by: their primary keys when there are few, else the subquery.

    Few, as a list, PostgreSQL knows how few: given ``IN (subquery)`` it guessed from a
    trigram pattern's statistics that "last531" (11 callers) matches thousands and walked a
    million requests newest first to find 50 of theirs (1.1 s instead of 3 ms). Many, the
    subquery: that walk is then the right plan, and a list of thousands of ids costs more
    to compile and plan than the query takes (1.8 s for "last1", 1,111 callers)."""
    ids = list(queryset.values_list("pk", flat=True)[: FEW_IDS + 1])
    return ids if len(ids) <= FEW_IDS else queryset.values("pk")


def any_of(branches: list[Branch]) -> Q:
    """Matching any branch, unranked: a queue's ``q`` filter (the queue has its own order)."""
    return reduce(or_, (branch.condition for branch in branches))


def ranked_ids(queryset: QuerySet, branches: list[Branch], *, offset: int, count: int) -> list:
    """The primary keys of one page of ``queryset`` matching any branch, best rank first,
    then newest first (created date, then id); one query per branch."""
    wanted = offset + count
    best: dict = {}
    for branch in branches:
        rows = (
            queryset.filter(branch.condition)
            .order_by("-created_date", "-pk")
            .values_list("pk", "created_date")[:wanted]
        )
        for pk, created in rows:
            if pk not in best or branch.rank < best[pk][0]:
                best[pk] = (branch.rank, created, pk)
    ranked = sorted(best.values(), key=lambda row: (row[1], row[2]), reverse=True)
    ranked.sort(key=lambda row: row[0])  # stable: newest first within a rank
    return [pk for _rank, _created, pk in ranked[offset:wanted]]


def in_order(rows, ids: list) -> list:
    """``rows`` (fetched by ``pk__in=ids``) in the order of ``ids``."""
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.pk])
