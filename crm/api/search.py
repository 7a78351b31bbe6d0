"""The base of the search methods (``service_requests/search``, ``jobs/search``): a text
query, best matches first (crm.search), the same object and paging as the lists."""

from __future__ import annotations

from django.conf import settings

from crm.api.params import Int, Str
from crm.api.rows import fetch as fetch_rows
from crm.api.views import ApiMethod
from crm.search import MAX_LENGTH, MAX_OFFSET, MIN_LENGTH, clean_query, in_order


class SearchText(Str):
    """The text searched for: at least two characters besides spaces."""

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_LENGTH, **kwargs)

    @property
    def openapi_type(self):
        return {"type": "string", "minLength": MIN_LENGTH, "maxLength": self.max_length}

    def parse(self, raw, path, source):
        return clean_query(super().parse(raw, path, source), param=path)


class SearchMethod(ApiMethod):
    """Base of a search: subclasses set ``method_name``, ``tag``, ``summary``,
    ``permission``, ``representation`` and ``search`` (the app's search selector as a
    staticmethod; it returns one page of ids in order)."""

    many = True
    paged = True
    paging_note = (
        "Best matches first, then the newest (created date, then id); `number_of_results` "
        f"(default 50, at most 500) and `offset` (at most {MAX_OFFSET})."
    )
    errors = ("MISSING_MANDATORY_PARAMETER",)
    search = None
    reads_replica = True

    @classmethod
    def all_params(cls):
        params = super().all_params()
        params["offset"] = Int(
            max_value=MAX_OFFSET,
            description=f"How many results to skip (default 0, at most {MAX_OFFSET}).",
        )
        return params

    def handle(self, ctx, params):
        ids = self.search(
            user=ctx.user,
            query=params["query"],
            offset=params.get("offset") or 0,
            count=params.get("number_of_results") or settings.CRM_API_DEFAULT_RESULTS,
        )
        rep, names = self.representation, params.get("fields_set")
        rows = fetch_rows(rep, rep.model._default_manager.filter(pk__in=ids), names)
        return rep.render_many(in_order(rows, ids), names, ctx.render)


def query_param(matches: str) -> dict:
    return {
        "query": SearchText(
            required=True,
            description=f"What to look for (at least {MIN_LENGTH} characters): {matches}. "
            "Best matches first, then the newest.",
        )
    }
