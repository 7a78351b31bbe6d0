"""Security headers on the staff pages, the admin and the Web API, and a Content-Security-Policy
the pages actually comply with (no inline script, no inline style, nothing from elsewhere)."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.security import records

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def assert_secure_headers(response):
    for header, value in EVERYWHERE.items():
        assert response[header] == value, header
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for sources in csp.values():
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert "*" not in sources
        assert "data:" not in sources


def test_headers_on_the_sign_in_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert_secure_headers(response)
    assert "csrftoken" in response.cookies


def sign_in(client, **extra):
    response = client.post(
        "/accounts/login/", {"username": "MPAdministrator", "password": "demo"}, **extra
    )
    assert response.status_code == 302
    return response


def test_headers_on_a_signed_in_staff_page(client, demo):
    signed_in = sign_in(client)
    # Scripts cannot read the session cookie.
    assert signed_in.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True
    assert signed_in.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"
    response = client.get(reverse("sr-queue-default"))
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("token", [True, False])
def test_headers_on_web_api_responses(api, anon_api, token):
    response = (api if token else anon_api).get("products/list")
    assert response.status_code == (200 if token else 401)
    assert_secure_headers(response.headers)
    assert response.headers["Content-Type"] == "application/json"


def test_headers_on_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert_secure_headers(client.get("/admin/"))


def test_the_swagger_page_alone_has_no_policy(client):
    # It ships an inline script; everything else about it is like any other page.
    response = client.get("/crmapi/rest/v2/docs/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_and_secure_cookies_when_https_is_on(client, settings, demo):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.cookies["csrftoken"]["secure"] is True
    signed_in = sign_in(client, secure=True)
    assert signed_in.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
    # Over plain HTTP no HSTS header is sent (browsers would ignore it anyway).
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


# -- the pages keep to the policy ------------------------------------------------------------------


class InlineFinder(HTMLParser):
    """Everything in a page that a script-src / style-src 'self' policy would block."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"inline handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"inline style on <{tag}>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")
            elsewhere = re.match(r"^(https?:)?//", value or "")
            if name in ("src", "href") and elsewhere and tag in ("script", "link", "img"):
                self.problems.append(f"<{tag}> from another origin: {value}")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            kind = attrs.get("type", "text/javascript")
            if "src" not in attrs and kind not in ("application/json", "text/template"):
                self.problems.append("inline <script>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_what_the_policy_blocks():
    page = (
        '<script>alert(1)</script><p style="color:red" onclick="x()"></p>'
        '<script src="https://cdn.example.com/x.js"></script><style>p{}</style>'
        '<script type="application/json">{}</script>'
    )
    assert len(inline_problems(page)) == 5


def staff_pages(sr) -> list[str]:
    return [
        reverse("sr-queue-default"),
        reverse("sr-queue", args=["overdue"]),
        reverse("sr-detail", args=[sr.number]),
        reverse("sr-create"),
        reverse("notifications"),
        "/admin/",
        "/admin/servicerequests/servicerequest/",
        f"/admin/servicerequests/servicerequest/{sr.pk}/change/",
        "/admin/crm/user/add/",
    ]


def test_staff_and_admin_pages_have_nothing_inline(client, admin_user):
    assert inline_problems(client.get("/accounts/login/").content.decode()) == []
    sr = records.service_request(hidden=False)
    client.force_login(admin_user)
    for page in staff_pages(sr):
        response = client.get(page)
        assert response.status_code == 200, page
        assert inline_problems(response.content.decode()) == [], page


def test_the_style_hash_is_that_of_the_style_htmx_inserts():
    """htmx adds one <style> element for its request indicator; the policy allows exactly
    that element by its hash. Recomputed from the vendored file so that an htmx upgrade
    that changes it fails here, not silently in browsers."""
    (script,) = (ROOT / "static" / "vendor").glob("htmx-*.min.js")
    source = script.read_text()
    match = re.search(r"`<style\$\{e\}>`\+((?:`[^`]*`\+?)+)\+\"</style>\"", source)
    assert match, "htmx no longer inserts its indicator style the way this test expects"
    pieces = re.findall(r"`([^`]*)`", match.group(1))
    text = "".join(pieces).replace("${t}", "htmx-indicator").replace("${n}", "htmx-request")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.HTMX_INDICATOR_STYLE_HASH
    assert settings.HTMX_INDICATOR_STYLE_HASH in settings.CONTENT_SECURITY_POLICY["style-src"]
