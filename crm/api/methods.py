"""``authentication/*``: log in, release a token, exchange a Web API key for a token."""

import base64
import binascii

from crm import services
from crm.api.auth import client_address
from crm.api.params import Str
from crm.api.views import ApiMethod, CallContext
from crm.exceptions import InvalidToken

TOKEN_SCHEMA = {
    "type": "object",
    "properties": {"token": {"type": "string", "example": "4AD9C84FA60F9FE407140E20F707726A"}},
    "required": ["token"],
}


class TokenCreate(ApiMethod):
    method_name = "authentication/token"
    verb = "POST"
    tag = "authentication"
    summary = "Log in: a token for a user name, password and organisation (2 hours)."
    requires_token = False
    params = {
        "username": Str(required=True, max_length=150),
        "password": Str(required=True, max_length=1000),
        "organisation": Str(required=True, max_length=150),
        "unit": Str(
            max_length=100, description="A unit id of the user; default: the user's default unit."
        ),
    }
    response_schema = TOKEN_SCHEMA
    errors = ("INVALID_TOKEN", "RATE_LIMITED", "ENTITY_NOT_FOUND")

    def handle(self, ctx: CallContext, params: dict):
        token = services.token_login(
            username=params["username"],
            password=params["password"],
            organisation=params["organisation"],
            unit=params.get("unit"),
            address=client_address(ctx.request),
        )
        return {"token": token}


class TokenRelease(ApiMethod):
    method_name = "authentication/token/release"
    verb = "POST"
    tag = "authentication"
    summary = "End a token: it stops working at once."
    response_schema = {"type": "object", "nullable": True}

    def handle(self, ctx: CallContext, params: dict):
        services.token_release(token=ctx.token)
        return None


def basic_auth_user(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidToken(
            "The Authorization header is not valid HTTP Basic.", param="Authorization"
        ) from None
    return decoded.partition(":")[0] or None


class WebApiKeyToken(ApiMethod):
    method_name = "authentication/web_api_key/token"
    verb = "POST"
    tag = "authentication"
    summary = (
        "A token for a Web API key, passed as the HTTP Basic user name with an empty "
        "password (2 hours)."
    )
    requires_token = False
    params = {
        "unit": Str(
            max_length=100, description="A unit id of the key's user; default: the key's unit."
        ),
    }
    response_schema = TOKEN_SCHEMA
    errors = ("INVALID_TOKEN", "RATE_LIMITED", "ENTITY_NOT_FOUND")
    security = [{"webApiKey": []}]

    def handle(self, ctx: CallContext, params: dict):
        token = services.token_for_api_key(
            key=basic_auth_user(ctx.request),
            unit=params.get("unit"),
            address=client_address(ctx.request),
        )
        return {"token": token}


VIEWS = [TokenCreate, TokenRelease, WebApiKeyToken]
