"""The response envelope and the one handler that turns every failure into it."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from crm.exceptions import (
    CrmError,
    EntityNotFound,
    InvalidParameter,
    InvalidToken,
    MethodNotAllowed,
    PermissionDenied,
    RateLimited,
)

logger = logging.getLogger("crm.api")


def ok_body(data) -> dict:
    return {"status": {"code": "OK", "message": "", "description": ""}, "data": data}


def error_body(error: CrmError) -> dict:
    return {
        "status": {"code": error.code, "message": error.message, "description": error.description},
        "data": None,
    }


def _from_drf(exc: drf.APIException) -> CrmError:
    if isinstance(exc, drf.ParseError):
        return InvalidParameter(
            "The request body is not valid JSON.", param="body", detail=str(exc.detail)
        )
    if isinstance(exc, drf.UnsupportedMediaType):
        return InvalidParameter("Send the parameters as a JSON object.", param="body")
    if isinstance(exc, drf.MethodNotAllowed):
        return MethodNotAllowed(detail=str(exc.detail))
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return InvalidToken()
    if isinstance(exc, drf.PermissionDenied):
        return PermissionDenied()
    if isinstance(exc, drf.NotFound):
        return EntityNotFound()
    if isinstance(exc, drf.Throttled):
        return RateLimited(retry_after=exc.wait and int(exc.wait))
    return InvalidParameter(detail=str(exc.detail))


def as_crm_error(exc: Exception) -> CrmError:
    """Map any exception to the error the client sees; unexpected ones become ``ERROR``."""
    if isinstance(exc, CrmError):
        return exc
    if isinstance(exc, drf.APIException):
        return _from_drf(exc)
    if isinstance(exc, Http404):
        return EntityNotFound()
    if isinstance(exc, SuspiciousOperation):
        # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE: the client's fault, not ours.
        return InvalidParameter("The request was refused as malformed or too large.", param="body")
    logger.exception("Unexpected error in the Web API", exc_info=exc)
    return CrmError()


def error_response(error: CrmError) -> Response:
    headers = {}
    if isinstance(error, RateLimited) and error.retry_after:
        headers["Retry-After"] = str(error.retry_after)
    return Response(error_body(error), status=error.http_status, headers=headers)


def exception_handler(exc, context):
    """DRF's exception handler: every failure becomes the envelope, never a stack trace."""
    set_rollback()
    return error_response(as_crm_error(exc))


def json_error(error: CrmError) -> JsonResponse:
    """The envelope outside DRF (Django's 404/500 handlers for API paths)."""
    return JsonResponse(error_body(error), status=error.http_status)
