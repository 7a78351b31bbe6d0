"""Django's error pages, with the Web API's envelope for paths under /crmapi/."""

from django.views import defaults

from crm.api.errors import json_error
from crm.exceptions import CrmError, EntityNotFound, InvalidParameter, PermissionDenied

API_PREFIX = "/crmapi/"


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return json_error(EntityNotFound("There is no such Web API method.", param="method"))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return json_error(CrmError())
    return defaults.server_error(request)


def bad_request(request, exception):
    """A request Django refuses before any view (a disallowed Host, a body over the limits)."""
    if request.path.startswith(API_PREFIX):
        return json_error(
            InvalidParameter("The request was refused as malformed or too large.", param="request")
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if request.path.startswith(API_PREFIX):
        return json_error(PermissionDenied())
    return defaults.permission_denied(request, exception)
