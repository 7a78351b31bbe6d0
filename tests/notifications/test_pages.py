"""The notification pages: the preferences page (per kind, in the app or also by mail, with
the defaults stated) and the list, whose query count does not grow with its rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Notification, NotificationPreference
from tests.servicerequests.helpers import make_job, make_sr

pytestmark = pytest.mark.django_db
KIND = Notification.Kind
URL = "/notifications/preferences/"


def stored(user) -> dict:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))


def test_the_page_shows_every_kind_with_its_default(client, agent_user):
    client.force_login(agent_user)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    for kind in KIND:
        assert kind.label.capitalize() in page
    assert page.count("Default: in-app and mail.") == 4  # assigned, declined, deadlines
    assert page.count("Default: in-app only.") == 3
    # Nothing stored yet: each kind starts at its default.
    assert re.search(r'name="ASSIGNED" value="IN_APP_AND_MAIL"[^>]*checked', page)
    assert re.search(r'name="COMMENTED" value="IN_APP"[^>]*checked', page)
    assert not re.search(r'name="COMMENTED" value="IN_APP_AND_MAIL"[^>]*checked', page)


def test_saving_stores_only_what_changed_and_says_so(client, agent_user, admin_user):
    client.force_login(agent_user)
    choices = {kind.value: "IN_APP_AND_MAIL" for kind in KIND}
    choices.update({"ASSIGNED": "IN_APP", "COMMENTED": "IN_APP_AND_MAIL", "MENTIONED": "IN_APP"})
    response = client.post(URL, choices, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    page = response.content.decode()
    assert "Assigned to you: in-app only" in page
    assert "Commented on your request: in-app and mail" in page
    assert "Customer accepted: in-app and mail" in page
    assert stored(agent_user) == {
        "ASSIGNED": "IN_APP",
        "COMMENTED": "IN_APP_AND_MAIL",
        "ACCEPTED": "IN_APP_AND_MAIL",
    }
    assert stored(admin_user) == {}
    again = client.post(URL, choices, follow=True)
    assert "Nothing changed." in again.content.decode()
    assert NotificationPreference.objects.filter(user=agent_user).count() == 3


def test_an_unknown_channel_is_refused_and_nothing_stored(client, agent_user):
    client.force_login(agent_user)
    choices = {kind.value: "IN_APP" for kind in KIND} | {"OVERDUE": "SMS"}
    response = client.post(URL, choices)
    assert response.status_code == 422
    assert stored(agent_user) == {}


def test_the_pages_need_sign_in_and_link_to_each_other(client, agent_user):
    assert client.get(URL)["Location"] == f"/accounts/login/?next={URL}"
    client.force_login(agent_user)
    listing = client.get(reverse("notifications")).content.decode()
    assert f'href="{URL}"' in listing
    assert listing.count(f'href="{URL}"') == 2  # the page's link and the user menu's


def test_the_list_takes_the_same_queries_for_few_and_many(client, admin_user):
    client.force_login(admin_user)

    def add(count: int) -> None:
        for i in range(count):
            record = {"service_request": make_sr()} if i % 2 else {"job": make_job()}
            Notification.objects.create(
                user=admin_user,
                kind=KIND.ASSIGNED,
                message=f"n{i}",
                key=f"k{Notification.objects.count()}",
                created_at=timezone.now(),
                **record,
            )

    def queries() -> int:
        client.get(reverse("notifications"))  # warm the cached queue counts
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications")).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(10)
    assert queries() == few
