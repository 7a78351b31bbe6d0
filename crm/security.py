"""Security plumbing that Django 5.2 does not ship: the Content-Security-Policy header,
``Cache-Control: no-store`` on private answers, and the failed-login throttle on the admin's
own sign-in form."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.cache import add_never_cache_headers

from crm.staff_views import ThrottledAuthenticationForm


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.CONTENT_SECURITY_POLICY`` to every response that does not set its own,
    except on the paths of ``CONTENT_SECURITY_POLICY_EXEMPT`` (regular expressions matched
    against the path without its leading slash, like ``SECURE_REDIRECT_EXEMPT``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.CONTENT_SECURITY_POLICY)
        self.exempt = [re.compile(pattern) for pattern in settings.CONTENT_SECURITY_POLICY_EXEMPT]

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info.lstrip("/")
        if "Content-Security-Policy" not in response and not any(
            pattern.search(path) for pattern in self.exempt
        ):
            response["Content-Security-Policy"] = self.header
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every Web API answer and every page a signed-in user
    gets: what one person saw must not be served from a shared or browser cache to the next
    (a shared computer's back button, a proxy). Responses that set their own policy keep it;
    static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and (
            request.path_info.startswith("/crmapi/")
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            add_never_cache_headers(response)
        return response


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in form (staff accounts only) behind the same throttle as the staff
    sign-in page and the Web API: without it, /admin/login/ would be an unthrottled way to
    guess the same passwords."""
