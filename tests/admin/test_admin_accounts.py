"""The admin of who may sign in: Web API keys (shown once, stored hashed), read-only API
tokens that can be released, and users (names unique whatever their case, a default unit
among the user's units)."""

from __future__ import annotations

import re

from django.contrib.admin.models import LogEntry
from django.utils import timezone

from crm.api.auth import hash_secret
from crm.models import ApiKey, ApiToken, Unit, User
from tests.admin.helpers import form_data, has_error, url

# -- Web API keys ---------------------------------------------------------------------------------


def test_api_key_add_shows_the_key_once_and_stores_its_hash(staff_client, superuser):
    unit = Unit.objects.get(name="Admin Unit")
    response = staff_client.post(
        url(ApiKey, "add"),
        {"name": "Billing sync", "user": superuser.pk, "unit": unit.pk},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    keys = [m for text in shown for m in re.findall(r"<code>([0-9A-F]{32})</code>", text)]
    assert len(keys) == 1
    raw = keys[0]
    assert raw in response.content.decode()

    key = ApiKey.objects.get(name="Billing sync")
    assert key.key_hash == hash_secret(raw)
    assert key.prefix == raw[:8]
    assert (key.user, key.unit, key.is_active) == (superuser, unit, True)
    assert not LogEntry.objects.filter(change_message__contains=raw).exists()
    assert not LogEntry.objects.filter(object_repr__contains=raw).exists()
    # Shown once: the next page no longer carries it.
    again = staff_client.get(url(ApiKey, "changelist"))
    assert raw not in again.content.decode()
    assert key.prefix in again.content.decode()


def test_api_key_change_renames_and_deactivates_only(staff_client, superuser):
    from crm.services import api_key_create

    key, _raw = api_key_create(name="Old name", user=superuser, unit=None)
    page = staff_client.get(url(ApiKey, "change", key.pk))
    form = page.context["adminform"].form
    assert set(form.fields) == {"name", "is_active"}
    response = staff_client.post(
        url(ApiKey, "change", key.pk),
        {"name": "New name", "key_hash": "0" * 64, "prefix": "HACKED00", "user": "x"},
    )
    assert response.status_code == 302
    changed = ApiKey.objects.get(pk=key.pk)
    assert (changed.name, changed.is_active) == ("New name", False)
    assert (changed.key_hash, changed.prefix, changed.user) == (key.key_hash, key.prefix, superuser)


def test_api_key_unit_must_be_one_of_the_users(staff_client, superuser, demo_data):
    other = Unit.objects.create(name="Other Unit", group=demo_data["group"])
    response = staff_client.post(
        url(ApiKey, "add"), {"name": "Wrong unit", "user": superuser.pk, "unit": other.pk}
    )
    assert has_error(response, "one of the user's units")
    assert not ApiKey.objects.exists()


def test_api_key_name_taken_by_the_same_user_is_a_form_error(staff_client, superuser):
    from crm.services import api_key_create

    api_key_create(name="Sync", user=superuser)
    response = staff_client.post(url(ApiKey, "add"), {"name": "Sync", "user": superuser.pk})
    assert has_error(response, "already exists")
    assert ApiKey.objects.filter(name="Sync").count() == 1


def test_api_tokens_are_read_only(staff_client, superuser):
    token = ApiToken.objects.create(
        token_hash=hash_secret("A" * 32),
        user=superuser,
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    assert staff_client.get(url(ApiToken, "add")).status_code == 403
    page = staff_client.get(url(ApiToken, "change", token.pk))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    staff_client.post(url(ApiToken, "change", token.pk), {"source": "API_KEY"})
    assert ApiToken.objects.get(pk=token.pk).source == ApiToken.Source.LOGIN


def test_api_tokens_can_be_released(staff_client, superuser):
    token = ApiToken.objects.create(
        token_hash=hash_secret("B" * 32),
        user=superuser,
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    response = staff_client.post(
        url(ApiToken, "changelist"), {"action": "release", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).released_at is not None


# -- users ----------------------------------------------------------------------------------


def test_user_add_refuses_a_name_differing_only_in_case(staff_client):
    before = User.objects.count()
    response = staff_client.post(
        url(User, "add"),
        {
            "username": "mpadministrator",
            "usable_password": "true",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert has_error(response, "A user with that username already exists.")
    assert User.objects.count() == before


def test_user_add_then_change_profile(staff_client):
    response = staff_client.post(
        url(User, "add"),
        {
            "username": "newagent",
            "person_name": "New Agent",
            "email": "new@example.com",
            "usable_password": "true",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newagent")
    assert user.person_name == "New Agent"
    assert user.check_password("a-long-Passw0rd!")

    unit = Unit.objects.get(name="Admin Unit")
    page = staff_client.get(url(User, "change", user.pk))
    data = form_data(page)
    data.update({"units": [unit.pk], "default_unit": unit.pk, "clearance": ""})
    response = staff_client.post(url(User, "change", user.pk), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.default_unit == unit
    assert list(user.units.all()) == [unit]


def test_user_change_refuses_a_name_differing_only_in_case(staff_client):
    agent = User.objects.get(username="agent")
    data = form_data(staff_client.get(url(User, "change", agent.pk)))
    data["username"] = "MPADMINISTRATOR"
    response = staff_client.post(url(User, "change", agent.pk), data)
    assert has_error(response, "A user with that username already exists.")
    assert User.objects.get(pk=agent.pk).username == "agent"


def test_user_default_unit_must_be_one_of_the_users_units(staff_client, demo_data):
    agent = User.objects.get(username="agent")
    other = Unit.objects.create(name="Other Unit", group=demo_data["group"])
    data = form_data(staff_client.get(url(User, "change", agent.pk)))
    data["default_unit"] = other.pk
    response = staff_client.post(url(User, "change", agent.pk), data)
    assert has_error(response, "The default unit must be one of the user's units.")
    assert User.objects.get(pk=agent.pk).default_unit.name == "Admin Unit"
