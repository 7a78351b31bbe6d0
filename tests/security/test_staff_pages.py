"""The browser side: the admin is for admins only, both sign-in pages are throttled, and every
staff form needs its CSRF token."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from crm.models import ApiKey, User
from servicerequests.models import ServiceRequest
from tests.factories import UserFactory
from tests.security import records

pytestmark = pytest.mark.django_db

PASSWORD = "demo"  # DEMO_PASSWORD's default, which the test settings keep


def admin_pages() -> list[str]:
    """The admin's index, every app index, and every model's list and add pages."""
    pages = {reverse("admin:index")}
    for model in admin.site._registry:
        meta = model._meta
        pages.add(reverse("admin:app_list", args=[meta.app_label]))
        pages.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.add(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return sorted(pages)


# -- (c) the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "agent", "plain user"])
def test_admin_sends_non_staff_to_its_sign_in(client, demo, who):
    if who != "anonymous":
        user = demo["agent"] if who == "agent" else UserFactory()
        assert not user.is_staff
        client.force_login(user)
    pages = admin_pages()
    assert len(pages) > 40
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/admin/login/?next="), page


def test_staff_without_permissions_sees_no_model(client, demo):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    for page in admin_pages():
        if page != reverse("admin:index"):
            assert client.get(page).status_code in (403, 404), page  # 404: empty app index


def test_the_agent_cannot_sign_in_to_the_admin(client, demo):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "agent", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same password is right: the staff pages let the agent in.
    assert client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})[
        "Location"
    ].startswith("/requests/")


def test_an_api_token_does_not_open_the_admin(client, agent_token, admin_token):
    for token in (agent_token, admin_token):
        response = client.get("/admin/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 302


# -- (d) sign-in throttle ------------------------------------------------------------------------

SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/"]


def sign_in(client, page, username, password, address):
    client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_five_failures_lock_the_user_name(page, demo, settings):
    assert settings.CRM_LOGIN_MAX_FAILURES == 5
    client = Client()
    # From five different addresses, so that only the user name's count can lock.
    for n in range(5):
        assert not sign_in(client, page, "MPAdministrator", "wrong", f"10.0.0.{n}")
    response = client.post(
        page, {"username": "MPAdministrator", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in response.content.decode()
    # Another user name from the same fresh address is not locked.
    assert sign_in(Client(), "/accounts/login/", "agent", PASSWORD, "10.0.1.1")


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_a_success_resets_the_user_name_count(page, demo):
    for n in range(4):
        assert not sign_in(Client(), page, "MPAdministrator", "wrong", f"10.0.0.{n}")
    assert sign_in(Client(), page, "MPAdministrator", PASSWORD, "10.0.2.1")
    # Four more failures: without the reset this would be eight, and locked.
    for n in range(4):
        assert not sign_in(Client(), page, "MPAdministrator", "wrong", f"10.0.3.{n}")
    assert sign_in(Client(), page, "MPAdministrator", PASSWORD, "10.0.4.1")


def test_failures_lock_the_address_only_at_its_own_loose_limit(demo, settings):
    # One office behind one address: five people mistyping do not lock out a sixth.
    for name in ("a", "b", "c", "d", "e"):
        assert not sign_in(Client(), "/accounts/login/", name, "wrong", "10.9.9.9")
    assert sign_in(Client(), "/accounts/login/", "agent", PASSWORD, "10.9.9.9")
    # An attacker trying user names from one address is stopped at the address's limit.
    settings.CRM_LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    for name in ("f", "g", "h"):
        assert not sign_in(Client(), "/accounts/login/", name, "wrong", "10.9.9.9")
    assert not sign_in(Client(), "/accounts/login/", "agent", PASSWORD, "10.9.9.9")
    assert sign_in(Client(), "/accounts/login/", "agent", PASSWORD, "10.9.9.10")


def test_web_api_and_pages_share_the_count(anon_api, demo):
    for _ in range(5):
        body = {"username": "MPAdministrator", "password": "wrong", "organisation": "CRMDEMO"}
        anon_api.post("authentication/token", body, token=None, REMOTE_ADDR="10.5.5.5")
    assert not sign_in(Client(), "/accounts/login/", "MPAdministrator", PASSWORD, "10.5.5.6")


# -- (d) CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(admin_user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def csrf_token(client: Client) -> str:
    client.get(reverse("notifications"))
    return client.cookies["csrftoken"].value


def test_sign_in_needs_the_csrf_token(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": "agent", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def staff_forms(sr: ServiceRequest) -> dict[str, dict]:
    """Every form the staff pages post, with data that would succeed given the token."""
    return {
        reverse("sr-take", args=[sr.number]): {},
        reverse("sr-action", args=[sr.number, "cancel"]): {},
        reverse("sr-bulk"): {"selected": sr.number, "operation": "take"},
        reverse("sr-create"): {"type": "x"},
        reverse("notifications"): {"all": "1"},
        reverse("logout"): {},
        reverse("admin:crm_apikey_add"): {"name": "csrf", "user": "x"},
        "/admin/logout/": {},
    }


def test_every_staff_form_refuses_a_post_without_the_token(csrf_client, demo):
    sr = records.service_request(hidden=False)
    before = records.snapshot(sr), ApiKey.objects.count()
    for url, data in staff_forms(sr).items():
        response = csrf_client.post(url, data)
        assert response.status_code == 403, url
        assert b"CSRF" in response.content, url
    assert (records.snapshot(sr), ApiKey.objects.count()) == before
    # Still signed in: not even the sign-out went through.
    assert csrf_client.get(reverse("notifications")).status_code == 200


def test_a_staff_form_with_the_token_goes_through(csrf_client, admin_user):
    sr = records.service_request(hidden=False)
    token = csrf_token(csrf_client)
    # htmx sends it as the X-CSRFToken header (base.html's hx-headers); forms as a field.
    response = csrf_client.post(reverse("sr-take", args=[sr.number]), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    sr.refresh_from_db()
    assert sr.assigned_to_user == admin_user


def test_a_token_from_another_session_is_refused(csrf_client, demo):
    sr = records.service_request(hidden=False)
    other = Client(enforce_csrf_checks=True)
    other.force_login(User.objects.get(username="agent"))
    stolen = csrf_token(other)
    assert csrf_token(csrf_client) != stolen  # each browser has its own cookie
    response = csrf_client.post(reverse("sr-take", args=[sr.number]), HTTP_X_CSRFTOKEN=stolen)
    assert response.status_code == 403


def test_the_web_api_ignores_the_session_cookie(csrf_client, demo):
    """The Web API takes no CSRF token because a browser's cookies never authenticate it:
    a signed-in staff member's session is not a token."""
    response = csrf_client.get("/crmapi/rest/v2/products/list")
    assert response.status_code == 401
    body = b'{"name": "x"}'
    response = csrf_client.post(
        "/crmapi/rest/v2/service_requests/create", body, content_type="application/json"
    )
    assert response.status_code == 401
