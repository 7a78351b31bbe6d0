"""The staff pages' header search: one results page listing the requests and the jobs that
match, in the order the Web API's searches give (the same selectors, through
crm.registry), each list paged on its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from crm.columns import subject
from crm.exceptions import CrmError
from crm.registry import SEARCH_SECTIONS, SearchSection
from crm.routers import reading_from_replica
from crm.search import MAX_OFFSET, clean_query

PAGE_SIZE = 25
PARAM = "q"


@dataclass
class Results:
    """One app's page of results: its rows, and the links to the pages around it ("": none)."""

    section: SearchSection
    key: str
    page: int
    rows: list = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything else is the first page."""
    if raw and raw.isdigit() and 0 < int(raw) <= MAX_OFFSET // PAGE_SIZE:
        return int(raw)
    return 1


def page_url(request, key: str, page: int) -> str:
    """This page's address with ``key``'s list at ``page`` (the other list stays put)."""
    query = request.GET.copy()
    query[f"{key}_page"] = str(page)
    return f"?{query.urlencode()}"


def results(request, section: SearchSection, key: str, query: str, page: int) -> Results:
    offset = (page - 1) * PAGE_SIZE
    # One more than the page: whether there is a next one, without counting.
    ids = section.search(user=request.user, query=query, offset=offset, count=PAGE_SIZE + 1)
    rows = section.rows(ids=ids[:PAGE_SIZE])
    for row in rows:
        row.subject = subject(row.description)
    more = len(ids) > PAGE_SIZE and offset + PAGE_SIZE < MAX_OFFSET
    return Results(
        section,
        key,
        page,
        rows,
        previous_url=page_url(request, key, page - 1) if page > 1 else "",
        next_url=page_url(request, key, page + 1) if more else "",
    )


class SearchView(LoginRequiredMixin, TemplateView):
    """``/search/?q=``: what the header's search box opens. Too short a query gets a
    message, not an error page; each app's list only for those who may read it."""

    template_name = "crm/search.html"

    def get_context_data(self, **kwargs):
        raw = self.request.GET.get(PARAM, "")
        context = {"query": raw.strip(), "sections": [], "error": "", "now": timezone.now()}
        if not raw.strip():
            return super().get_context_data(**context, **kwargs)
        try:
            query = clean_query(raw, param=PARAM)
        except CrmError as error:
            context["error"] = error.message
            return super().get_context_data(**context, **kwargs)
        user = self.request.user
        for section in SEARCH_SECTIONS:
            if user.has_perm(section.permission):
                key = section.detail_url.removesuffix("-detail")
                page = page_number(self.request.GET.get(f"{key}_page"))
                # Search may trail the primary: the replica's, if any (crm.routers).
                with reading_from_replica():
                    found = results(self.request, section, key, query, page)
                context["sections"].append(found)
        return super().get_context_data(**context, **kwargs)
