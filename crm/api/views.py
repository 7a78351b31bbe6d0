"""The base of every Web API method: one class per documented method.

A method declares its path, verb, permission, parameters, rules and result; the base class
authenticates the token, checks the role, parses and resolves the parameters, calls
``handle`` (which calls one service or selector) and wraps the result in the envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.http import QueryDict
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from crm import idempotency
from crm.access import Access, access_for
from crm.api import auth
from crm.api.errors import ok_body
from crm.api.identifiers import resolve
from crm.api.params import (
    BODY,
    QUERY,
    FieldsSet,
    Int,
    Param,
    Rules,
    check_text,
    parse_params,
    query_to_raw,
)
from crm.api.parsers import FormFilesParser, is_form
from crm.api.representation import RenderContext, Representation
from crm.api.rows import fetch as fetch_rows
from crm.exceptions import EntityNotFound, InvalidParameter, PermissionDenied
from crm.routers import reading_from_replica


@dataclass
class CallContext:
    """Who is calling, with what token and unit; handed to identifier querysets and handlers."""

    request: Any
    user: Any = None
    token: Any = None
    render: RenderContext = field(default_factory=RenderContext)

    @property
    def unit(self):
        return self.token.unit if self.token is not None else None

    @property
    def access(self) -> Access:
        return access_for(self.user)


def paging_params(default: int, maximum: int) -> dict[str, Param]:
    return {
        "number_of_results": Int(
            min_value=1,
            max_value=maximum,
            description=f"How many results to return (default {default}, at most {maximum}).",
        ),
        "offset": Int(description="How many results to skip (default 0)."),
    }


class ApiMethod(APIView):
    """Base of a documented Web API method. Subclasses set the class attributes and
    ``handle``."""

    method_name: ClassVar[str] = ""
    verb: ClassVar[str] = "GET"
    summary: ClassVar[str] = ""
    tag: ClassVar[str] = ""
    permission: ClassVar[str | None] = None
    requires_token: ClassVar[bool] = True
    params: ClassVar[dict[str, Param]] = {}
    rules: ClassVar[Rules | None] = None
    # The result: a representation rendered as an object, or as an array when `many`.
    representation: ClassVar[type[Representation] | None] = None
    many: ClassVar[bool] = False
    paged: ClassVar[bool] = False
    # The result's OpenAPI schema when it is not a representation (tokens, ...).
    response_schema: ClassVar[dict | None] = None
    # OpenAPI security requirements; None: the token (parameter or bearer).
    security: ClassVar[list | None] = None
    # Creates a record: honours the Idempotency-Key header (crm.idempotency).
    creates: ClassVar[bool] = False
    # Error codes this method can answer with, besides the ones every method can.
    errors: ClassVar[tuple[str, ...]] = ()
    # The parameter that takes uploaded files (``file``): the method then also accepts a
    # multipart/form-data body, its fields written as in a GET (crm.api.parsers).
    files: ClassVar[str | None] = None
    # A read that may trail the primary by the replication lag (reports, search): ``handle``
    # reads from the replica when one is configured (crm.routers).
    reads_replica: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.method_name:
            cls.http_method_names = [cls.verb.lower()]

    def get_parsers(self):
        # Only methods that take files read multipart bodies; to every other method such a
        # body is malformed JSON, as before.
        parsers = super().get_parsers()
        return [FormFilesParser(), *parsers] if self.files else parsers

    # -- the declared parameters -----------------------------------------------------------
    @classmethod
    def all_params(cls) -> dict[str, Param]:
        params = dict(cls.params)
        if cls.paged:
            from django.conf import settings

            params.update(
                paging_params(settings.CRM_API_DEFAULT_RESULTS, settings.CRM_API_MAX_RESULTS)
            )
        if cls.representation is not None and "fields_set" not in params:
            params["fields_set"] = FieldsSet(cls.representation)
        return params

    # -- HTTP ---------------------------------------------------------------------------------
    def get(self, request, *args, **kwargs):
        return self.run(request, QUERY)

    def post(self, request, *args, **kwargs):
        return self.run(request, BODY)

    def run(self, request, source: str) -> Response:
        params = self.all_params()
        if source == BODY and self.files and is_form(request):
            raw, source = self.form_params(request, params), QUERY
        else:
            raw = self.raw_params(request, source, params)
        token_value = raw.pop("token", None)
        ctx = CallContext(request=request)
        if self.requires_token:
            ctx.token = auth.authenticate(request, token_value)
            ctx.user = ctx.render.user = ctx.token.user
            self.check_role(ctx.user)
        elif token_value is not None:
            raw["token"] = token_value
        key = idempotency.key_from(request) if self.creates else None
        if key is None:
            return Response(ok_body(self.parse_and_handle(ctx, params, raw, source)))
        status, body, replayed = idempotency.run_once(
            ctx.user,
            self.method_name,
            key,
            raw,
            lambda: (200, ok_body(self.parse_and_handle(ctx, params, raw, source))),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(body, status=status, headers=headers)

    def parse_and_handle(self, ctx: CallContext, params: dict, raw: dict, source: str):
        values = parse_params(params, raw, source, self.rules)
        resolved = resolve(values, ctx)
        if not self.reads_replica:
            return self.handle(ctx, resolved)
        with reading_from_replica():
            return self.handle(ctx, resolved)

    @staticmethod
    def raw_params(request, source: str, params: Mapping[str, Param]) -> dict:
        if source == QUERY:
            return query_to_raw(request.query_params, params)
        data = request.data
        if isinstance(data, QueryDict) and not data:
            data = {}
        if not isinstance(data, dict):
            raise InvalidParameter(
                "The request body must be a JSON object.",
                param="body",
                detail=f"expected a JSON object, got {type(data).__name__}",
            )
        for name in data:
            check_text(name, "parameter name", 100)
        raw = dict(data)
        # The token may also travel in the query string of a POST.
        if "token" not in raw and "token" in request.query_params:
            raw["token"] = request.query_params["token"]
        return raw

    def form_params(self, request, params: Mapping[str, Param]) -> dict:
        """A multipart body's fields as a query string's (identifiers flattened, values
        text), its files as lists under their part names; ``token`` may be in the query."""
        raw = query_to_raw(request.POST, params)
        for name in request.FILES:
            check_text(name, "parameter name", 100)
            if name in raw:
                raise InvalidParameter(
                    f"The parameter {name} is given more than once.",
                    param=name,
                    detail="give each parameter once",
                )
            raw[name] = request.FILES.getlist(name)
        if "token" not in raw and "token" in request.query_params:
            raw["token"] = request.query_params["token"]
        return raw

    def check_role(self, user) -> None:
        if self.permission and not user.has_perm(self.permission):
            raise PermissionDenied(
                f"Your role does not allow {self.method_name}.",
                detail=f"{self.method_name} needs the permission {self.permission}",
            )

    # -- results ------------------------------------------------------------------------------
    def handle(self, ctx: CallContext, params: dict) -> Any:
        raise NotImplementedError

    @staticmethod
    def page(queryset, params: dict):
        """The requested page of ``queryset``. Past the first page it is a deferred join:
        the page's ids are picked first by a narrow query, then only those rows are joined
        to everything the object shows. Joining first joins every skipped row too: at
        offset 10,000 that was 94 ms of SQL for 50 rows. (The ids are fetched, not
        nested as ``IN (subquery)``: with join_collapse_limit=1 PostgreSQL would join the
        whole table before applying it.) The first page joins only the rows it returns."""
        from django.conf import settings

        offset = params.get("offset") or 0
        count = params.get("number_of_results") or settings.CRM_API_DEFAULT_RESULTS
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        if not offset or queryset.query.annotations or not ordering:
            return queryset[offset : offset + count]
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + count])
        return queryset.model._default_manager.filter(pk__in=ids).order_by(*ordering)

    def render_list(self, ctx: CallContext, queryset, params: dict) -> list[dict]:
        rep = self.representation
        names = params.get("fields_set")
        rows = fetch_rows(rep, self.page(queryset, params) if self.paged else queryset, names)
        return rep.render_many(rows, names, ctx.render)

    def render_one(self, ctx: CallContext, obj, params: dict) -> dict:
        return self.representation.render(obj, params.get("fields_set"), ctx.render)


class ConfigListMethod(ApiMethod):
    """Base of the configuration lists (``<resource>/configuration/<x>/list``): GET, paged,
    newest first; ``queryset(params)`` says what."""

    many = True
    paged = True

    def handle(self, ctx, params):
        return self.render_list(ctx, self.queryset(params), params)

    def queryset(self, params):
        raise NotImplementedError


class UnknownMethod(APIView):
    """Anything under the API root that is not a method: the envelope, with 404."""

    schema = None

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs, self.request = args, kwargs, self.initialize_request(request)
        self.headers = self.default_response_headers
        name = kwargs.get("name", "")
        error = EntityNotFound(
            "There is no such Web API method.",
            param="method",
            detail=f"no method {name!r} under /crmapi/rest/v2/",
        )
        response = self.handle_exception(error)
        self.response = self.finalize_response(self.request, response, *args, **kwargs)
        return self.response


def method_urls(*views: type[ApiMethod]) -> list:
    """URL patterns for method views, each at its documented path."""
    return [path(view.method_name, view.as_view(), name=view.method_name) for view in views]
