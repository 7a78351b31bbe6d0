"""What a signed-in user saw is never kept by a cache, sessions end with the working day, and
no form redirects off the site."""

import pytest
from django.urls import reverse

from tests.factories import make_service_request

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "name", ["sr-queue-default", "notifications", "job-queue-default", "sr-create"]
)
def test_signed_in_pages_are_not_stored(client, demo, name):
    client.force_login(demo["agent"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_the_detail_page_and_the_admin_are_not_stored(client, demo):
    sr = make_service_request()
    client.force_login(demo["admin"])
    assert no_store(client.get(reverse("sr-detail", args=[sr.number])))
    assert no_store(client.get("/admin/"))


def test_web_api_answers_are_not_stored(api, anon_api):
    assert no_store(api.get("product_types/list").headers)
    assert no_store(anon_api.get("product_types/list").headers)  # errors too


def test_public_static_files_keep_their_caching(client):
    response = client.get("/static/css/crm.css")
    assert response.status_code == 200
    assert not no_store(response)


def test_sessions_last_a_working_day(client, demo, settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    client.post(reverse("login"), {"username": "agent", "password": "demo"})
    assert client.cookies["sessionid"]["max-age"] == 10 * 3600


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "http://testserver.evil/", "javascript:alert(1)"],
)
def test_bulk_actions_never_redirect_off_the_site(client, demo, target):
    client.force_login(demo["admin"])
    response = client.post(reverse("sr-bulk"), {"next": target, "operation": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == reverse("sr-queue-default")


def test_bulk_actions_go_back_to_the_queue_they_came_from(client, demo):
    client.force_login(demo["admin"])
    back = reverse("sr-queue", args=["pending"]) + "?sort=-created"
    response = client.post(reverse("sr-bulk"), {"next": back, "operation": "cancel"})
    assert response["Location"] == back
