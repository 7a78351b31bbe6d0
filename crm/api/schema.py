"""OpenAPI for the Web API, built from each method's declarations.

drf-spectacular walks the URL patterns; for a method view this schema class writes the whole
operation from the view's parameters, rules and representation, and registers the
representations, the envelope and the security schemes as components. What a method
declares is therefore what it parses, what it returns and what the schema says.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from crm.api.params import object_schema

ERROR_HTTP = {
    "INVALID_PARAMETER": 400,
    "MISSING_MANDATORY_PARAMETER": 400,
    "INVALID_IDENTIFIER": 400,
    "INVALID_TOKEN": 401,
    "PERMISSION_DENIED": 403,
    "ENTITY_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "INVALID_LIFE_CYCLE_STATE": 409,
    "VALIDATION_ERROR": 422,
    "RATE_LIMITED": 429,
    "ERROR": 500,
}
STATUS_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "description"],
    "properties": {
        "code": {"type": "string", "enum": ["OK", *ERROR_HTTP]},
        "message": {"type": "string", "nullable": True},
        "description": {
            "type": "string",
            "nullable": True,
            "description": "On errors, starts with the offending parameter's name.",
        },
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "data"],
    "properties": {
        "status": {"$ref": "#/components/schemas/Status"},
        "data": {"type": "object", "nullable": True, "description": "Always null on errors."},
    },
}
SECURITY_SCHEMES = {
    "token": {
        "type": "apiKey",
        "in": "query",
        "name": "token",
        "description": "The token from authentication/token (a body field on POST works too).",
    },
    "bearer": {"type": "http", "scheme": "bearer"},
    "webApiKey": {
        "type": "http",
        "scheme": "basic",
        "description": "The Web API key as the user name, with an empty password.",
    },
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Retry safely: the same key and body within 24 hours replays the first response "
        "instead of creating again; the same key with another body is refused."
    ),
}
ALWAYS = ("INVALID_PARAMETER", "METHOD_NOT_ALLOWED", "ERROR")
WITH_TOKEN = ("INVALID_TOKEN", "PERMISSION_DENIED", "ENTITY_NOT_FOUND")


class MethodSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        self.registry, self.path, self.method = registry, path, method.upper()
        view = self.view
        if not getattr(view, "method_name", ""):
            return None
        self._register("Status", STATUS_SCHEMA)
        self._register("ErrorEnvelope", ERROR_SCHEMA)
        for name, scheme in SECURITY_SCHEMES.items():
            self._register(name, scheme, ResolvedComponent.SECURITY_SCHEMA)
        operation = {
            "operationId": view.method_name.replace("/", "_"),
            "summary": view.summary,
            "description": self._description(view),
            "tags": [view.tag or view.method_name.split("/")[0]],
            "responses": self._responses(view),
        }
        if self.method == "GET":
            operation["parameters"] = self._query_parameters(view)
        else:
            operation["requestBody"] = self._request_body(view)
            if view.creates:
                operation["parameters"] = [IDEMPOTENCY_HEADER]
        operation["security"] = view.security or (
            [{"token": []}, {"bearer": []}] if view.requires_token else []
        )
        return operation

    def _register(self, name, schema, kind=ResolvedComponent.SCHEMA):
        self.registry.register_on_missing(
            ResolvedComponent(name=name, type=kind, schema=schema, object=name)
        )

    @staticmethod
    def _description(view) -> str:
        lines = [view.__doc__.strip()] if view.__doc__ and view.__doc__.strip() else []
        rules = view.rules
        if rules:
            for group in rules.exactly_one_of:
                lines.append(f"Exactly one of {', '.join(group)} is mandatory.")
            for group in rules.at_most_one_of:
                lines.append(f"At most one of {', '.join(group)} may be given.")
        if view.paged:
            # A method whose order or paging differs (the searches) says so in its own words.
            lines.append(
                getattr(view, "paging_note", "")
                or "Newest first; `number_of_results` (default 50, at most 500) and `offset`."
            )
        return "\n\n".join(lines)

    def _query_parameters(self, view) -> list[dict]:
        parameters = []
        for name, param in view.all_params().items():
            entry = {
                "name": name,
                "in": "query",
                "required": param.required,
                "schema": param.query_schema(),
            }
            if param.description:
                entry["description"] = param.description
            parameters.append(entry)
        return parameters

    @staticmethod
    def _request_body(view) -> dict:
        # Files travel only in a multipart body, described beside the JSON one.
        params = {name: p for name, p in view.all_params().items() if name != view.files}
        schema = object_schema(params)
        if view.requires_token:
            schema["properties"] = {
                "token": {"type": "string", "description": "The token from authentication/token."},
                **schema["properties"],
            }
        content = {"application/json": {"schema": schema}}
        if view.files:
            content["multipart/form-data"] = {"schema": MethodSchema._form_schema(view)}
        return {"required": True, "content": content}

    @staticmethod
    def _form_schema(view) -> dict:
        """The same parameters as form fields: text written as in a GET (identifiers
        flattened), the files as repeated binary parts."""
        fields = view.all_params()
        properties = {
            name: param.body_schema() if name == view.files else MethodSchema._field(param)
            for name, param in fields.items()
        }
        if view.requires_token:
            properties = {
                "token": {"type": "string", "description": "Or the Bearer header."},
                **properties,
            }
        schema = {"type": "object", "properties": properties}
        required = [name for name, param in fields.items() if param.required]
        return {**schema, "required": required} if required else schema

    @staticmethod
    def _field(param) -> dict:
        schema = param.query_schema()
        return {**schema, "description": param.description} if param.description else schema

    def _data_schema(self, view) -> dict:
        rep = view.representation
        if rep is None:
            return view.response_schema or {"type": "object", "nullable": True}
        for name, component in rep.components().items():
            self._register(name, component)
        ref = {"$ref": f"#/components/schemas/{rep.component_name()}"}
        return {"type": "array", "items": ref} if view.many else ref

    def _responses(self, view) -> dict:
        ok = {
            "type": "object",
            "required": ["status", "data"],
            "properties": {
                "status": {"$ref": "#/components/schemas/Status"},
                "data": self._data_schema(view),
            },
        }
        responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
        codes = set(ALWAYS) | set(view.errors)
        if view.requires_token:
            codes |= set(WITH_TOKEN)
        error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
        # By status, then by name: the schema is the same on every run (sets are not).
        for code in sorted(codes, key=lambda c: (ERROR_HTTP[c], c)):
            status = str(ERROR_HTTP[code])
            entry = responses.setdefault(
                status,
                {"description": "", "content": {"application/json": {"schema": error_ref}}},
            )
            entry["description"] = ", ".join(filter(None, [entry["description"], code]))
        return responses
