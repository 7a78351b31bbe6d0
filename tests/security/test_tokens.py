"""Every Web API method refuses a call without a live token, and secrets are stored hashed.

The methods come from crm.api.urls.METHODS: a method added later is covered by this file,
and only the two log-in methods may do without a token.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from crm.api.urls import METHODS
from crm.models import ApiKey, ApiToken
from crm.services import api_key_create
from servicerequests.models import ServiceRequest
from tests.conftest import Api, token_for

pytestmark = pytest.mark.django_db

LOGIN_METHODS = {"authentication/token", "authentication/web_api_key/token"}
WITH_TOKEN = [view for view in METHODS if view.requires_token]
LOGIN = {"username": "MPAdministrator", "password": "demo", "organisation": "CRMDEMO"}


def test_only_the_log_in_methods_take_no_token():
    assert {view.method_name for view in METHODS if not view.requires_token} == LOGIN_METHODS
    assert len(WITH_TOKEN) == len(METHODS) - 2


def call(api: Api, view, token, **headers):
    if view.verb == "GET":
        return api.get(view.method_name, token=token, **headers)
    return api.post(view.method_name, token=token, **headers)


def assert_invalid_token(response, view):
    assert (response.status_code, response.code) == (401, "INVALID_TOKEN"), (
        view.method_name,
        response.body,
    )
    assert response.data is None
    assert response.description.startswith("token:")


@pytest.fixture
def expired_token(admin_user) -> str:
    token = token_for(admin_user)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    return token


@pytest.mark.parametrize("view", WITH_TOKEN, ids=lambda view: view.method_name)
def test_every_method_refuses_a_missing_token(view, anon_api, demo):
    before = ServiceRequest.objects.count(), ApiToken.objects.count()
    assert_invalid_token(call(anon_api, view, None), view)
    assert (ServiceRequest.objects.count(), ApiToken.objects.count()) == before


@pytest.mark.parametrize("view", WITH_TOKEN, ids=lambda view: view.method_name)
def test_every_method_refuses_an_expired_token(view, anon_api, expired_token):
    response = call(anon_api, view, expired_token)
    assert_invalid_token(response, view)
    assert "expired" in response.body["status"]["message"]
    # The same token as a bearer header: refused the same way.
    bearer = call(anon_api, view, None, HTTP_AUTHORIZATION=f"Bearer {expired_token}")
    assert_invalid_token(bearer, view)
    # It was not released as a side effect, nor extended.
    assert ApiToken.objects.get().expires_at < timezone.now()


@pytest.mark.parametrize("token", ["", "0" * 32, "x" * 129, "A\x00B"])
@pytest.mark.parametrize("view", WITH_TOKEN[:4], ids=lambda view: view.method_name)
def test_unknown_or_malformed_tokens_are_invalid(view, token, anon_api, demo):
    assert_invalid_token(call(anon_api, view, token), view)


def test_log_in_refuses_bad_credentials(anon_api, demo):
    for body in (
        {**LOGIN, "password": "wrong"},
        {**LOGIN, "username": "nobody"},
        {**LOGIN, "organisation": "OTHER"},
    ):
        response = anon_api.post("authentication/token", body, token=None)
        assert (response.status_code, response.code) == (401, "INVALID_TOKEN")
    assert not ApiToken.objects.exists()


def test_log_in_does_not_accept_a_token_instead_of_credentials(anon_api, admin_token):
    response = anon_api.post("authentication/token", {}, token=admin_token)
    assert response.status_code == 400  # token is not one of its parameters
    response = anon_api.post(
        "authentication/token", {}, token=None, HTTP_AUTHORIZATION=f"Bearer {admin_token}"
    )
    assert (response.status_code, response.code) == (400, "MISSING_MANDATORY_PARAMETER")
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("authorization", [None, "Basic", "Bearer 0123", "Basic bm9ib2R5Og=="])
def test_web_api_key_log_in_refuses_a_missing_or_unknown_key(anon_api, demo, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = anon_api.post("authentication/web_api_key/token", {}, token=None, **headers)
    assert (response.status_code, response.code) == (401, "INVALID_TOKEN")
    assert not ApiToken.objects.exists()


# -- stored hashed ---------------------------------------------------------------------------------


def database_holds(secret: str) -> list[str]:
    """Every text column of every table (sessions decoded) that contains ``secret``."""
    hits = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and (
                model._default_manager.filter(**{f"{field.name}__contains": secret}).exists()
            ):
                hits.append(f"{model._meta.label}.{field.name}")
    for session in Session.objects.all():
        if secret in str(session.get_decoded()):
            hits.append(f"session {session.pk}")
    return hits


def test_tokens_are_stored_only_as_their_sha256(anon_api, demo):
    response = anon_api.post("authentication/token", LOGIN, token=None)
    token = response.data["token"]
    assert database_holds(token) == []
    stored = ApiToken.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # And the token works: it is the real one.
    assert anon_api.get("products/list", token=token).status_code == 200


def test_api_keys_are_stored_only_as_their_sha256_and_a_prefix(anon_api, admin_user):
    key, raw = api_key_create(name="Integration", user=admin_user)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:8]
    assert database_holds(raw) == []
    assert database_holds(raw[8:]) == []
    basic = "Basic " + base64.b64encode(f"{raw}:".encode()).decode()
    response = anon_api.post(
        "authentication/web_api_key/token", {}, token=None, HTTP_AUTHORIZATION=basic
    )
    assert response.status_code == 200
    assert database_holds(response.data["token"]) == []


def test_a_key_made_in_the_admin_is_shown_once_and_not_kept(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/crm/apikey/add/", {"name": "From admin", "user": admin_user.pk}, follow=True
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="From admin")
    shown = [str(m) for m in response.context["messages"]]
    (raw,) = [k for text in shown for k in re.findall(r"<code>([0-9A-F]{32})</code>", text)]
    assert hashlib.sha256(raw.encode()).hexdigest() == key.key_hash
    # Once shown, the message (kept server-side in the session) is gone.
    assert database_holds(raw) == []
